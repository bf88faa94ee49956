/**
 * `bucketbridge demo`: the main job on the sandbox, start to finish. Flags only; the demo is
 * lazy-imported in the action so `--help` stays fast.
 */
import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole story on a local sandbox: the customer uploads files, bucketbridge onboards a least-privilege role per processor, verifies it, and processes the bucket (copy, gzip, a command, log collection, video when ffmpeg is installed)',
    )
    .option('--keep <dir>', 'keep the configuration, ledger, onboarding files and sandbox state in DIR')
    .option('--json', 'print a summary as one JSON document on stdout')
    .action(async (flags: { keep?: string; json?: boolean }) => {
      const { runDemo } = await import('../../demo/run-demo.js');
      const summary = await runDemo(flags.keep === undefined ? {} : { keepDir: flags.keep });
      if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
