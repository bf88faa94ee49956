/**
 * The queues of a live world (integration/live/live-world.ts): ARNs, depths, the vendor's queue
 * URL, the queue a connection reads, and raw messages sent straight to it.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { LiveWorld } from './live-world.js';

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}

/** ApproximateNumberOfMessages (+ NotVisible) of a queue. */
export async function queueDepth(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number }> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

export async function vendorQueueUrl(world: LiveWorld, suffix = ''): Promise<string> {
  const { QueueUrl } = await world.vendorSqs.send(
    new GetQueueUrlCommand({ QueueName: `${world.vendorQueueName}${suffix}` }),
  );
  return QueueUrl!;
}

/** Sends a body straight to the queue the connection reads (the customer's or the vendor's). */
export async function sendRaw(world: LiveWorld, body: string): Promise<void> {
  if (world.customerQueueUrl) {
    await world.customerSqs.send(
      new SendMessageCommand({ QueueUrl: world.customerQueueUrl, MessageBody: body }),
    );
  } else {
    await world.vendorSqs.send(
      new SendMessageCommand({ QueueUrl: await vendorQueueUrl(world), MessageBody: body }),
    );
  }
}

/** The queue the connection reads and its dead-letter queue, with a client that may read both. */
export async function connectionQueues(world: LiveWorld) {
  if (world.customerQueueUrl) {
    return { sqs: world.customerSqs, queueUrl: world.customerQueueUrl, dlqUrl: world.customerDlqUrl! };
  }
  return {
    sqs: world.vendorSqs,
    queueUrl: await vendorQueueUrl(world),
    dlqUrl: await vendorQueueUrl(world, '-dlq'),
  };
}

/** Whether the queue the connection reads holds no message, visible or in flight. */
export async function drained(world: LiveWorld): Promise<boolean> {
  const { sqs, queueUrl } = await connectionQueues(world);
  const depth = await queueDepth(sqs, queueUrl);
  return depth.visible === 0 && depth.inFlight === 0;
}
