/**
 * A process warning fails the test suite: the setup file fails the test during which a warning
 * was emitted, and the CLI helper refuses a child's stderr carrying one.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROCESS_WARNING } from '../../helpers/run-cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('a process warning', () => {
  it('fails the test during which it was emitted, and only that one', () => {
    const run = spawnSync(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/warning-suite/vitest.config.ts'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 50_000 },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(output).toContain(
      'process warning during this test: MaxListenersExceededWarning: Possible EventTarget memory leak detected. 3 abort listeners added to EventTarget',
    );
    expect(output).toMatch(/Tests\s+1 failed \| 1 passed \(2\)/);
  });

  it.each([
    '(node:4242) MaxListenersExceededWarning: Possible EventTarget memory leak detected.',
    '(node:4242) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.',
    '(node:4242) ExperimentalWarning: SQLite is an experimental feature',
  ])('on a CLI child process stderr is recognised: %s', (line) => {
    expect(PROCESS_WARNING.test(`bucketbridge: something\n${line}\n`)).toBe(true);
  });

  it('is not confused with the product’s own warnings', () => {
    expect(PROCESS_WARNING.test('Warning: connection "acme" does not assume a role yet\n')).toBe(false);
  });
});
