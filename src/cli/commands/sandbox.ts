/**
 * `bucketbridge sandbox`: runs the local AWS stand-in in the foreground. The sandbox is its own
 * program (dist/sandbox/main.js) and shares no code with the product, so this command only
 * starts it as a child process, passes the terminal through, and forwards signals and exit code.
 */
import type { Command } from 'commander';

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(
      'run the local AWS stand-in (S3, STS, IAM, SNS, SQS) on 127.0.0.1; prints one JSON line with its endpoint and account keys',
    )
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', '0')
    .option(
      '--state <dir>',
      'keep buckets, queues, roles and sessions in DIR across restarts (default: memory only)',
    )
    .option(
      '--faults <spec>',
      'inject faults, e.g. "s3:GetObject=503@0.1,latency=50ms;sqs:*=throttle@0.05;seed=42"',
    )
    .option(
      '--accounts <list>',
      'extra accounts besides vendor and customer, as name=id pairs: partner=333333333333',
    )
    .option('--seed <n>', 'seed for fault decisions when the spec has none')
    .action(
      async (options: {
        port: string;
        state?: string;
        faults?: string;
        accounts?: string;
        seed?: string;
      }) => {
        const { runSandboxProcess } = await import('./sandbox-process.js');
        const args = ['--port', options.port];
        if (options.state) args.push('--state', options.state);
        if (options.faults) args.push('--faults', options.faults);
        if (options.accounts) args.push('--accounts', options.accounts);
        if (options.seed) args.push('--seed', options.seed);
        await runSandboxProcess(args);
      },
    );
}
