import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SET_KEYS } from '../../src/config/init/set-keys.js';
import { BIN, runCli } from '../helpers/run-cli.js';

describe('the bucketbridge binary', () => {
  it('prints its version with --version and exits 0', async () => {
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command by name with exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'frobnicate'");
    expect(result.stderr).toContain('run with --help for usage');
  });

  it('rejects an unknown config subcommand by name with exit code 2', async () => {
    const result = await runCli(['config', 'check']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'check'");
  });

  it.each([[['--log-level', 'loud', 'config', 'validate']], [['config', 'validate', '--log-level', 'loud']]])(
    'rejects an unknown --log-level before the command runs, wherever it stands: %j',
    async (args) => {
      const result = await runCli(args);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim()).toBe(
        'bucketbridge: --log-level: expected one of trace, debug, info, warn, error, fatal, silent, found "loud"',
      );
    },
  );

  it('rejects an unknown option with exit code 2', async () => {
    const result = await runCli(['config', 'validate', '--strict']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--strict'");
  });
});

describe('--help', () => {
  it('lists init and the config group', async () => {
    const result = await runCli(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ {2}init \[options\] +write a first configuration file/m);
    expect(result.stdout).toMatch(/^ {2}config +check and upgrade the configuration file/m);
  });

  it('config --help lists validate and migrate', async () => {
    const result = await runCli(['config', '--help']);
    expect(result.stdout).toMatch(/^ {2}validate \[options\] +check the configuration file/m);
    expect(result.stdout).toMatch(/^ {2}migrate \[options\] +upgrade the configuration file/m);
  });

  it.each([
    [
      ['config', 'validate', '--help'],
      ['-c, --config <file>', '--json'],
    ],
    [
      ['config', 'migrate', '--help'],
      ['-c, --config <file>', '--dry-run'],
    ],
    [
      ['init', '--help'],
      ['-c, --config <file>', '--force', '--non-interactive', '--set <key=value>'],
    ],
  ])('%j documents its flags', async (args, flags) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(0);
    for (const flag of flags) expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('(default: $BUCKETBRIDGE_CONFIG, else');
  });

  it('init --help lists every --set key init accepts', async () => {
    const result = await runCli(['init', '--help']);
    for (const key of Object.keys(SET_KEYS))
      expect(result.stdout).toMatch(new RegExp(`^ {2}${key.replace('.', '\\.')} `, 'm'));
  });
});

describe('start-up stays light', () => {
  // A module hook that fails the process as soon as anything imports the AWS SDK (or its Smithy
  // runtime), so a command's --help that loads it eagerly exits non-zero.
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier.startsWith('@aws-sdk/') || specifier.startsWith('@smithy/')) throw new Error('AWS SDK loaded: ' + specifier);
    return next(specifier, context);
  }`;
  const inner = `data:text/javascript,${encodeURIComponent(hook)}`;
  const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(inner)});`)}`;
  const runGuarded = (args: string[]) =>
    spawnSync(process.execPath, ['--import', register, ...args], { encoding: 'utf8', timeout: 30_000 });

  it('the guard itself fails a process that imports the AWS SDK', () => {
    const result = runGuarded(['--input-type=module', '-e', "await import('@aws-sdk/client-sts')"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('AWS SDK loaded: @aws-sdk/client-sts');
  });

  it('--help of the program and of every command loads no AWS SDK module', () => {
    const top = runGuarded([BIN, '--help']);
    expect(top.status).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z][\w-]*)\b/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['init', 'config']));
    for (const args of [
      ...commands.map((c) => [c, '--help']),
      ['config', 'validate', '--help'],
      ['config', 'migrate', '--help'],
    ]) {
      const result = runGuarded([BIN, ...args]);
      expect({ args, status: result.status, stderr: result.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
  });
});
