import { describe, expect, it } from 'vitest';
import { createSnsService } from '../../../../sandbox/sns/sns-service.js';
import { s3PublishStatement } from '../../../helpers/sandbox-test-kit.js';
import { CUSTOMER, FakeClock, fakeContext, roleCaller, VENDOR } from '../sqs/fakes.js';
import { customer, useSnsHarness, vendor, xmlValue } from './sns-harness.js';

const h = useSnsHarness();
const { call, createTopic, createQueue } = h;

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

describe('S3 publishing into a topic', () => {
  const bucketArn = 'arn:aws:s3:::customer-source';

  it('is allowed only by a topic policy naming s3.amazonaws.com with the bucket as aws:SourceArn', async () => {
    const topicArn = await createTopic(customer, 's3-events');
    const args = { topicArn, message: '{"Records":[]}', sourceArn: bucketArn, sourceAccount: CUSTOMER };
    const s3CanPublishFrom = (sourceArn: string) =>
      h.sns.canDeliverFrom({
        topicArn,
        sourceService: 's3.amazonaws.com',
        sourceArn,
        sourceAccount: CUSTOMER,
      });
    expect(s3CanPublishFrom(bucketArn)).toBe(false);
    expect(() => h.sns.publishAsService(args)).toThrow(
      `User: s3.amazonaws.com is not authorized to perform: SNS:Publish on resource: ${topicArn}`,
    );
    await call(customer, {
      Action: 'SetTopicAttributes',
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({
        Statement: [s3PublishStatement(topicArn, bucketArn, CUSTOMER)],
      }),
    });
    expect(s3CanPublishFrom(bucketArn)).toBe(true);
    expect(s3CanPublishFrom('arn:aws:s3:::other')).toBe(false);
    expect(h.sns.publishAsService(args).messageId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('state persistence', () => {
  it('restores topics, subscriptions and the signing key', async () => {
    const topicArn = await createTopic(vendor, 'persisted');
    const queue = await createQueue(vendor, 'persisted-q');
    await h.subscribe(vendor, topicArn, queue.arn);
    const saved = JSON.parse(JSON.stringify(h.sns.snapshot!()));
    const clock = new FakeClock();
    const restored = createSnsService(fakeContext(clock), { signing: h.signing });
    restored.restore!(saved);
    h.sns = restored;
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

describe('listing', () => {
  it("lists the caller's topics and subscriptions", async () => {
    const a = await createTopic(vendor, 'list-a');
    await createTopic(customer, 'list-other');
    const queue = await createQueue(vendor, 'list-q');
    await h.subscribe(vendor, a, queue.arn);
    const topics = await call(vendor, { Action: 'ListTopics' });
    expect(topics.body).toContain(`<Topics><member><TopicArn>${a}</TopicArn></member></Topics>`);
    const subs = await call(vendor, { Action: 'ListSubscriptions' });
    expect(subs.body).toContain(
      `<Owner>${VENDOR}</Owner><Endpoint>${queue.arn}</Endpoint><Protocol>sqs</Protocol><SubscriptionArn>${a}:`,
    );
  });
});
