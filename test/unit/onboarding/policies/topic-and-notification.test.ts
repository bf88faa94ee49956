import { describe, expect, it } from 'vitest';
import type {
  OnboardingContext,
  SnsLiveContext,
  SqsLiveContext,
} from '../../../../src/onboarding/onboarding-context.js';
import { buildBucketNotification } from '../../../../src/onboarding/policies/bucket-notification.js';
import { buildQueuePolicy } from '../../../../src/onboarding/policies/queue-policy.js';
import { buildTopicPolicy } from '../../../../src/onboarding/policies/topic-policy.js';
import { CUSTOMER_ACCOUNT, makeContext, VENDOR_ACCOUNT } from '../../../fixtures/onboarding.js';

const TOPIC = `arn:aws:sns:eu-central-1:${CUSTOMER_ACCOUNT}:BucketBridgeS3EventTopic`;
const QUEUE_URL = `https://sqs.eu-central-1.amazonaws.com/${CUSTOMER_ACCOUNT}/acme-events`;
const QUEUE = `arn:aws:sqs:eu-central-1:${CUSTOMER_ACCOUNT}:acme-events`;

describe('the topic policy', () => {
  it('lets S3 publish for this bucket and account, and the vendor account subscribe its own queues; nothing else', () => {
    const context = makeContext({ workflow: 'live' }) as OnboardingContext & { live: SnsLiveContext };
    expect(buildTopicPolicy(context)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BucketBridgeAcmeVideosS3Publish',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: TOPIC,
          Condition: {
            ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::acme-source' },
            StringEquals: { 'aws:SourceAccount': CUSTOMER_ACCOUNT },
          },
        },
        {
          Sid: 'BucketBridgeAcmeVideosVendorSubscribe',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:root` },
          Action: 'sns:Subscribe',
          Resource: TOPIC,
          Condition: {
            StringEquals: { 'sns:Protocol': 'sqs' },
            StringLike: { 'sns:Endpoint': `arn:aws:sqs:*:${VENDOR_ACCOUNT}:*` },
          },
        },
      ],
    });
  });

  it('uses the configured topic ARN, its region and name', () => {
    const topicArn = `arn:aws:sns:us-west-2:${CUSTOMER_ACCOUNT}:their-topic`;
    const context = makeContext({ workflow: 'live', live: { topicArn } }) as OnboardingContext & {
      live: SnsLiveContext;
    };
    expect(context.live).toEqual({ mode: 'sns', topicName: 'their-topic', topicArn });
    expect(context.region).toBe('us-west-2');
    expect(buildTopicPolicy(context).Statement.map((s) => s.Resource)).toEqual([topicArn, topicArn]);
  });
});

describe('the queue policy (sqs mode)', () => {
  it('lets S3 send this bucket events from this account', () => {
    const context = makeContext({
      workflow: 'live',
      live: { mode: 'sqs', queueUrl: QUEUE_URL },
    }) as OnboardingContext & {
      live: SqsLiveContext;
    };
    expect(buildQueuePolicy(context).Statement).toEqual([
      {
        Sid: 'BucketBridgeAcmeVideosS3SendMessage',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: QUEUE,
        Condition: {
          ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::acme-source' },
          StringEquals: { 'aws:SourceAccount': CUSTOMER_ACCOUNT },
        },
      },
    ]);
  });
});

describe('the bucket notification', () => {
  it('is absent for a batch connection', () => {
    expect(buildBucketNotification(makeContext())).toBeUndefined();
  });

  it.each([
    [
      'prefix only',
      { bucket: 'acme-source', prefix: 'videos/in/' },
      [{ Name: 'prefix', Value: 'videos/in/' }],
    ],
    [
      'prefix and suffix',
      { bucket: 'acme-source', prefix: 'videos/in/', suffix: '.mp4' },
      [
        { Name: 'prefix', Value: 'videos/in/' },
        { Name: 'suffix', Value: '.mp4' },
      ],
    ],
    [
      'suffix only',
      { bucket: 'acme-source', prefix: '', suffix: '.mp4' },
      [{ Name: 'suffix', Value: '.mp4' }],
    ],
  ])('sends ObjectCreated events to the topic with the filter: %s', (_, source, rules) => {
    expect(buildBucketNotification(makeContext({ workflow: 'live', source }))).toEqual({
      TopicConfigurations: [
        {
          Id: 'bucketbridge-acme-videos',
          TopicArn: TOPIC,
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: rules } },
        },
      ],
    });
  });

  it('has no filter when the connection takes the whole bucket', () => {
    const notification = buildBucketNotification(
      makeContext({ workflow: 'live', source: { bucket: 'acme-source', prefix: '' } }),
    );
    expect(notification).toEqual({
      TopicConfigurations: [
        { Id: 'bucketbridge-acme-videos', TopicArn: TOPIC, Events: ['s3:ObjectCreated:*'] },
      ],
    });
  });

  it("targets the customer's queue in sqs mode", () => {
    const notification = buildBucketNotification(
      makeContext({ workflow: 'live', live: { mode: 'sqs', queueUrl: QUEUE_URL } }),
    );
    expect(notification).toEqual({
      QueueConfigurations: [
        {
          Id: 'bucketbridge-acme-videos',
          QueueArn: QUEUE,
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'videos/in/' }] } },
        },
      ],
    });
  });
});
