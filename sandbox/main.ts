/**
 * The sandbox's own entry point (`node dist/sandbox/main.js`, and what `bucketbridge sandbox`
 * runs). Prints exactly one JSON line on stdout once it listens:
 * `{"endpoint","region","accounts":[{"name","id","accessKeyId","secretAccessKey"}...]}`;
 * SIGTERM or SIGINT stop it cleanly (state flushed). Bad flags exit 2 with a message on stderr.
 */
import { parseArgs } from 'node:util';
import { FaultSpecError } from './faults/fault-spec.js';
import { type SandboxOptions, SandboxOptionsError, startSandbox } from './server.js';

const USAGE = `usage: sandbox [--port P] [--state DIR] [--faults SPEC] [--accounts name=id,...] [--seed N]
               [--session-lifetime-factor F] [--max-session-sec S]`;

class UsageError extends Error {}

function parseIntFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Parses the flags into sandbox options; throws UsageError naming the flag on bad input. */
export function parseSandboxArgs(argv: string[]): SandboxOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        state: { type: 'string' },
        faults: { type: 'string' },
        accounts: { type: 'string' },
        seed: { type: 'string' },
        'session-lifetime-factor': { type: 'string' },
        'max-session-sec': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const accounts = values.accounts
    ?.split(',')
    .filter((s) => s.trim() !== '')
    .map((pair) => {
      const [name, id, extra] = pair.split('=').map((s) => s.trim());
      if (!name || !id || extra !== undefined) {
        throw new UsageError(
          `--accounts takes name=id pairs separated by commas (e.g. partner=333333333333), got "${pair}"`,
        );
      }
      return { name, id };
    });
  const factorText = values['session-lifetime-factor'];
  const factor = factorText === undefined ? undefined : Number(factorText);
  if (factor !== undefined && !(factor > 0 && factor <= 1)) {
    throw new UsageError(
      `--session-lifetime-factor must be a number above 0 and at most 1, got "${factorText}"`,
    );
  }
  return {
    port: parseIntFlag('port', values.port, 0, 65535) ?? 0,
    stateDir: values.state,
    faults: values.faults,
    accounts,
    seed: parseIntFlag('seed', values.seed, 0, 2 ** 32 - 1),
    sessionLifetimeFactor: factor,
    maxSessionSec: parseIntFlag('max-session-sec', values['max-session-sec'], 1, 43200),
  };
}

async function main(): Promise<number> {
  let options: SandboxOptions;
  try {
    options = parseSandboxArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`sandbox: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    if (error instanceof SandboxOptionsError || error instanceof FaultSpecError) {
      process.stderr.write(`sandbox: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      process.stderr.write(
        `sandbox: port ${options.port} is already in use; choose another with --port, or --port 0 for any\n`,
      );
      return 1;
    }
    throw error;
  }
  process.stdout.write(
    `${JSON.stringify({
      endpoint: sandbox.endpoint,
      region: sandbox.region,
      accounts: sandbox.accounts.map(({ name, id, accessKeyId, secretAccessKey }) => ({
        name,
        id,
        accessKeyId,
        secretAccessKey,
      })),
    })}\n`,
  );
  await new Promise<void>((resolve) => {
    // `on`, not `once`: a second signal (a terminal's Ctrl-C also reaches the parent CLI, which
    // forwards it) must not kill the process before the state is written.
    const stop = () => resolve();
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await sandbox.close();
  return 0;
}

const code = await main();
// Exit now rather than when the event loop drains: a long poll cut short by the shutdown may
// still hold a timer for up to 20 s, and the state is already written.
process.exit(code);
