import { verify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalStringOf } from '../../../../sandbox/sns/notification-envelope.js';
import { NOTIFICATION_FIELDS, SUBSCRIPTION_CONFIRMATION_FIELDS } from '../../../fixtures/sns-envelopes.js';
import { VENDOR } from '../sqs/fakes.js';
import { customer, queuePolicyAllowingTopic, useSnsHarness, vendor, xmlValue } from './sns-harness.js';

const h = useSnsHarness();
const { call, createTopic, createQueue, receiveAll } = h;

/** Whether `doc`'s SignatureVersion 1 signature verifies with the certificate the sandbox serves. */
function signedBySandbox(doc: Record<string, string>): boolean {
  const cert = new X509Certificate(h.sns.signingCertificatePem());
  return verify(
    'sha1',
    Buffer.from(canonicalStringOf(doc)),
    cert.publicKey,
    Buffer.from(doc.Signature!, 'base64'),
  );
}

describe('delivery to SQS', () => {
  it('delivers the signed Notification envelope in AWS field order', async () => {
    const topicArn = await createTopic(vendor, 'env');
    const queue = await createQueue(vendor, 'env-q', undefined);
    await h.allowTopic(vendor, queue, topicArn);
    const sub = await h.subscribe(vendor, topicArn, queue.arn);
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
    expect(Object.keys(envelope)).toEqual(NOTIFICATION_FIELDS);
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
    expect(signedBySandbox(envelope)).toBe(true);
  });

  it('delivers the message itself, with its attributes, when RawMessageDelivery is true', async () => {
    const topicArn = await createTopic(vendor, 'raw');
    const queue = await createQueue(vendor, 'raw-q');
    await h.allowTopic(vendor, queue, topicArn);
    await h.subscribe(vendor, topicArn, queue.arn, { RawMessageDelivery: 'true' });
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
    await h.subscribe(vendor, topicArn, queue.arn);
    const res = await call(vendor, { Action: 'Publish', TopicArn: topicArn, Message: 'lost' });
    expect(res.status).toBe(200);
    expect(await receiveAll(vendor, queue.url)).toEqual([]);
    expect(h.sns.deliveries().at(-1)).toMatchObject({
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
    await h.allowTopic(vendor, queue, topicArn);
    const sub = await h.subscribe(vendor, topicArn, queue.arn);
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
    expect(h.sns.deliveries().map((d) => d.status)).toEqual(['delivered', 'filtered']);
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
    await h.allowTopic(vendor, queue, topicArn);
    const sub = await h.subscribe(vendor, topicArn, queue.arn);
    expect(xmlValue(sub.body, 'SubscriptionArn')).toMatch(new RegExp(`^${topicArn}:`));
    await call(customer, { Action: 'Publish', TopicArn: topicArn, Message: 'for the vendor' });
    const [m] = await receiveAll(vendor, queue.url);
    expect(JSON.parse(m!.Body).Message).toBe('for the vendor');
  });

  it("refuses a subscribe the topic's policy does not allow", async () => {
    const topicArn = await createTopic(customer, 'closed-events');
    const queue = await createQueue(vendor, 'closed-inbox');
    const sub = await h.subscribe(vendor, topicArn, queue.arn);
    expect(sub.status).toBe(403);
    expect(sub.body).toContain(
      `<Message>User: arn:aws:iam::${VENDOR}:root is not authorized to perform: SNS:Subscribe on resource: ${topicArn} because no resource-based policy allows the SNS:Subscribe action</Message>`,
    );
  });

  it("leaves a subscription of another account's queue pending until confirmed with the token sent to the queue", async () => {
    const topicArn = await createTopic(customer, 'pending-events');
    const queue = await createQueue(vendor, 'pending-inbox');
    await h.allowTopic(vendor, queue, topicArn);
    const sub = await h.subscribe(customer, topicArn, queue.arn);
    expect(xmlValue(sub.body, 'SubscriptionArn')).toBe('pending confirmation');
    const listed = await call(customer, { Action: 'ListSubscriptionsByTopic', TopicArn: topicArn });
    expect(listed.body).toContain('<SubscriptionArn>PendingConfirmation</SubscriptionArn>');

    await call(customer, { Action: 'Publish', TopicArn: topicArn, Message: 'before confirmation' });
    const [confirmation, ...rest] = await receiveAll(vendor, queue.url);
    expect(rest).toEqual([]);
    const doc = JSON.parse(confirmation!.Body) as Record<string, string>;
    expect(Object.keys(doc)).toEqual(SUBSCRIPTION_CONFIRMATION_FIELDS);
    expect(doc).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn: topicArn,
      Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${doc.Token}`,
    });
    expect(signedBySandbox(doc)).toBe(true);

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
    await h.allowTopic(vendor, queue, topicArn);
    const sub = await h.subscribe(vendor, topicArn, queue.arn);
    await call(vendor, { Action: 'Unsubscribe', SubscriptionArn: xmlValue(sub.body, 'SubscriptionArn') });
    await call(vendor, { Action: 'Publish', TopicArn: topicArn, Message: 'nobody' });
    expect(await receiveAll(vendor, queue.url)).toEqual([]);
    const attrs = await call(vendor, { Action: 'GetTopicAttributes', TopicArn: topicArn });
    expect(attrs.body).toContain('<entry><key>SubscriptionsDeleted</key><value>1</value></entry>');
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
    await h.subscribe(vendor, topicArn, queue.arn, { RawMessageDelivery: 'true' });
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

describe('subscription condition keys', () => {
  it('offers sns:Protocol and sns:Endpoint so a topic policy can admit only the vendor own queues', async () => {
    const topicArn = await createTopic(customer, 'scoped');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'VendorSubscribesOwnQueues',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
          Action: 'sns:Subscribe',
          Resource: topicArn,
          Condition: {
            StringEquals: { 'sns:Protocol': 'sqs' },
            StringLike: { 'sns:Endpoint': `arn:aws:sqs:*:${VENDOR}:*` },
          },
        },
      ],
    };
    await call(customer, {
      Action: 'SetTopicAttributes',
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify(policy),
    });
    const own = await createQueue(vendor, 'scoped-own');
    const allowed = await h.subscribe(vendor, topicArn, own.arn);
    expect(allowed.status).toBe(200);
    const foreign = await createQueue(customer, 'scoped-foreign');
    const refused = await h.subscribe(vendor, topicArn, foreign.arn);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('AuthorizationError');
  });
});
