/**
 * The `bucketbridge` entry point. Only commander and the command definitions load here; each
 * command imports its heavy modules (the AWS SDK among them) when it runs, so `--help` is fast.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { exitCodeFor, reportError } from './report-error.js';
import { readVersion } from './version.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('bucketbridge')
    .description('Process files in S3 buckets owned by other AWS accounts, safely.')
    .version(readVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .option(
      '--log-level <level>',
      'trace, debug, info, warn, error, fatal or silent (default: $BUCKETBRIDGE_LOG_LEVEL, else info)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  program.hook('preAction', async () => {
    const flag = program.opts<{ logLevel?: string }>().logLevel;
    if (flag === undefined) return;
    // Checked here, then handed on through the variable every logger (and every child process
    // the command starts) reads, so each command need not pass it down.
    const { resolveLogLevel } = await import('../observe/logger.js');
    process.env.BUCKETBRIDGE_LOG_LEVEL = resolveLogLevel(flag);
  });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit with 0; every parse error has been printed by commander already.
      return error.exitCode === 0 ? 0 : 2;
    }
    reportError(error);
    return exitCodeFor(error);
  }
}

process.exitCode = await main(process.argv);
