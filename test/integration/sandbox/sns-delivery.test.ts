/**
 * The sandbox's SNS driven by the AWS SDK for JavaScript v3, boto3 and the AWS CLI: topics
 * delivering to SQS queues in the signed envelope and raw, cross-account subscriptions
 * (confirmed at once for the queue's owner, pending with a SubscriptionConfirmation otherwise),
 * topic-policy denials in AWS's words, and deliveries the queue's policy refuses.
 */
import { execFile } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  type SNSClient,
  SNSServiceException,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { topicDeliveryPolicy } from '../../fixtures/queue-policies.js';
import { NOTIFICATION_FIELDS } from '../../fixtures/sns-envelopes.js';
import type { Signer } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { rejectionOf, s3PublishStatement } from '../../helpers/sandbox-test-kit.js';
import { receiveMessages, snsClient, sqsClient, uniqueQueueName } from './sqs-sns-conformance.js';

const sandbox = useTestSandbox();

const sns = (signer: Signer): SNSClient => snsClient({ ...sandbox.sdkConfig(signer), accountId: '' });
const sqs = (signer: Signer): SQSClient => sqsClient({ ...sandbox.sdkConfig(signer), accountId: '' });
const accountOf = (signer: 'vendor' | 'customer') => sandbox.accounts[signer].id;

const snsFailure = (promise: Promise<unknown>) => rejectionOf(promise, SNSServiceException);

async function topic(owner: 'vendor' | 'customer', policy?: (arn: string) => object): Promise<string> {
  const arn = (await sns(owner).send(new CreateTopicCommand({ Name: uniqueQueueName('topic') }))).TopicArn!;
  if (policy) {
    await sns(owner).send(
      new SetTopicAttributesCommand({
        TopicArn: arn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(policy(arn)),
      }),
    );
  }
  return arn;
}

