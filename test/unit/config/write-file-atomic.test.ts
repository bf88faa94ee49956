import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupFile, writeFileAtomic } from '../../../src/config/write-file-atomic.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bb-atomic-'));

describe('writeFileAtomic', () => {
  it('replaces the file, keeps its permissions and leaves no temporary file behind', async () => {
    const d = dir();
    const path = join(d, 'bb.yaml');
    writeFileSync(path, 'old\n', { mode: 0o600 });
    await writeFileAtomic(path, 'new\n');
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['bb.yaml']);
  });

  it('writes through a symbolic link, keeping the link', async () => {
    const d = dir();
    writeFileSync(join(d, 'real.yaml'), 'old\n');
    symlinkSync(join(d, 'real.yaml'), join(d, 'link.yaml'));
    await writeFileAtomic(join(d, 'link.yaml'), 'new\n');
    expect(lstatSync(join(d, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'real.yaml'), 'utf8')).toBe('new\n');
  });
});

describe('backupFile', () => {
  it('names the copy after the UTC time and never overwrites an earlier backup', async () => {
    const d = dir();
    const path = join(d, 'bb.yaml');
    writeFileSync(path, 'first\n');
    const now = new Date('2026-11-23T18:05:09.123Z');
    const first = await backupFile(path, now);
    writeFileSync(path, 'second\n');
    const second = await backupFile(path, now);
    expect([first, second]).toEqual([`${path}.bak-20261123T180509Z`, `${path}.bak-20261123T180509Z-1`]);
    expect(readFileSync(first, 'utf8')).toBe('first\n');
    expect(readFileSync(second, 'utf8')).toBe('second\n');
  });
});
