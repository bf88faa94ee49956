import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MakeDirectoryError, makeDirectory } from '../../../src/fs/make-directory.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bb-mkdir-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function failure(path: string): Pick<MakeDirectoryError, 'code' | 'failedAt' | 'message'> {
  try {
    makeDirectory(path);
  } catch (error) {
    if (!(error instanceof MakeDirectoryError)) throw error;
    return { code: error.code, failedAt: error.failedAt, message: error.message };
  }
  throw new Error(`expected ${path} to be refused`);
}

describe('makeDirectory', () => {
  it('creates a folder and its missing parents, and accepts one that exists', () => {
    const deep = join(root, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirectory(deep);
    makeDirectory(root);
  });

  // Node's recursive mkdir never returns for these: the parent exists, the child is ENOENT.
  it.each([
    ['/proc/nope', 'ENOENT', '/proc/nope', 'cannot create the folder /proc/nope: ENOENT'],
    [
      '/proc/nope/a/b',
      'ENOENT',
      '/proc/nope',
      'cannot create the folder /proc/nope/a/b (at /proc/nope): ENOENT',
    ],
  ])('refuses %s at once', (path, code, failedAt, message) => {
    expect(failure(path)).toEqual({ code, failedAt, message });
  });

  it('refuses a path through a dangling symlink', () => {
    symlinkSync(join(root, 'missing'), join(root, 'dangling'));
    expect(failure(join(root, 'dangling', 'out'))).toMatchObject({
      code: 'EEXIST',
      failedAt: join(root, 'dangling'),
    });
  });

  it('refuses a path that is a file or below a file', () => {
    writeFileSync(join(root, 'file'), '');
    expect(failure(join(root, 'file'))).toMatchObject({ code: 'ENOTDIR', failedAt: join(root, 'file') });
    expect(failure(join(root, 'file', 'below'))).toMatchObject({ code: 'ENOTDIR' });
  });
});