/** A queue of `owner`; with `topicArn`, its policy lets that topic deliver. */
async function queue(owner: 'vendor' | 'customer', topicArn?: string): Promise<{ url: string; arn: string }> {
  const name = uniqueQueueName('inbox');
  const arn = `arn:aws:sqs:${sandbox.region}:${accountOf(owner)}:${name}`;
  const attributes = topicArn ? { Policy: topicDeliveryPolicy(arn, topicArn) } : {};
  const url = (await sqs(owner).send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
    .QueueUrl!;
  return { url, arn };
}

const allowVendorToSubscribe = (arn: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountOf('vendor')}:root` },
      Action: 'sns:Subscribe',
      Resource: arn,
    },
  ],
});

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('delivery to a queue', () => {
  it('wraps a published message in the signed Notification envelope, in AWS field order', async () => {
    const topicArn = await topic('vendor');
    const q = await queue('vendor', topicArn);
    const sub = await sns('vendor').send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }),
    );
    const published = await sns('vendor').send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Object created',
        Message: '{"Records":[]}',
        MessageAttributes: { source: { DataType: 'String', StringValue: 's3' } },
      }),
    );
    const [m] = await receiveMessages(sqs('vendor'), q.url);
    const envelope = JSON.parse(m!.Body!) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(NOTIFICATION_FIELDS);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId: published.MessageId,
      TopicArn: topicArn,
      Subject: 'Object created',
      Message: '{"Records":[]}',
      SignatureVersion: '1',
      SigningCertURL: `${sandbox.endpoint}/__sandbox/sns/signing-cert.pem`,
      UnsubscribeURL: `${sandbox.endpoint}/?Action=Unsubscribe&SubscriptionArn=${sub.SubscriptionArn}`,
      MessageAttributes: { source: { Type: 'String', Value: 's3' } },
    });
    expect(m?.Attributes?.SenderId).toMatch(/^AIDA/);
  });

  it('signs the envelope so that it verifies with the certificate served at SigningCertURL', async () => {
    const topicArn = await topic('vendor');
    const q = await queue('vendor', topicArn);
    await sns('vendor').send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    await sns('vendor').send(
      new PublishCommand({ TopicArn: topicArn, Subject: 'Signed', Message: 'verify me' }),
    );
    const [m] = await receiveMessages(sqs('vendor'), q.url);
    const envelope = JSON.parse(m!.Body!) as Record<string, string>;
    const res = await fetch(envelope.SigningCertURL!);
    expect(res.status).toBe(200);
    const certificate = new X509Certificate(await res.text());
    // SNS's canonical string for a Notification, rebuilt here from the documentation.
    const canonical = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      .map((k) => `${k}\n${envelope[k]}\n`)
      .join('');
    expect(
      verify(
        'sha1',
        Buffer.from(canonical),
        certificate.publicKey,
        Buffer.from(envelope.Signature!, 'base64'),
      ),
    ).toBe(true);
    expect(
      verify(
        'sha1',
        Buffer.from(canonical.replace('verify me', 'tampered')),
        certificate.publicKey,
        Buffer.from(envelope.Signature!, 'base64'),
      ),
    ).toBe(false);
  });

  it('delivers the bare message and its attributes with RawMessageDelivery', async () => {
    const topicArn = await topic('vendor');
    const q = await queue('vendor', topicArn);
    await sns('vendor').send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: q.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await sns('vendor').send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'raw body',
        MessageAttributes: { n: { DataType: 'Number', StringValue: '3' } },
      }),
    );
    const [m] = await receiveMessages(sqs('vendor'), q.url);
    expect(m?.Body).toBe('raw body');
    expect(m?.MessageAttributes).toEqual({ n: { DataType: 'Number', StringValue: '3' } });
  });

  it('drops a delivery that the queue policy does not allow for the topic', async () => {
    const topicArn = await topic('vendor');
    const q = await queue('vendor');
    await sns('vendor').send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    const published = await sns('vendor').send(
      new PublishCommand({ TopicArn: topicArn, Message: 'dropped' }),
    );
    expect(published.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    // Delivery is synchronous in the sandbox: had it been allowed, the message would be there now.
    const res = await sqs('vendor').send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 0 }));
    expect(res.Messages ?? []).toEqual([]);
  });
});

describe('cross-account subscriptions', () => {
  /** Publishes `message` to `topicArn` as the customer and expects it in the vendor's queue at `url`. */
  async function expectDeliveredToVendor(topicArn: string, url: string, message: string) {
    await sns('customer').send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    const [m] = await receiveMessages(sqs('vendor'), url);
    expect(JSON.parse(m!.Body!).Message).toBe(message);
  }

  it("is confirmed at once when the queue's owner subscribes to another account's topic", async () => {
    const topicArn = await topic('customer', allowVendorToSubscribe);
    const q = await queue('vendor', topicArn);
    const sub = await sns('vendor').send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }),
    );
    expect(sub.SubscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    const attrs = await sns('vendor').send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn! }),
    );
    expect(attrs.Attributes).toMatchObject({
      PendingConfirmation: 'false',
      Owner: accountOf('vendor'),
      Endpoint: q.arn,
    });
    await expectDeliveredToVendor(topicArn, q.url, 'to the vendor');
  });

  it("is pending when the topic's owner subscribes another account's queue, until confirmed with the token", async () => {
    const topicArn = await topic('customer');
    const q = await queue('vendor', topicArn);
    const sub = await sns('customer').send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }),
    );
    expect(sub.SubscriptionArn).toBe('pending confirmation');
    const listed = await sns('customer').send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(listed.Subscriptions?.map((s) => s.SubscriptionArn)).toEqual(['PendingConfirmation']);
    await sns('customer').send(new PublishCommand({ TopicArn: topicArn, Message: 'not yet' }));

    const [confirmation, ...others] = await receiveMessages(sqs('vendor'), q.url, 2);
    expect(others).toEqual([]);
    const doc = JSON.parse(confirmation!.Body!) as Record<string, string>;
    expect(doc).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn: topicArn,
      SignatureVersion: '1',
    });
    expect(doc.SubscribeURL).toBe(
      `${sandbox.endpoint}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${doc.Token}`,
    );

    const confirmed = await sns('vendor').send(
      new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: doc.Token! }),
    );
    expect(confirmed.SubscriptionArn).toMatch(new RegExp(`^${topicArn}:`));
    const attrs = await sns('customer').send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(attrs.Attributes).toMatchObject({ SubscriptionsConfirmed: '1', SubscriptionsPending: '0' });
    await expectDeliveredToVendor(topicArn, q.url, 'now confirmed');
  });

  it("refuses a subscribe the topic's default policy does not allow, in AWS's words", async () => {
    const topicArn = await topic('customer');
    const q = await queue('vendor', topicArn);
    const error = await snsFailure(
      sns('vendor').send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn })),
    );
    // The SDK's shape for the query code AuthorizationError.
    expect(error.name).toBe('AuthorizationErrorException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: arn:aws:iam::${accountOf('vendor')}:root is not authorized to perform: SNS:Subscribe on resource: ${topicArn} because no resource-based policy allows the SNS:Subscribe action`,
    );
  });

  it('answers NotFound for a topic that does not exist', async () => {
    const error = await snsFailure(
      sns('vendor').send(
        new PublishCommand({
          TopicArn: `arn:aws:sns:${sandbox.region}:${accountOf('vendor')}:${uniqueQueueName('nope')}`,
          Message: 'x',
        }),
      ),
    );
    expect(error.name).toBe('NotFoundException');
    expect(error.message).toBe('Topic does not exist');
  });
});

