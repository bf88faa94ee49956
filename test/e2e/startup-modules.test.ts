/**
 * Start-up stays fast because `--help`, `--version` and every command's `--help` load only
 * commander and the command definitions: the AWS SDK (and the other heavy libraries) are
 * imported inside the actions. A recorder preloaded with `--import` writes down every module
 * the process resolves, ESM and CommonJS alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const HEAVY = /node_modules\/(@aws-sdk|@smithy|pino|pino-pretty|better-sqlite3|@inquirer|yaml|zod)\//;

// Registered with --import: records ESM resolutions through a loader hook (Node 20 runs hooks
// on their own thread, so they append to a file) and CommonJS loads from require.cache at exit.
const RECORDER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const out = process.env.BB_MODULE_LOG;
register(new URL('./hooks.mjs', import.meta.url), { data: { out } });
process.on('exit', () => {
  const cache = createRequire(import.meta.url).cache;
  appendFileSync(out, Object.keys(cache).map((p) => 'cjs:' + p + '\\n').join(''));
});
`;
const HOOKS = `
import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(out, 'esm:' + result.url + '\\n');
  return result;
}
`;

let dir: string;
let recorder: string;
let runNumber = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bb-startup-'));
  writeFileSync(join(dir, 'recorder.mjs'), RECORDER);
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  recorder = pathToFileURL(join(dir, 'recorder.mjs')).href;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function recorderEnv(): { env: NodeJS.ProcessEnv; log: string } {
  runNumber += 1;
  const log = join(dir, `modules-${runNumber}.log`);
  writeFileSync(log, '');
  return { log, env: { NODE_OPTIONS: `--import=${recorder}`, BB_MODULE_LOG: log } };
}

/** Runs the CLI with the recorder and returns the modules it loaded. */
async function modulesLoadedBy(
  args: string[],
): Promise<{ modules: string[]; stdout: string; exitCode: number | null }> {
  const { env, log } = recorderEnv();
  const result = await runCli(args, { env });
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { modules, stdout: result.stdout, exitCode: result.exitCode };
}

/** Top-level command names listed in a commander help text. */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((name) => name !== 'help');
}

describe('start-up loads no heavy module', () => {
  it('the recorder sees the AWS SDK when a process does load it (the detector works)', () => {
    const { env, log } = recorderEnv();
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('@aws-sdk/client-sts');"],
      {
        cwd: process.cwd(),
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8');
    expect(loaded).toMatch(/node_modules\/@aws-sdk\/client-sts\//);
  });

  it.each([[['--help']], [['--version']]])(
    'bucketbridge %j loads neither the AWS SDK nor any heavy library',
    async (args) => {
      const { modules, exitCode } = await modulesLoadedBy(args);
      expect(exitCode).toBe(0);
      expect(modules.some((m) => m.includes('dist/src/cli/main.js'))).toBe(true);
      expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
    },
  );

  it("no command's or subcommand's --help loads the AWS SDK", async () => {
    const { stdout } = await modulesLoadedBy(['--help']);
    const pending = commandsIn(stdout).map((name) => [name]);
    expect(pending.length).toBeGreaterThan(0);
    const checked: string[] = [];
    while (pending.length > 0) {
      const path = pending.shift() as string[];
      const { modules, exitCode, stdout: help } = await modulesLoadedBy([...path, '--help']);
      expect(exitCode, path.join(' ')).toBe(0);
      expect(
        modules.filter((m) => /node_modules\/(@aws-sdk|@smithy)\//.test(m)),
        `${path.join(' ')} --help`,
      ).toEqual([]);
      checked.push(path.join(' '));
      if (path.length < 3) pending.push(...commandsIn(help).map((name) => [...path, name]));
    }
    expect(checked).toContain('config');
  });
});
