/**
 * `live.mode: sns` on the sandbox: the vendor's queue and dead-letter queue are created with the
 * vendor's credentials (redrive policy, a policy letting only the customer's topic send) and
 * subscribed to the customer's topic; setup is idempotent. The message suite then runs with SNS
 * envelopes and with raw message delivery.
 */
import {
  GetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { LiveSetupError } from '../../../src/live/live-setup-error.js';
import { topicSendPolicy } from '../../../src/live/vendor-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { defineMessageSuite } from './live-message-suite.js';
import { queueArn, sendRaw, vendorQueueUrl } from './live-queues.js';
import { createLiveWorld } from './live-world.js';
import { useLiveWorld } from './use-live-world.js';

const { sandbox, world, run } = useLiveWorld({ mode: 'sns', rawMessageDelivery: false, maxReceiveCount: 2 });

describe('the vendor queue in sns mode', () => {
  it('is created with a dead-letter queue, a redrive policy and a policy letting only the topic send', async () => {
    const queueUrl = await vendorQueueUrl(world);
    const dlqUrl = await vendorQueueUrl(world, '-dlq');
    expect(run.connections[0]?.queueUrl).toBe(queueUrl);
    const { Attributes } = await world.vendorSqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    const dlq = await world.vendorSqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: dlq.Attributes!.QueueArn,
      maxReceiveCount: 2,
    });
    const policy = JSON.parse(Attributes!.Policy!);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': world.topicArn } },
      }),
    ]);
  });

  it('is adopted unchanged by a second start (setup is idempotent)', async () => {
    const second = await world.start();
    expect(second.connections[0]?.queueUrl).toBe(run.connections[0]?.queueUrl);
    await second.stop(0);
  });
});

describe('a SubscriptionConfirmation arriving on the queue', () => {
  it('is confirmed with its token, for the connection topic', async () => {
    // The vendor's queue exists already, and the topic's owner subscribed it: SNS then asks the
    // queue's owner to confirm, by a message on the queue.
    const other = await createLiveWorld(sandbox, { mode: 'sns' });
    const customerSns = new SNSClient(sandbox.sdkConfig('customer'));
    try {
      const { QueueUrl } = await other.vendorSqs.send(
        new CreateQueueCommand({ QueueName: other.vendorQueueName }),
      );
      const arn = await queueArn(other.vendorSqs, QueueUrl!);
      await other.vendorSqs.send(
        new SetQueueAttributesCommand({
          QueueUrl,
          Attributes: { Policy: JSON.stringify(topicSendPolicy(arn, other.topicArn!)) },
        }),
      );
      const { SubscriptionArn } = await customerSns.send(
        new SubscribeCommand({
          TopicArn: other.topicArn,
          Protocol: 'sqs',
          Endpoint: arn,
          ReturnSubscriptionArn: true,
        }),
      );
      const pending = async () =>
        (await customerSns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes
          ?.PendingConfirmation;
      expect(await pending()).toBe('true');
      const otherRun = await other.start();
      await waitFor('the subscription to be confirmed', async () => (await pending()) === 'false');
      expect(other.logLines.some((line) => line.includes('"msg":"subscription confirmed"'))).toBe(true);
      await otherRun.stop(5000);
    } finally {
      customerSns.destroy();
      other.close();
    }
  });
});

describe('a topic policy that does not let the vendor subscribe', () => {
  it('stops the start with an error naming the connection, the step and the fix', async () => {
    const denied = await createLiveWorld(sandbox, { mode: 'sns' });
    const customerSns = new SNSClient(sandbox.sdkConfig('customer'));
    try {
      await customerSns.send(
        new SetTopicAttributesCommand({
          TopicArn: denied.topicArn,
          AttributeName: 'Policy',
          AttributeValue: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
        }),
      );
      const error = await denied.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LiveSetupError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Cannot set up live connection "acme": subscribing arn:aws:sqs:[^ ]+:${denied.vendorQueueName} to ${denied.topicArn}: AuthorizationError: .*not authorized to perform: SNS:Subscribe.*\\. Fix: the customer's topic policy must let the vendor's account subscribe its SQS queues \\(the policy \`bucketbridge onboard\` generates does\\)$`,
        ),
      );
    } finally {
      customerSns.destroy();
      denied.close();
    }
  });
});

describe('statistics', () => {
  it('are logged periodically with counts, the dead-letter depth and the last error', async () => {
    const w = await createLiveWorld(sandbox, { mode: 'sns', maxReceiveCount: 1 });
    try {
      const statsRun = await w.start({ statsIntervalMs: 100 });
      await w.put('in/counted.txt', 'counted');
      await sendRaw(w, '[]');
      await waitFor('the output', async () => (await w.output('out/counted.txt')) === 'counted');
      await waitFor('a statistics line that has seen both', () =>
        w.logLines.some((line) => {
          const entry = JSON.parse(line) as { msg: string; stats?: Record<string, unknown> };
          return (
            entry.msg === 'live statistics' &&
            entry.stats?.deadLettered === 1 &&
            entry.stats?.processed === 1 &&
            entry.stats?.inFlight === 0
          );
        }),
      );
      expect(statsRun.stats()[0]).toMatchObject({
        connection: 'acme',
        queueUrl: await vendorQueueUrl(w),
        processed: 1,
        failed: 0,
        malformed: 1,
        deadLettered: 1,
        inFlight: 0,
        oldestMessageAgeSec: 0,
        lastError: {
          message: expect.stringMatching(
            /^SQS message \S+ is not an S3 event notification: the body is not a JSON object$/,
          ),
        },
      });
      await statsRun.stop(5000);
    } finally {
      w.close();
    }
  });
});

defineMessageSuite('sns mode with SNS envelopes', { mode: 'sns', rawMessageDelivery: false });
defineMessageSuite('sns mode with raw message delivery', { mode: 'sns', rawMessageDelivery: true });

describe("a customer in another region than the vendor's aws.region", () => {
  it("subscribes the vendor's queue to the topic in the customer's region and processes what arrives", async () => {
    const w = await createLiveWorld(sandbox, { mode: 'sns', region: 'eu-west-2' });
    try {
      expect(sandbox.region).not.toBe('eu-west-2');
      expect(w.topicArn).toMatch(/^arn:aws:sns:eu-west-2:/);
      const run = await w.start();
      await w.put('in/far.txt', 'from eu-west-2');
      await waitFor('the output', async () => (await w.output('out/far.txt')) === 'from eu-west-2');
      // The vendor's queue stays in the vendor's region.
      expect(await queueArn(w.vendorSqs, await vendorQueueUrl(w))).toMatch(
        new RegExp(`^arn:aws:sqs:${sandbox.region}:`),
      );
      await run.stop(5000);
    } finally {
      w.close();
    }
  });
});
