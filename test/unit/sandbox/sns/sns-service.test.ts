import { verify, X509Certificate } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import { canonicalStringOf } from '../../../../sandbox/sns/notification-envelope.js';
import { createSigningIdentity, type SigningIdentity } from '../../../../sandbox/sns/signing-certificate.js';
import { createSnsService, type SnsService } from '../../../../sandbox/sns/sns-service.js';
import { createSqsService, type SqsService } from '../../../../sandbox/sqs/sqs-service.js';
import {
  CUSTOMER,
  FakeClock,
  fakeContext,
  jsonRequest,
  queryRequest,
  roleCaller,
  rootCaller,
  VENDOR,
} from '../sqs/fakes.js';

const vendor = rootCaller(VENDOR);
const customer = rootCaller(CUSTOMER);
let signing: SigningIdentity;
let sns: SnsService;
let sqs: SqsService;

beforeAll(() => {
  signing = createSigningIdentity();
});

beforeEach(() => {
  const clock = new FakeClock();
  const ctx = fakeContext(clock, {
    sendToQueue: (args) => {
      sqs.sendAsService(args);
    },
  });
  sqs = createSqsService(ctx, { clock });
  sns = createSnsService(ctx, { signing });
});

async function call(caller: CallerIdentity, params: Record<string, string>) {
  const res = await sns.handle(queryRequest('sns', caller, params));
  return { status: res.status, body: String(res.body) };
}

