/**
 * What `bucketbridge dlq list|replay` do once their flags are parsed: resolve the connection's
 * queues with the vendor's credentials (sns mode) or the connection's role (sqs mode), then list
 * (with the ledger's reasons) or replay, and print the result.
 */
import { createConnectionAccess } from '../../aws/connection-access.js';
import { findConnection, loadConfig, resolveConfigPath } from '../../config/index.js';
import { type DeadLetterQueues, resolveDeadLetterQueues } from '../../live/dead-letter-queue.js';
import { type DeadLetter, listDeadLetters, replayDeadLetters } from '../../live/dead-letters.js';
import { createLedger } from '../../state/create-ledger.js';

/** The parsed flags of `bucketbridge dlq list|replay`. */
export interface DlqCommandFlags {
  config?: string;
  connection: string;
  json?: boolean;
  max?: number;
}

async function openQueues(flags: DlqCommandFlags) {
  const loaded = await loadConfig(resolveConfigPath(flags.config));
  const connection = findConnection(loaded.config, flags.connection);
  const access = createConnectionAccess({ config: loaded.config, connection });
  const queues = await resolveDeadLetterQueues(loaded.config, connection, access);
  return { loaded, connection, queues };
}

export async function runDlqList(flags: DlqCommandFlags): Promise<void> {
  const { loaded, connection, queues } = await openQueues(flags);
  const ledger = createLedger({ setting: loaded.config.ledger, configPath: loaded.path });
  let messages: DeadLetter[];
  try {
    messages = await listDeadLetters({ queues, connection: connection.name, ledger });
  } finally {
    await ledger.close();
  }
  if (flags.json) {
    const document = { connection: connection.name, deadLetterQueueUrl: queues.deadLetterQueueUrl, messages };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatDeadLetters(connection.name, queues, messages));
}

export async function runDlqReplay(flags: DlqCommandFlags): Promise<void> {
  const { connection, queues } = await openQueues(flags);
  const { moved } = await replayDeadLetters({ queues, connection: connection.name, max: flags.max });
  process.stdout.write(
    `moved ${moved.length} message${moved.length === 1 ? '' : 's'} of connection ${connection.name} from ${queues.deadLetterQueueUrl} back to ${queues.queueUrl}\n`,
  );
}

/** The text form of `dlq list`: one block per message. */
export function formatDeadLetters(
  connection: string,
  queues: DeadLetterQueues,
  messages: DeadLetter[],
): string {
  const lines = [
    `${messages.length} message${messages.length === 1 ? '' : 's'} in the dead-letter queue of connection ${connection} (${queues.deadLetterQueueUrl})`,
  ];
  for (const m of messages) {
    lines.push('');
    lines.push(
      `${m.messageId}  received ${m.receiveCount} time${m.receiveCount === 1 ? '' : 's'}, first seen ${m.firstSeenAt ?? 'unknown'}`,
    );
    if (m.malformed !== null) lines.push(`  not an S3 event notification: ${m.malformed}`);
    else if (m.objects.length === 0)
      lines.push('  no object (an s3:TestEvent or a subscription confirmation)');
    for (const o of m.objects) {
      const state =
        o.ledgerState === null
          ? 'not in the ledger'
          : o.ledgerState === 'failed'
            ? `failed: ${o.reason ?? 'no reason recorded'}`
            : `${o.ledgerState} in the ledger`;
      lines.push(`  s3://${o.bucket}/${o.key}  ${state}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