/** The parts of an S3 event notification this test reads. */
interface S3Event {
  Event?: string;
  Records?: Array<{ eventName: string; s3: { bucket: { arn: string }; object: { key: string } } }>;
}

describe('S3 event notifications through a topic', () => {
  it("carries an object-created event from the customer's bucket to the vendor's queue (S3 → SNS → SQS)", async () => {
    const bucket = uniqueQueueName('events-src');
    const customer = accountOf('customer');
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const s3 = new S3Client(sandbox.sdkConfig('customer'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const topicArn = await topic('customer', (arn) => ({
      Version: '2012-10-17',
      Statement: [...allowVendorToSubscribe(arn).Statement, s3PublishStatement(arn, bucketArn, customer)],
    }));
    const q = await queue('vendor', topicArn);
    await sns('vendor').send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/a b.txt', Body: 'hello' }));
    const bodies = (await receiveMessages(sqs('vendor'), q.url, 2)).map(
      (m) => JSON.parse(m.Body!) as Record<string, string>,
    );
    const events = bodies.map((b) => JSON.parse(b.Message!) as S3Event);
    // The configuration's s3:TestEvent first, then the object's event.
    expect(events[0]?.Event).toBe('s3:TestEvent');
    const record = events[1]?.Records?.[0];
    expect(bodies[1]).toMatchObject({
      Type: 'Notification',
      TopicArn: topicArn,
      Subject: 'Amazon S3 Notification',
    });
    expect(record?.eventName).toBe('ObjectCreated:Put');
    expect(record?.s3.bucket.arn).toBe(bucketArn);
    expect(record?.s3.object.key).toBe('in/a+b.txt');
  });
});

describe('other clients', () => {
  it('boto3 publishes enveloped and raw, and receives both', async () => {
    const topicArn = await topic('vendor');
    const enveloped = await queue('vendor', topicArn);
    const raw = await queue('vendor', topicArn);
    const script = `
import boto3, json, os
sns = boto3.client('sns', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
sqs = boto3.client('sqs', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
t = os.environ['TOPIC']
sns.subscribe(TopicArn=t, Protocol='sqs', Endpoint=os.environ['ENV_ARN'])
sns.subscribe(TopicArn=t, Protocol='sqs', Endpoint=os.environ['RAW_ARN'], Attributes={'RawMessageDelivery': 'true'})
mid = sns.publish(TopicArn=t, Message='from boto3', Subject='boto3')['MessageId']
env = sqs.receive_message(QueueUrl=os.environ['ENV_URL'], WaitTimeSeconds=2)['Messages'][0]['Body']
raw = sqs.receive_message(QueueUrl=os.environ['RAW_URL'], WaitTimeSeconds=2)['Messages'][0]['Body']
print(json.dumps({'mid': mid, 'env': json.loads(env), 'raw': raw}))
`;
    const result = await run('python3', ['-c', script], {
      ...sandbox.env('vendor'),
      TOPIC: topicArn,
      ENV_ARN: enveloped.arn,
      ENV_URL: enveloped.url,
      RAW_ARN: raw.arn,
      RAW_URL: raw.url,
    });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out.env).toMatchObject({
      Type: 'Notification',
      MessageId: out.mid,
      Subject: 'boto3',
      Message: 'from boto3',
    });
    expect(out.raw).toBe('from boto3');
  });

  it('the AWS CLI v2 publishes and the AWS CLI v1 receives the envelope', { timeout: 120_000 }, async () => {
    const topicArn = await topic('vendor');
    const q = await queue('vendor', topicArn);
    await sns('vendor').send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
    const env = sandbox.env('vendor');
    const pub = await run(
      '/usr/bin/aws',
      [
        '--endpoint-url',
        sandbox.endpoint,
        '--output',
        'json',
        'sns',
        'publish',
        '--topic-arn',
        topicArn,
        '--message',
        'from the cli',
      ],
      env,
    );
    expect(pub.stderr).toBe('');
    const messageId = JSON.parse(pub.stdout).MessageId as string;
    const got = await run(
      'aws',
      [
        '--endpoint-url',
        sandbox.endpoint,
        '--output',
        'json',
        'sqs',
        'receive-message',
        '--queue-url',
        q.url,
        '--wait-time-seconds',
        '2',
      ],
      env,
    );
    const envelope = JSON.parse(JSON.parse(got.stdout).Messages[0].Body);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId: messageId,
      Message: 'from the cli',
      TopicArn: topicArn,
    });
  });
});