function xmlValue(xml: string, element: string): string {
  const m = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (!m) throw new Error(`no <${element}> in ${xml}`);
  return m[1]!
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

async function createTopic(caller: CallerIdentity, name: string, policy?: object): Promise<string> {
  const res = await call(caller, { Action: 'CreateTopic', Name: name });
  expect(res.status).toBe(200);
  const arn = xmlValue(res.body, 'TopicArn');
  if (policy) {
    const set = await call(caller, {
      Action: 'SetTopicAttributes',
      TopicArn: arn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify(policy),
    });
    expect(set.status).toBe(200);
  }
  return arn;
}

/** Creates a queue through the SQS service; returns its URL and ARN. */
async function createQueue(caller: CallerIdentity, name: string, policy?: object) {
  const attributes = policy ? { Policy: JSON.stringify(policy) } : {};
  const res = await sqs.handle(
    jsonRequest(caller, 'CreateQueue', { QueueName: name, Attributes: attributes }),
  );
  const url = JSON.parse(String(res.body)).QueueUrl as string;
  return { url, arn: `arn:aws:sqs:us-east-1:${caller.accountId}:${name}` };
}

async function receiveAll(caller: CallerIdentity, url: string) {
  const res = await sqs.handle(
    jsonRequest(caller, 'ReceiveMessage', {
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    }),
  );
  return (JSON.parse(String(res.body)).Messages ?? []) as Array<{
    Body: string;
    MessageAttributes?: Record<string, unknown>;
  }>;
}

function queuePolicyAllowingTopic(queueArn: string, topicArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
}

describe('topics', () => {
  it('creates a topic idempotently with AWS default owner-only policy', async () => {
    const arn = await createTopic(vendor, 'orders');
    expect(arn).toBe(`arn:aws:sns:us-east-1:${VENDOR}:orders`);
    expect(await createTopic(vendor, 'orders')).toBe(arn);
    const attrs = await call(vendor, { Action: 'GetTopicAttributes', TopicArn: arn });
    expect(attrs.body).toContain(`<entry><key>Owner</key><value>${VENDOR}</value></entry>`);
    expect(attrs.body).toContain('<entry><key>SubscriptionsConfirmed</key><value>0</value></entry>');
    const policy = JSON.parse(xmlValue(attrs.body.replace(/.*<key>Policy<\/key>/s, ''), 'value'));
    expect(policy.Statement[0]).toMatchObject({
      Sid: '__default_statement_ID',
      Principal: { AWS: '*' },
      Resource: arn,
      Condition: { StringEquals: { 'AWS:SourceOwner': VENDOR } },
    });
  });

  it('lets a role of the owning account publish through the default policy', async () => {
    const arn = await createTopic(vendor, 'default-policy');
    const res = await call(roleCaller(VENDOR, 'worker'), { Action: 'Publish', TopicArn: arn, Message: 'hi' });
    expect(res.status).toBe(200);
  });

  it("refuses another account's publish under the default policy with AuthorizationError", async () => {
    const arn = await createTopic(customer, 'private-topic');
    const res = await call(vendor, { Action: 'Publish', TopicArn: arn, Message: 'hi' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>AuthorizationError</Code>');
    expect(res.body).toContain(
      `<Message>User: arn:aws:iam::${VENDOR}:root is not authorized to perform: SNS:Publish on resource: ${arn} because no resource-based policy allows the SNS:Publish action</Message>`,
    );
  });

  it('answers NotFound for a topic that does not exist', async () => {
    const res = await call(vendor, {
      Action: 'Publish',
      TopicArn: `arn:aws:sns:us-east-1:${VENDOR}:nope`,
      Message: 'x',
    });
    expect(res.status).toBe(404);
    expect(res.body).toContain('<Code>NotFound</Code><Message>Topic does not exist</Message>');
  });

  it.each([
    [{ Message: '' }, 'Invalid parameter: Empty message'],
    [{ Message: 'x'.repeat(262_145) }, 'Invalid parameter: Message too long'],
    [{ Message: 'x', Subject: 'line\nbreak' }, 'Invalid parameter: Subject'],
    [{ Message: 'x', Subject: 's'.repeat(101) }, 'Invalid parameter: Subject'],
    [
      { Message: '{"sqs":"x"}', MessageStructure: 'json' },
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    ],
  ])('refuses a publish of %j', async (params, message) => {
    const arn = await createTopic(vendor, 'validation');
    const res = await call(vendor, { Action: 'Publish', TopicArn: arn, ...params });
    expect(res.body).toContain(`<Code>InvalidParameter</Code><Message>${message}</Message>`);
  });
});

describe('delivery to SQS', () => {
  it('delivers the signed Notification envelope in AWS field order', async () => {
    const topicArn = await createTopic(vendor, 'env');
    const queue = await createQueue(vendor, 'env-q', undefined);
    await sqs.handle(
      jsonRequest(vendor, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    const sub = await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
    });
    const subscriptionArn = xmlValue(sub.body, 'SubscriptionArn');
    expect(subscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    const published = await call(vendor, {
      Action: 'Publish',
      TopicArn: topicArn,
      Subject: 'Greeting',
      Message: 'hello "world"',
      'MessageAttributes.entry.1.Name': 'kind',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'test',
    });
    const messageId = xmlValue(published.body, 'MessageId');
    const [m] = await receiveAll(vendor, queue.url);
    const envelope = JSON.parse(m!.Body) as Record<string, string>;
    expect(Object.keys(envelope)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topicArn,
      Subject: 'Greeting',
      Message: 'hello "world"',
      SignatureVersion: '1',
      SigningCertURL: 'http://127.0.0.1:4566/__sandbox/sns/signing-cert.pem',
      UnsubscribeURL: `http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
      MessageAttributes: { kind: { Type: 'String', Value: 'test' } },
    });
    expect(envelope.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(m!.Body.startsWith('{\n  "Type" : "Notification",\n  "MessageId" : ')).toBe(true);
    const cert = new X509Certificate(sns.signingCertificatePem());
    expect(
      verify(
        'sha1',
        Buffer.from(canonicalStringOf(envelope)),
        cert.publicKey,
        Buffer.from(envelope.Signature!, 'base64'),
      ),
    ).toBe(true);
  });

  it('delivers the message itself, with its attributes, when RawMessageDelivery is true', async () => {
    const topicArn = await createTopic(vendor, 'raw');
    const queue = await createQueue(vendor, 'raw-q');
    await sqs.handle(
      jsonRequest(vendor, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      'Attributes.entry.1.key': 'RawMessageDelivery',
      'Attributes.entry.1.value': 'true',
    });
    await call(vendor, {
      Action: 'Publish',
      TopicArn: topicArn,
      Message: '{"raw":true}',
      'MessageAttributes.entry.1.Name': 'n',
      'MessageAttributes.entry.1.Value.DataType': 'Number',
      'MessageAttributes.entry.1.Value.StringValue': '7',
    });
    const [m] = await receiveAll(vendor, queue.url);
    expect(m?.Body).toBe('{"raw":true}');
    expect(m?.MessageAttributes).toEqual({ n: { StringValue: '7', DataType: 'Number' } });
  });

  it('drops a delivery the queue policy does not allow, and records why', async () => {
    const topicArn = await createTopic(vendor, 'no-perm');
    const queue = await createQueue(vendor, 'no-perm-q');
    await call(vendor, { Action: 'Subscribe', TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn });
    const res = await call(vendor, { Action: 'Publish', TopicArn: topicArn, Message: 'lost' });
    expect(res.status).toBe(200);
    expect(await receiveAll(vendor, queue.url)).toEqual([]);
    expect(sns.deliveries().at(-1)).toMatchObject({
      topicArn,
      endpoint: queue.arn,
      kind: 'Notification',
      status: 'dropped',
      reason: `AccessDenied: User: sns.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: ${queue.arn} because no resource-based policy allows the sqs:SendMessage action`,
    });
  });

  it('delivers only messages that pass the subscription filter policy', async () => {
    const topicArn = await createTopic(vendor, 'filtered');
    const queue = await createQueue(vendor, 'filtered-q');
    await sqs.handle(
      jsonRequest(vendor, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    const sub = await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
    });
    await call(vendor, {
      Action: 'SetSubscriptionAttributes',
      SubscriptionArn: xmlValue(sub.body, 'SubscriptionArn'),
      AttributeName: 'FilterPolicy',
      AttributeValue: JSON.stringify({ event: [{ prefix: 'ObjectCreated' }] }),
    });
    for (const event of ['ObjectCreated:Put', 'ObjectRemoved:Delete']) {
      await call(vendor, {
        Action: 'Publish',
        TopicArn: topicArn,
        Message: event,
        'MessageAttributes.entry.1.Name': 'event',
        'MessageAttributes.entry.1.Value.DataType': 'String',
        'MessageAttributes.entry.1.Value.StringValue': event,
      });
    }
    const got = await receiveAll(vendor, queue.url);
    expect(got.map((m) => JSON.parse(m.Body).Message)).toEqual(['ObjectCreated:Put']);
    expect(sns.deliveries().map((d) => d.status)).toEqual(['delivered', 'filtered']);
  });
});

describe('cross-account subscriptions', () => {
  const openTopicPolicy = (topicArn: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
        Action: 'sns:Subscribe',
        Resource: topicArn,
      },
    ],
  });

  it('confirms at once when the queue owner subscribes to a topic whose policy allows it', async () => {
    const topicArn = await createTopic(customer, 'shared-events');
    await call(customer, {
      Action: 'SetTopicAttributes',
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify(openTopicPolicy(topicArn)),
    });
    const queue = await createQueue(vendor, 'vendor-inbox');
    await sqs.handle(
      jsonRequest(vendor, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    const sub = await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
    });
    expect(xmlValue(sub.body, 'SubscriptionArn')).toMatch(new RegExp(`^${topicArn}:`));
    await call(customer, { Action: 'Publish', TopicArn: topicArn, Message: 'for the vendor' });
    const [m] = await receiveAll(vendor, queue.url);
    expect(JSON.parse(m!.Body).Message).toBe('for the vendor');
  });

  it("refuses a subscribe the topic's policy does not allow", async () => {
    const topicArn = await createTopic(customer, 'closed-events');
    const queue = await createQueue(vendor, 'closed-inbox');
    const sub = await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
    });
    expect(sub.status).toBe(403);
    expect(sub.body).toContain(
      `<Message>User: arn:aws:iam::${VENDOR}:root is not authorized to perform: SNS:Subscribe on resource: ${topicArn} because no resource-based policy allows the SNS:Subscribe action</Message>`,
    );
  });

  it("leaves a subscription of another account's queue pending until confirmed with the token sent to the queue", async () => {
    const topicArn = await createTopic(customer, 'pending-events');
    const queue = await createQueue(vendor, 'pending-inbox');
    await sqs.handle(
      jsonRequest(vendor, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    const sub = await call(customer, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
    });
    expect(xmlValue(sub.body, 'SubscriptionArn')).toBe('pending confirmation');
    const listed = await call(customer, { Action: 'ListSubscriptionsByTopic', TopicArn: topicArn });
    expect(listed.body).toContain('<SubscriptionArn>PendingConfirmation</SubscriptionArn>');

    await call(customer, { Action: 'Publish', TopicArn: topicArn, Message: 'before confirmation' });
    const [confirmation, ...rest] = await receiveAll(vendor, queue.url);
    expect(rest).toEqual([]);
    const doc = JSON.parse(confirmation!.Body) as Record<string, string>;
    expect(Object.keys(doc)).toEqual([
      'Type',
      'MessageId',
      'Token',
      'TopicArn',
      'Message',
      'SubscribeURL',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
    ]);
    expect(doc).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn: topicArn,
      Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${doc.Token}`,
    });
    const cert = new X509Certificate(sns.signingCertificatePem());
    expect(
      verify(
        'sha1',
        Buffer.from(canonicalStringOf(doc)),
        cert.publicKey,
        Buffer.from(doc.Signature!, 'base64'),
      ),
    ).toBe(true);

    const bad = await call(vendor, { Action: 'ConfirmSubscription', TopicArn: topicArn, Token: 'wrong' });
    expect(bad.body).toContain('<Code>InvalidParameter</Code><Message>Invalid parameter: Token</Message>');
    const confirmed = await call(vendor, {
      Action: 'ConfirmSubscription',
      TopicArn: topicArn,
      Token: doc.Token!,
    });
    const subscriptionArn = xmlValue(confirmed.body, 'SubscriptionArn');
    expect(subscriptionArn).toMatch(new RegExp(`^${topicArn}:`));
    await call(customer, { Action: 'Publish', TopicArn: topicArn, Message: 'after confirmation' });
    const [delivered] = await receiveAll(vendor, queue.url);
    expect(JSON.parse(delivered!.Body).Message).toBe('after confirmation');
    const attrs = await call(customer, {
      Action: 'GetSubscriptionAttributes',
      SubscriptionArn: subscriptionArn,
    });
    expect(attrs.body).toContain('<entry><key>PendingConfirmation</key><value>false</value></entry>');
  });

  it('unsubscribes, after which nothing is delivered', async () => {
    const topicArn = await createTopic(vendor, 'unsub');
    const queue = await createQueue(vendor, 'unsub-q');
    await sqs.handle(
      jsonRequest(vendor, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    const sub = await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
    });
    await call(vendor, { Action: 'Unsubscribe', SubscriptionArn: xmlValue(sub.body, 'SubscriptionArn') });
    await call(vendor, { Action: 'Publish', TopicArn: topicArn, Message: 'nobody' });
    expect(await receiveAll(vendor, queue.url)).toEqual([]);
    const attrs = await call(vendor, { Action: 'GetTopicAttributes', TopicArn: topicArn });
    expect(attrs.body).toContain('<entry><key>SubscriptionsDeleted</key><value>1</value></entry>');
  });
});

describe('S3 publishing into a topic', () => {
  const bucketArn = 'arn:aws:s3:::customer-source';

  it('is allowed only by a topic policy naming s3.amazonaws.com with the bucket as aws:SourceArn', async () => {
    const topicArn = await createTopic(customer, 's3-events');
    const args = { topicArn, message: '{"Records":[]}', sourceArn: bucketArn, sourceAccount: CUSTOMER };
    expect(
      sns.canDeliverFrom({
        topicArn,
        sourceService: 's3.amazonaws.com',
        sourceArn: bucketArn,
        sourceAccount: CUSTOMER,
      }),
    ).toBe(false);
    expect(() => sns.publishAsService(args)).toThrow(
      `User: s3.amazonaws.com is not authorized to perform: SNS:Publish on resource: ${topicArn}`,
    );
    await call(customer, {
      Action: 'SetTopicAttributes',
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'SNS:Publish',
            Resource: topicArn,
            Condition: {
              ArnLike: { 'aws:SourceArn': bucketArn },
              StringEquals: { 'aws:SourceAccount': CUSTOMER },
            },
          },
        ],
      }),
    });
    expect(
      sns.canDeliverFrom({
        topicArn,
        sourceService: 's3.amazonaws.com',
        sourceArn: bucketArn,
        sourceAccount: CUSTOMER,
      }),
    ).toBe(true);
    expect(
      sns.canDeliverFrom({
        topicArn,
        sourceService: 's3.amazonaws.com',
        sourceArn: 'arn:aws:s3:::other',
        sourceAccount: CUSTOMER,
      }),
    ).toBe(false);
    expect(sns.publishAsService(args).messageId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('state persistence', () => {
  it('restores topics, subscriptions and the signing key', async () => {
    const topicArn = await createTopic(vendor, 'persisted');
    const queue = await createQueue(vendor, 'persisted-q');
    await call(vendor, { Action: 'Subscribe', TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn });
    const saved = JSON.parse(JSON.stringify(sns.snapshot!()));
    const clock = new FakeClock();
    const restored = createSnsService(fakeContext(clock), { signing });
    restored.restore!(saved);
    sns = restored;
    const listed = await call(vendor, { Action: 'ListSubscriptionsByTopic', TopicArn: topicArn });
    expect(listed.body).toContain(`<Endpoint>${queue.arn}</Endpoint>`);
    expect(restored.signingCertificatePem()).toContain('BEGIN CERTIFICATE');
  });
});

describe('AddPermission and RemovePermission', () => {
  it('let another account publish through a labelled statement, then stop it', async () => {
    const arn = await createTopic(customer, 'perm-topic');
    const added = await call(customer, {
      Action: 'AddPermission',
      TopicArn: arn,
      Label: 'vendor-publish',
      'AWSAccountId.member.1': VENDOR,
      'ActionName.member.1': 'Publish',
    });
    expect(added.status).toBe(200);
    expect((await call(vendor, { Action: 'Publish', TopicArn: arn, Message: 'm' })).status).toBe(200);
    const duplicate = await call(customer, {
      Action: 'AddPermission',
      TopicArn: arn,
      Label: 'vendor-publish',
      'AWSAccountId.member.1': VENDOR,
      'ActionName.member.1': 'Publish',
    });
    expect(duplicate.body).toContain('<Message>Invalid parameter: Statement already exists</Message>');
    await call(customer, { Action: 'RemovePermission', TopicArn: arn, Label: 'vendor-publish' });
    expect((await call(vendor, { Action: 'Publish', TopicArn: arn, Message: 'm' })).status).toBe(403);
  });
});

describe('PublishBatch', () => {
  it('publishes the valid entries and reports the invalid ones', async () => {
    const topicArn = await createTopic(vendor, 'batch');
    const queue = await createQueue(
      vendor,
      'batch-q',
      queuePolicyAllowingTopic(`arn:aws:sqs:us-east-1:${VENDOR}:batch-q`, topicArn),
    );
    await call(vendor, {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      'Attributes.entry.1.key': 'RawMessageDelivery',
      'Attributes.entry.1.value': 'true',
    });
    const res = await call(vendor, {
      Action: 'PublishBatch',
      TopicArn: topicArn,
      'PublishBatchRequestEntries.member.1.Id': 'one',
      'PublishBatchRequestEntries.member.1.Message': 'first',
      'PublishBatchRequestEntries.member.2.Id': 'two',
      'PublishBatchRequestEntries.member.2.Message': '',
      'PublishBatchRequestEntries.member.3.Id': 'three',
      'PublishBatchRequestEntries.member.3.Message': 'third',
    });
    expect(res.body).toMatch(
      /<Successful><member><Id>one<\/Id><MessageId>[0-9a-f-]{36}<\/MessageId><\/member><member><Id>three<\/Id>/,
    );
    expect(res.body).toContain(
      '<Failed><member><Id>two</Id><Code>InvalidParameter</Code><Message>Invalid parameter: Empty message</Message><SenderFault>true</SenderFault></member></Failed>',
    );
    expect((await receiveAll(vendor, queue.url)).map((m) => m.Body)).toEqual(['first', 'third']);
  });

  it('refuses repeated entry ids', async () => {
    const topicArn = await createTopic(vendor, 'batch-ids');
    const res = await call(vendor, {
      Action: 'PublishBatch',
      TopicArn: topicArn,
      'PublishBatchRequestEntries.member.1.Id': 'same',
      'PublishBatchRequestEntries.member.1.Message': 'a',
      'PublishBatchRequestEntries.member.2.Id': 'same',
      'PublishBatchRequestEntries.member.2.Message': 'b',
    });
    expect(res.body).toContain('<Code>BatchEntryIdsNotDistinct</Code>');
  });
});

describe('listing', () => {
  it("lists the caller's topics and subscriptions", async () => {
    const a = await createTopic(vendor, 'list-a');
    await createTopic(customer, 'list-other');
    const queue = await createQueue(vendor, 'list-q');
    await call(vendor, { Action: 'Subscribe', TopicArn: a, Protocol: 'sqs', Endpoint: queue.arn });
    const topics = await call(vendor, { Action: 'ListTopics' });
    expect(topics.body).toContain(`<Topics><member><TopicArn>${a}</TopicArn></member></Topics>`);
    const subs = await call(vendor, { Action: 'ListSubscriptions' });
    expect(subs.body).toContain(
      `<Owner>${VENDOR}</Owner><Endpoint>${queue.arn}</Endpoint><Protocol>sqs</Protocol><SubscriptionArn>${a}:`,
    );
  });
});
