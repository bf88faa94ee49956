/**
 * Finding a live connection's queue and dead-letter queue without changing anything: the vendor's
 * `<queue>` and `<queue>-dlq` (sns mode, the vendor's credentials), or the customer's queue and
 * the dead-letter queue its redrive policy names (sqs mode, the connection's role). `live` uses
 * the redrive lookup; `dlq list|replay` use the whole resolution.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ConnectionAccess } from '../aws/connection-access.js';
import { awsErrorCode, messageOf } from '../aws/errors.js';
import { resolveLiveTarget } from '../aws/live-target.js';
import type { Config, Connection } from '../config/resolved-config.js';
import { UsageError, WorkFailedError } from '../errors/index.js';
import { isMissingQueue, queueArnOf } from './vendor-queue.js';

/** A live connection's queues, and the client that may read them. */
export interface DeadLetterQueues {
  mode: 'sns' | 'sqs';
  sqs: SQSClient;
  /** The queue the connection reads. */
  queueUrl: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/** The dead-letter queue a queue's redrive policy names (its ARN), or undefined without one. */
export async function redriveTargetOf(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const policy = JSON.parse(Attributes?.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string };
  return policy.deadLetterTargetArn;
}

/** The URL of a queue given its ARN (GetQueueUrl with the owner's account). */
export async function queueUrlOfArn(sqs: SQSClient, arn: string): Promise<string | undefined> {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: parts[5], QueueOwnerAWSAccountId: parts[4] }),
  );
  return QueueUrl;
}

/** The queue actions `dlq list` and `dlq replay` need on the dead-letter queue. */
export const DEAD_LETTER_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

/**
 * Resolves the queues of a live connection; a batch connection is a usage error (exit 2), a queue
 * that does not exist yet or cannot be read a failure (exit 1) that says what to do.
 */
export async function resolveDeadLetterQueues(
  config: Config,
  connection: Connection,
  access: ConnectionAccess,
): Promise<DeadLetterQueues> {
  if (connection.workflow !== 'live') {
    throw new UsageError(
      `connection ${connection.name} is a batch connection: only live connections have a dead-letter queue`,
    );
  }
  const target = resolveLiveTarget(config, connection);
  if (target?.mode === 'sns') {
    const sqs = access.vendorClient(SQSClient);
    const names = [target.vendorQueueName, `${target.vendorQueueName}-dlq`];
    const [queueUrl, deadLetterQueueUrl] = await Promise.all(
      names.map((name) =>
        sqs.send(new GetQueueUrlCommand({ QueueName: name })).then(
          (found) => found.QueueUrl ?? '',
          (error: unknown) => {
            throw new WorkFailedError(
              `connection ${connection.name}: cannot find the vendor's queue ${name}: ${awsErrorCode(error) ?? 'Error'}: ${messageOf(error)}` +
                (isMissingQueue(error)
                  ? ' (bucketbridge live or run creates it when the connection first starts)'
                  : ''),
              { cause: error },
            );
          },
        ),
      ),
    );
    const arn = await queueArnOf(sqs, deadLetterQueueUrl!);
    return {
      mode: 'sns',
      sqs,
      queueUrl: queueUrl!,
      deadLetterQueueUrl: deadLetterQueueUrl!,
      deadLetterQueueArn: arn,
    };
  }
  if (target === undefined) throw new UsageError(`connection ${connection.name} has no live settings`);
  const sqs = access.client(SQSClient, target.region);
  let arn: string | undefined;
  try {
    arn = await redriveTargetOf(sqs, target.queueUrl);
  } catch (error) {
    throw new WorkFailedError(
      `connection ${connection.name}: cannot read the redrive policy of the customer's queue ${target.queueUrl}: ${awsErrorCode(error) ?? 'Error'}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (arn === undefined) {
    throw new WorkFailedError(
      `connection ${connection.name}: the customer's queue ${target.queueUrl} has no redrive policy, so it has no dead-letter queue (the customer sets one: a RedrivePolicy with deadLetterTargetArn and maxReceiveCount)`,
    );
  }
  try {
    const deadLetterQueueUrl = await queueUrlOfArn(sqs, arn);
    if (deadLetterQueueUrl === undefined) throw new RangeError(`not a queue ARN: ${arn}`);
    // Reading an attribute proves the role may use the queue, not only name it.
    await queueArnOf(sqs, deadLetterQueueUrl);
    return { mode: 'sqs', sqs, queueUrl: target.queueUrl, deadLetterQueueUrl, deadLetterQueueArn: arn };
  } catch (error) {
    throw new WorkFailedError(
      `connection ${connection.name}: the role cannot use the customer's dead-letter queue ${arn}: ${awsErrorCode(error) ?? 'Error'}: ${messageOf(error)}. ` +
        `The generated policy grants the customer's event queue only; to let the vendor list and replay dead letters, the customer adds to the role's policy ` +
        JSON.stringify({
          Sid: 'HandleDeadLetters',
          Effect: 'Allow',
          Action: DEAD_LETTER_ACTIONS,
          Resource: arn,
        }) +
        ` and, for replay, ${JSON.stringify({ Sid: 'ReplayDeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: target.queueArn })}; ` +
        'or the customer redrives the messages from the SQS console (the dead-letter queue\'s "Start DLQ redrive")',
      { cause: error },
    );
  }
}
