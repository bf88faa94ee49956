import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

// The demo's own bound (runCli's timeoutMs) decides; each test waits a little longer so that a slow,
// loaded machine fails with the demo's output rather than vitest's bare 60 s default.
describe('bucketbridge demo', { timeout: 260_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('onboards, verifies and processes the sample bucket with every built-in processor, and keeps its state when asked', async () => {
    const keep = await mkdtemp(join(tmpdir(), 'bb-demo-test-'));
    dirs.push(keep);
    const result = await runCli(['demo', '--keep', keep, '--json'], { timeoutMs: 240_000 });
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      workDir: string;
      connections: { name: string; verify: string; processed: number; failed: number; bytesOut: number }[];
    };
    const names = summary.connections.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'demo-copy',
        'demo-gzip',
        'demo-exec',
        'demo-logs',
        'demo-cloudtrail',
        'demo-video',
      ]),
    );
    for (const connection of summary.connections) {
      expect(connection, connection.name).toMatchObject({ verify: 'passed', failed: 0 });
      expect(connection.processed, connection.name).toBeGreaterThan(0);
      expect(connection.bytesOut, connection.name).toBeGreaterThan(0);
    }
    // The copy connection processed the five incoming files, keys with spaces, +, % and unicode among them.
    expect(summary.connections.find((c) => c.name === 'demo-copy')?.processed).toBe(5);
    // The live connection picked up the three files uploaded while it was following its queue.
    expect(summary.connections.find((c) => c.name === 'demo-live')?.processed).toBe(3);
    expect(result.stderr).toContain('SIGTERM: live stopped receiving, finished its work and exited 0');
    expect(result.stderr).toContain('Done in');
    expect(existsSync(join(keep, 'bucketbridge.yaml'))).toBe(true);
    expect(existsSync(join(keep, 'ledger.db'))).toBe(true);
    expect((await readdir(join(keep, 'onboarding', 'demo-copy'))).sort()).toEqual(
      expect.arrayContaining([
        'trust-policy.json',
        'permissions-policy.json',
        'cloudformation.yaml',
        'README.md',
      ]),
    );
  });

  it('leaves nothing behind without --keep, and says how to get ffmpeg when it is missing', async () => {
    // An ffmpeg that cannot run stands for one that is not installed.
    const bin = await mkdtemp(join(tmpdir(), 'bb-demo-noffmpeg-'));
    dirs.push(bin);
    await writeFile(join(bin, 'ffmpeg'), '#!/bin/sh\nexit 127\n', { mode: 0o755 });
    // A temporary folder of its own, so a demo run by something else on the machine cannot show up.
    const temporary = await mkdtemp(join(tmpdir(), 'bb-demo-tmpdir-'));
    dirs.push(temporary);
    const result = await runCli(['demo'], {
      timeoutMs: 240_000,
      env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, TMPDIR: temporary },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      "(ffmpeg not found: no video step; to see it, install Debian's ffmpeg package (`sudo apt-get install ffmpeg`) and run the demo again)",
    );
    expect(await readdir(temporary)).toEqual([]);
    expect(result.stderr).toContain('Nothing was left behind');
  });
});
