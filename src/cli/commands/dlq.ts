/**
 * `bucketbridge dlq list|replay`: what sits in a live connection's dead-letter queue, and moving it
 * back after the cause is fixed. Flags only; the work is lazy-imported in the action so `--help`
 * never loads the AWS SDK.
 */
import { type Command, InvalidArgumentError } from 'commander';

const CONFIG_FLAG_HELP = 'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)';

interface DlqFlags {
  config?: string;
  connection: string;
  json?: boolean;
  max?: number;
}

function parseMax(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of messages, 1 or more, found "${value}"`);
  }
  return n;
}

export function registerDlqCommands(program: Command): void {
  const dlq = program
    .command('dlq')
    .description(
      "a live connection's dead-letter queue: list what sits there, replay it after the cause is fixed",
    );
  dlq
    .command('list')
    .description(
      "show the messages of the connection's dead-letter queue without consuming them: message id, the object keys of its S3 event, receive count, first-seen time and the failure reason the ledger recorded (each message is hidden for a moment while it is read, then made visible again)",
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .requiredOption('--connection <name>', 'the live connection')
    .option(
      '--json',
      'print one JSON document on stdout: {connection, deadLetterQueueUrl, messages:[{messageId, objects:[{bucket, key, version, ledgerState, reason}], malformed, receiveCount, firstSeenAt, sentAt}]}',
    )
    .action(async (flags: DlqFlags) => {
      const { runDlqList } = await import('./dlq-action.js');
      await runDlqList(flags);
    });
  dlq
    .command('replay')
    .description(
      'move dead letters back to the queue the connection reads, one message at a time (sent again, then deleted from the dead-letter queue; a crash in between duplicates a message at worst, and the ledger makes the second handling a no-op)',
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .requiredOption('--connection <name>', 'the live connection')
    .option(
      '--max <n>',
      'move at most this many messages (default: as many as the dead-letter queue holds when the replay starts)',
      parseMax,
    )
    .action(async (flags: DlqFlags) => {
      const { runDlqReplay } = await import('./dlq-action.js');
      await runDlqReplay(flags);
    });
}
