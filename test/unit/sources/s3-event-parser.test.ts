import { describe, expect, it } from 'vitest';
import {
  compareSequencers,
  decodeEventKey,
  MalformedMessageError,
  parseQueueMessage,
} from '../../../src/sources/s3-event-parser.js';

/** An S3 event notification record in AWS's format (eventVersion 2.1). */
function s3Record(key: string, overrides: Record<string, unknown> = {}) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-23T18:00:00.000Z',
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'R1', 'x-amz-id-2': 'H1' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'bucketbridge',
      bucket: { name: 'acme-src', ownerIdentity: { principalId: 'A1' }, arn: 'arn:aws:s3:::acme-src' },
      object: { key, size: 42, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
    },
    ...overrides,
  };
}

const directBody = (...records: unknown[]) => JSON.stringify({ Records: records });
const snsEnvelope = (message: string) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: 'm-1',
    TopicArn: 'arn:aws:sns:us-east-1:222222222222:BucketBridgeS3EventTopic',
    Subject: 'Amazon S3 Notification',
    Message: message,
    Timestamp: '2026-11-23T18:00:00.000Z',
    SignatureVersion: '1',
    Signature: 'c2ln',
    SigningCertURL: 'http://127.0.0.1/cert.pem',
    UnsubscribeURL: 'http://127.0.0.1/unsubscribe',
  });

describe('decoding keys from event notifications', () => {
  it.each([
    ['incoming/red+flower.jpg', 'incoming/red flower.jpg'],
    ['incoming/c%2B%2B.tar.gz', 'incoming/c++.tar.gz'],
    ['incoming/100%25+done.txt', 'incoming/100% done.txt'],
    ['incoming/%E6%97%A5%E6%9C%AC.txt', 'incoming/日本.txt'],
    ['a%3Db/c%3Ad', 'a=b/c:d'],
  ])('decodes %s as %s', (encoded, decoded) => {
    expect(decodeEventKey(encoded)).toBe(decoded);
  });
});

describe('parsing an SQS message body', () => {
  it('reads every record of a direct S3 notification, keys decoded', () => {
    const parsed = parseQueueMessage(directBody(s3Record('in/a+b.txt'), s3Record('in/c.txt')), 'id-1');
    expect(parsed).toEqual({
      kind: 'objects',
      events: [
        expect.objectContaining({ bucket: 'acme-src', key: 'in/a b.txt', kind: 'created', sizeBytes: 42 }),
        expect.objectContaining({ key: 'in/c.txt', eventName: 'ObjectCreated:Put' }),
      ],
    });
  });

  it('unwraps an SNS envelope and reads the notification inside', () => {
    const parsed = parseQueueMessage(snsEnvelope(directBody(s3Record('in/x.log'))), 'id-2');
    expect(parsed).toEqual({
      kind: 'objects',
      events: [expect.objectContaining({ key: 'in/x.log', sequencer: '0055AED6DCD90281E5' })],
    });
  });

  it('accepts any 2.x event version and the versionId of versioned buckets', () => {
    const record = s3Record('k', { eventVersion: '2.3' });
    (record.s3.object as Record<string, unknown>).versionId = 'v-7';
    const parsed = parseQueueMessage(directBody(record), 'id-3');
    expect(parsed).toEqual({ kind: 'objects', events: [expect.objectContaining({ versionId: 'v-7' })] });
  });

  it('marks ObjectRemoved records as removed and other event types as other', () => {
    const parsed = parseQueueMessage(
      directBody(
        s3Record('gone', { eventName: 'ObjectRemoved:Delete' }),
        s3Record('cold', { eventName: 'ObjectRestore:Completed' }),
      ),
      'id-4',
    );
    expect(parsed.kind === 'objects' && parsed.events.map((e) => e.kind)).toEqual(['removed', 'other']);
  });

  it('recognises the s3:TestEvent S3 sends when notifications are configured, direct or through SNS', () => {
    const test = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'acme-src' });
    expect(parseQueueMessage(test, 'id-5')).toEqual({ kind: 'test-event', bucket: 'acme-src' });
    expect(parseQueueMessage(snsEnvelope(test), 'id-6')).toEqual({ kind: 'test-event', bucket: 'acme-src' });
  });

  it('reads an EventBridge Object Created event', () => {
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '222222222222',
      time: '2026-11-23T18:00:00Z',
      region: 'us-east-1',
      detail: {
        version: '0',
        bucket: { name: 'acme-src' },
        object: { key: 'in/eb+file.txt', size: 5, etag: 'abc', sequencer: '0A' },
        reason: 'PutObject',
      },
    };
    expect(parseQueueMessage(JSON.stringify(event), 'id-7')).toEqual({
      kind: 'objects',
      events: [
        expect.objectContaining({ bucket: 'acme-src', key: 'in/eb file.txt', kind: 'created', eTag: 'abc' }),
      ],
    });
  });

  it('returns a SubscriptionConfirmation with its token so the consumer can confirm it', () => {
    const body = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      TopicArn: 'arn:aws:sns:us-east-1:222222222222:T',
      Token: 'tok',
      SubscribeURL: 'http://127.0.0.1/confirm',
    });
    expect(parseQueueMessage(body, 'id-8')).toEqual({
      kind: 'subscription-confirmation',
      topicArn: 'arn:aws:sns:us-east-1:222222222222:T',
      token: 'tok',
      subscribeUrl: 'http://127.0.0.1/confirm',
    });
  });

  it.each([
    ['not json', 'SQS message m-bad is not an S3 event notification: the body is not JSON'],
    ['[1,2]', 'SQS message m-bad is not an S3 event notification: the body is not a JSON object'],
    ['{"hello":"world"}', 'no Records array, EventBridge S3 event, or s3:TestEvent'],
    [snsEnvelope('oops'), 'the SNS Message is not JSON'],
    [directBody({ eventVersion: '3.0' }), 'Records[0].eventVersion 3.0 is not a supported 2.x version'],
    [
      directBody({ eventVersion: '2.1', eventName: 'ObjectCreated:Put' }),
      'Records[0].s3 lacks bucket or object',
    ],
    [directBody(s3Record('bad%ZZkey')), 'Records[0].s3.object.key "bad%ZZkey" is not valid URL encoding'],
  ])('refuses the malformed body %s with a message naming what is wrong', (body, message) => {
    let caught: unknown;
    try {
      parseQueueMessage(body, 'm-bad');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedMessageError);
    expect((caught as MalformedMessageError).message).toContain(message);
    expect((caught as MalformedMessageError).messageId).toBe('m-bad');
  });
});

describe('ordering sequencers', () => {
  it.each([
    ['0055AED6DCD90281E5', '0055AED6DCD90281E6', -1],
    ['0055AED6DCD90281E6', '0055AED6DCD90281E5', 1],
    ['FF', '0100', -1],
    ['0a', '0A', 0],
  ])('compares %s with %s as %i', (a, b, expected) => {
    expect(Math.sign(compareSequencers(a, b))).toBe(expected);
  });
});
