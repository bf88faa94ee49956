/**
 * The sandbox's SQS through the AWS SDK for JavaScript v3 (JSON 1.0), for what only the sandbox
 * is checked for: long polls returning as soon as a message arrives, stale receipt handles, AWS's
 * error names and messages, and cross-account access through the queue policy.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sandboxQueues } from '../../helpers/sandbox-clients.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { receiveMessages, sqsFailure, uniqueQueueName } from './sqs-sns-conformance.js';

const sandbox = useTestSandbox();

const { client, createQueue, queueArn } = sandboxQueues(sandbox);

describe('long polling', () => {
  it('returns as soon as a message arrives instead of waiting out the 20 s wait', {
    timeout: 15_000,
  }, async () => {
    const url = await createQueue(uniqueQueueName('long-poll'));
    const polling = client().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await client().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    // The test's 15 s bound is below the 20 s wait: only an early return passes.
    const res = await polling;
    expect(res.Messages?.map((m) => m.Body)).toEqual(['wake up']);
  });

  it("long-polls by default with the queue's ReceiveMessageWaitTimeSeconds", {
    timeout: 15_000,
  }, async () => {
    const url = await createQueue(uniqueQueueName('long-poll-default'), {
      ReceiveMessageWaitTimeSeconds: '20',
    });
    const polling = client().send(new ReceiveMessageCommand({ QueueUrl: url }));
    await client().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'default wait' }));
    expect((await polling).Messages?.[0]?.Body).toBe('default wait');
  });
});

describe('receipt handles and visibility', () => {
  it('accepts a delete with a stale receipt handle but keeps the message, as AWS documents', async () => {
    const url = await createQueue(uniqueQueueName('stale'));
    await client().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'still here' }));
    const first = await client().send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    const second = await client().send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    await client().send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle! }),
    );
    const counts = await client().send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(counts.Attributes?.ApproximateNumberOfMessages).toBe('1');
    await client().send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.Messages![0]!.ReceiptHandle! }),
    );
    const after = await client().send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(after.Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it('names a garbage receipt handle ReceiptHandleIsInvalid', async () => {
    const url = await createQueue(uniqueQueueName('garbage'));
    const error = await sqsFailure(
      client().send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    );
    expect(error.name).toBe('ReceiptHandleIsInvalid');
    expect(error.message).toBe('The input receipt handle "garbage" is not a valid receipt handle.');
  });

  it('refuses to change the visibility of a message that is no longer in flight', async () => {
    const url = await createQueue(uniqueQueueName('not-inflight'));
    await client().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const got = await client().send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    const error = await sqsFailure(
      client().send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: got.Messages![0]!.ReceiptHandle!,
          VisibilityTimeout: 30,
        }),
      ),
    );
    expect(error.name).toBe('MessageNotInflight');
  });

  it('refuses a message over 256 KiB with AWS message', async () => {
    const url = await createQueue(uniqueQueueName('too-big'));
    const error = await sqsFailure(
      client().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(262_145) })),
    );
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
    );
  });
});

describe('cross-account access through the queue policy', () => {
  it("refuses the vendor's send to a customer queue without a policy, then allows it once the policy names the vendor", async () => {
    const name = uniqueQueueName('customer-q');
    const url = await createQueue(name, {}, 'customer');
    const vendor = sandbox.accounts.vendor.id;
    const customer = sandbox.accounts.customer.id;
    const denied = await sqsFailure(
      client('vendor').send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toBe(
      `User: arn:aws:iam::${vendor}:root is not authorized to perform: sqs:SendMessage on resource: ${queueArn(customer, name)} because no resource-based policy allows the sqs:SendMessage action`,
    );
    await client('customer').send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${vendor}:root` },
                Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
                Resource: queueArn(customer, name),
              },
            ],
          }),
        },
      }),
    );
    const found = await client('vendor').send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: customer }),
    );
    expect(found.QueueUrl).toBe(url);
    await client('vendor').send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'allowed' }));
    const [m] = await receiveMessages(client('customer'), url);
    expect(m?.Body).toBe('allowed');
    expect(m?.Attributes?.SenderId).toBe(vendor);
    const receive = await sqsFailure(client('vendor').send(new ReceiveMessageCommand({ QueueUrl: url })));
    expect(receive.name).toBe('AccessDenied');
  });
});

describe('abandoned long polls', () => {
  it('a long poll whose client went away takes no message, so the next receive gets it at once', {
    timeout: 15_000,
  }, async () => {
    const url = await createQueue(uniqueQueueName('abandoned'), { VisibilityTimeout: '60' });
    const abort = new AbortController();
    const abandoned = client()
      .send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: abort.signal })
      .catch((error: Error) => error.name);
    // Let the poll reach the sandbox before the client gives up on it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    abort.abort();
    expect(await abandoned).toBe('AbortError');
    await client().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'for the living' }));
    const res = await client().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    expect(res.Messages?.map((m) => m.Body)).toEqual(['for the living']);
  });
});
