/**
 * The systemd unit in docs/service.md is valid unit-file syntax: every line is a section header,
 * a comment or `Key=value` in a known section, the keys an operator relies on are there, and
 * `systemd-analyze verify` (when installed) finds no syntax problem in it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/service.md', import.meta.url), 'utf8');
const unit = /```ini\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

function parseUnit(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const entry = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!entry || !current) throw new Error(`not unit-file syntax: ${line}`);
    current.set(entry[1]!, entry[2]!);
  }
  return sections;
}

describe('the systemd unit in docs/service.md', () => {
  it('parses as a unit file that runs the service, reloads with SIGHUP and outlasts the grace period', () => {
    const sections = parseUnit(unit);
    expect([...sections.keys()]).toEqual(['Unit', 'Service', 'Install']);
    const service = sections.get('Service')!;
    expect(service.get('ExecStart')).toMatch(/^\/usr\/bin\/bucketbridge run --config \S+$/);
    expect(service.get('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(service.get('KillSignal')).toBe('SIGTERM');
    expect(Number(service.get('TimeoutStopSec'))).toBeGreaterThan(30);
  });

  it.runIf(existsSync('/usr/bin/systemd-analyze'))('has no syntax problem for systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-systemd-'));
    try {
      const path = join(dir, 'bucketbridge.service');
      writeFileSync(path, unit);
      const result = spawnSync('/usr/bin/systemd-analyze', ['verify', '--man=no', path], {
        encoding: 'utf8',
      });
      // Without a running systemd or the referenced binary/user, verify still reports syntax
      // errors as "Unknown key", "Invalid section" or "Failed to parse" lines.
      expect(result.stderr).not.toMatch(/Unknown (key|section)|Invalid section|Failed to parse|Missing '='/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
