/**
 * SQS and SNS state across a sandbox restart with `--state`: queues with their messages (in
 * flight ones stay in flight), topics, subscriptions, and the signing key (a notification signed
 * after the restart verifies with the certificate served before it).
 */
import { verify, X509Certificate } from 'node:crypto';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { topicDeliveryPolicy } from '../../fixtures/queue-policies.js';
import { startTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';
import { receiveMessages, snsClient, sqsClient, uniqueQueueName } from './sqs-sns-conformance.js';

const stateDir = useTempFolder('bb-sqs-sns-state-');

describe('state across a restart', () => {
  it('keeps queues, messages, visibility, topics, subscriptions and the signing key', async () => {
    const queueName = uniqueQueueName('kept');
    let url: string;
    let topicArn: string;
    let certificate: string;
    {
      const sandbox = await startTestSandbox({ stateDir: stateDir });
      const config = { ...sandbox.sdkConfig('vendor'), accountId: '' };
      const sqs = sqsClient(config);
      const sns = snsClient(config);
      topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueQueueName('kept-topic') }))).TopicArn!;
      const queueArn = `arn:aws:sqs:${sandbox.region}:${sandbox.accounts.vendor.id}:${queueName}`;
      url = (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: queueName,
            Attributes: { VisibilityTimeout: '600', Policy: topicDeliveryPolicy(queueArn, topicArn) },
          }),
        )
      ).QueueUrl!;
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'waiting' }));
      const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
      expect(first.Messages?.[0]?.Body).toBe('in flight');
      certificate = await (await fetch(`${sandbox.endpoint}/__sandbox/sns/signing-cert.pem`)).text();
      await sandbox.close();
    }
    const sandbox = await startTestSandbox({ stateDir: stateDir });
    try {
      const config = { ...sandbox.sdkConfig('vendor'), accountId: '' };
      const sqs = sqsClient(config);
      // The restarted sandbox listens elsewhere; the queue is found by its path.
      const path = new URL(url).pathname;
      const here = `${sandbox.endpoint}${path}`;
      const counts = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: here, AttributeNames: ['All'] }),
      );
      expect(counts.Attributes).toMatchObject({
        VisibilityTimeout: '600',
        ApproximateNumberOfMessages: '1',
        ApproximateNumberOfMessagesNotVisible: '1',
      });
      const [waiting] = await receiveMessages(sqs, here);
      expect(waiting?.Body).toBe('waiting');
      await snsClient(config).send(
        new PublishCommand({ TopicArn: topicArn, Subject: 'After', Message: 'after restart' }),
      );
      const [notification] = await receiveMessages(sqs, here);
      const envelope = JSON.parse(notification!.Body!) as Record<string, string>;
      expect(envelope.Message).toBe('after restart');
      const canonical = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
        .map((k) => `${k}\n${envelope[k]}\n`)
        .join('');
      const key = new X509Certificate(certificate).publicKey;
      expect(verify('sha1', Buffer.from(canonical), key, Buffer.from(envelope.Signature!, 'base64'))).toBe(
        true,
      );
    } finally {
      await sandbox.close();
    }
  });
});
