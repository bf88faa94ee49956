import { describe, expect, it } from 'vitest';
import { LiveTargetError, resolveLiveTarget } from '../../../src/aws/live-target.js';
import { parseConfig } from '../../../src/config/resolved-config.js';

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';

function resolve(
  connection: Record<string, unknown>,
  aws: Record<string, unknown> = { region: 'us-east-1' },
) {
  const config = parseConfig({
    version: 2,
    vendor: { accountId: VENDOR, principals: [`arn:aws:iam::${VENDOR}:root`] },
    aws,
    connections: [
      {
        name: 'acme',
        accountId: CUSTOMER,
        source: { bucket: 'acme-src' },
        destination: { bucket: 'acme-dst' },
        ...connection,
      },
    ],
  });
  return resolveLiveTarget(config, config.connections[0]!);
}

describe('resolveLiveTarget, the one live-target resolver', () => {
  it('has no target for a batch connection', () => {
    expect(resolve({})).toBeUndefined();
  });

  it.each([
    [
      'the defaults: the topic in aws.region, the vendor queue named after the connection',
      {},
      { region: 'us-east-1' },
      {
        topicArn: `arn:aws:sns:us-east-1:${CUSTOMER}:BucketBridgeS3EventTopic`,
        region: 'us-east-1',
        vendorQueueName: 'bucketbridge-acme',
        vendorQueueArn: `arn:aws:sqs:us-east-1:${VENDOR}:bucketbridge-acme`,
      },
    ],
    [
      "the customer's region for the topic, the vendor's region for its queue",
      { region: 'eu-west-2' },
      { region: 'us-east-1' },
      {
        topicArn: `arn:aws:sns:eu-west-2:${CUSTOMER}:BucketBridgeS3EventTopic`,
        region: 'eu-west-2',
        vendorQueueArn: `arn:aws:sqs:us-east-1:${VENDOR}:bucketbridge-acme`,
      },
    ],
    [
      'a China customer: every ARN in the aws-cn partition',
      { region: 'cn-north-1', onboarding: { topicName: 'Events' } },
      { region: 'cn-north-1' },
      {
        topicArn: `arn:aws-cn:sns:cn-north-1:${CUSTOMER}:Events`,
        topicName: 'Events',
        vendorQueueArn: `arn:aws-cn:sqs:cn-north-1:${VENDOR}:bucketbridge-acme`,
      },
    ],
    [
      'a configured topic ARN: its own region and name',
      { live: { topicArn: `arn:aws:sns:ap-southeast-2:${CUSTOMER}:t1` } },
      { region: 'us-east-1' },
      { topicArn: `arn:aws:sns:ap-southeast-2:${CUSTOMER}:t1`, topicName: 't1', region: 'ap-southeast-2' },
    ],
    [
      'the vendor queue named by live.queueName',
      { live: { queueName: 'q-acme' } },
      { region: 'us-east-1' },
      { vendorQueueName: 'q-acme', vendorQueueArn: `arn:aws:sqs:us-east-1:${VENDOR}:q-acme` },
    ],
    [
      'the vendor queue named by the last part of live.queueUrl',
      { live: { queueUrl: `https://sqs.us-east-1.amazonaws.com/${VENDOR}/from-url` } },
      { region: 'us-east-1' },
      { vendorQueueName: 'from-url' },
    ],
  ])('sns mode, %s', (_, connection, aws, expected) => {
    expect(resolve({ workflow: 'live', ...connection }, aws)).toMatchObject({ mode: 'sns', ...expected });
  });

  it.each([
    [
      'the region of the URL host',
      `https://sqs.eu-west-1.amazonaws.com/${CUSTOMER}/events`,
      {},
      { queueArn: `arn:aws:sqs:eu-west-1:${CUSTOMER}:events`, region: 'eu-west-1' },
    ],
    [
      'a legacy host',
      `https://eu-west-1.queue.amazonaws.com/${CUSTOMER}/events`,
      {},
      { queueArn: `arn:aws:sqs:eu-west-1:${CUSTOMER}:events`, region: 'eu-west-1' },
    ],
    [
      "the connection's region for a custom endpoint",
      `http://127.0.0.1:4566/${CUSTOMER}/events`,
      { region: 'eu-west-2' },
      { queueArn: `arn:aws:sqs:eu-west-2:${CUSTOMER}:events`, region: 'eu-west-2' },
    ],
    [
      'a China host',
      `https://sqs.cn-north-1.amazonaws.com.cn/${CUSTOMER}/q.fifo`,
      {},
      { queueArn: `arn:aws-cn:sqs:cn-north-1:${CUSTOMER}:q.fifo`, region: 'cn-north-1' },
    ],
  ])("sqs mode, the customer's queue: %s", (_, queueUrl, connection, expected) => {
    expect(resolve({ workflow: 'live', live: { mode: 'sqs', queueUrl }, ...connection })).toEqual({
      mode: 'sqs',
      queueUrl,
      ...expected,
    });
  });

  it.each([
    [
      { live: { topicArn: `arn:aws:sns:eu-central-1:333333333333:t` } },
      "live.topicArn: expected a topic in the bucket owner's account 222222222222, found a topic in account 333333333333",
    ],
    [
      { live: { topicArn: `arn:aws:sqs:eu-central-1:${CUSTOMER}:t` } },
      `live.topicArn: expected an SNS topic ARN such as arn:aws:sns:REGION:ACCOUNT:NAME, found "arn:aws:sqs:eu-central-1:${CUSTOMER}:t"`,
    ],
    [
      { live: { mode: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/q' } },
      `live.queueUrl: expected the URL of the customer's queue, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (live.mode is sqs), found "https://sqs.eu-west-1.amazonaws.com/q"`,
    ],
  ])('refuses %j naming the key', (connection, message) => {
    const attempt = () => resolve({ workflow: 'live', ...connection });
    expect(attempt).toThrow(LiveTargetError);
    expect(attempt).toThrow(message);
  });
});
