/**
 * Contract tests for S3 event notifications: the exact record AWS sends for each event type, the
 * configuration rules (validation against the destination, overlaps, filters), and the test event.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../../../sandbox/core/types.js';
import { createS3Service } from '../../../../sandbox/s3/s3-service.js';
import { bodyText, type FakeS3Context, fakeContext, OWNER, s3Request } from './fake-s3-context.js';

const QUEUE = 'arn:aws:sqs:us-east-1:222222222222:events';
const TOPIC = 'arn:aws:sns:us-east-1:222222222222:events';

function notificationXml(configs: string): string {
  return `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${configs}</NotificationConfiguration>`;
}

function queueConfig(
  id: string,
  events: string[],
  filter: { prefix?: string; suffix?: string } = {},
  arn = QUEUE,
): string {
  const rules = Object.entries(filter)
    .map(([name, value]) => `<FilterRule><Name>${name}</Name><Value>${value}</Value></FilterRule>`)
    .join('');
  return `<QueueConfiguration><Id>${id}</Id><Queue>${arn}</Queue>${events.map((e) => `<Event>${e}</Event>`).join('')}${
    rules ? `<Filter><S3Key>${rules}</S3Key></Filter>` : ''
  }</QueueConfiguration>`;
}

let ctx: FakeS3Context;
let s3: Service;

async function send(method: string, path: string, options: Parameters<typeof s3Request>[2] = {}) {
  const response = await s3.handle(s3Request(method, path, options));
  return { ...response, text: await bodyText(response.body) };
}

beforeEach(async () => {
  ctx = fakeContext();
  s3 = createS3Service(ctx);
  expect((await send('PUT', '/photos')).status).toBe(200);
});

describe('notification configuration', () => {
  it('is stored, read back, and answered with s3:TestEvent to each destination', async () => {
    const xml = notificationXml(
      queueConfig('to-queue', ['s3:ObjectCreated:*'], { prefix: 'images/', suffix: '.jpg' }) +
        `<TopicConfiguration><Id>to-topic</Id><Topic>${TOPIC}</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>`,
    );
    const put = await send('PUT', '/photos?notification', { body: xml });
    expect(put.status).toBe(200);
    expect(ctx.deliveries.map((d) => [d.kind, d.arn, d.subject])).toEqual([
      ['queue', QUEUE, undefined],
      ['topic', TOPIC, 'Amazon S3 Notification'],
    ]);
    const testEvent = JSON.parse(ctx.deliveries[0]!.body);
    expect(testEvent).toEqual({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-11-23T12:00:00.123Z',
      Bucket: 'photos',
      RequestId: expect.stringMatching(/^REQ/),
      HostId: expect.any(String),
    });
    const got = await send('GET', '/photos?notification');
    expect(got.text).toContain(
      `<QueueConfiguration><Id>to-queue</Id><Queue>${QUEUE}</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>images/</Value></FilterRule><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></QueueConfiguration>`,
    );
    expect(got.text).toContain(
      `<TopicConfiguration><Id>to-topic</Id><Topic>${TOPIC}</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>`,
    );
  });

  it('a destination whose policy refuses the bucket is InvalidArgument naming it, and nothing is stored', async () => {
    ctx.refusingDestinations.add(QUEUE);
    const put = await send('PUT', '/photos?notification', {
      body: notificationXml(queueConfig('q', ['s3:ObjectCreated:*'])),
    });
    expect(put.status).toBe(400);
    expect(put.text).toContain('<Code>InvalidArgument</Code>');
    expect(put.text).toContain(
      '<Message>Unable to validate the following destination configurations</Message>',
    );
    expect(put.text).toContain(`<ArgumentName>${QUEUE}</ArgumentName>`);
    expect(put.text).toContain(
      '<ArgumentValue>Permissions on the destination queue do not allow S3 to publish notifications from this bucket</ArgumentValue>',
    );
    expect(ctx.deliveries).toEqual([]);
    expect((await send('GET', '/photos?notification')).text).not.toContain('QueueConfiguration');
  });

  it.each([
    ['the same event twice', ['s3:ObjectCreated:*'], {}, ['s3:ObjectCreated:Put'], {}],
    [
      'nested prefixes',
      ['s3:ObjectCreated:Put'],
      { prefix: 'a/' },
      ['s3:ObjectCreated:Put'],
      { prefix: 'a/b/' },
    ],
    [
      'nested suffixes',
      ['s3:ObjectRemoved:*'],
      { suffix: '.jpg' },
      ['s3:ObjectRemoved:Delete'],
      { suffix: 'x.jpg' },
    ],
  ])('overlapping rules (%s) are refused', async (_name, eventsA, filterA, eventsB, filterB) => {
    const xml = notificationXml(
      queueConfig('a', eventsA, filterA) + queueConfig('b', eventsB, filterB, `${QUEUE}-2`),
    );
    const put = await send('PUT', '/photos?notification', { body: xml });
    expect(put.status).toBe(400);
    expect(put.text).toContain(
      '<Message>Configurations overlap. Configurations on the same bucket cannot share a common event type.</Message>',
    );
  });

  it.each([
    ['different prefixes', { prefix: 'a/' }, { prefix: 'b/' }],
    ['different suffixes', { suffix: '.jpg' }, { suffix: '.png' }],
  ])('rules with %s for one event type may coexist', async (_name, filterA, filterB) => {
    const xml = notificationXml(
      queueConfig('a', ['s3:ObjectCreated:*'], filterA) +
        queueConfig('b', ['s3:ObjectCreated:*'], filterB, `${QUEUE}-2`),
    );
    expect((await send('PUT', '/photos?notification', { body: xml })).status).toBe(200);
  });

  it.each([
    [
      'an unknown event',
      queueConfig('a', ['s3:ObjectCreated:Teleport']),
      'The event is not supported for notifications',
    ],
    [
      'an unknown filter rule',
      queueConfig('a', ['s3:ObjectCreated:*'], { middle: 'x' } as never),
      'filter rule name must be either prefix or suffix',
    ],
  ])('%s is InvalidArgument', async (_name, config, message) => {
    const put = await send('PUT', '/photos?notification', { body: notificationXml(config) });
    expect(put.status).toBe(400);
    expect(put.text).toContain(`<Message>${message}</Message>`);
  });
});

describe('event records', () => {
  beforeEach(async () => {
    const xml = notificationXml(queueConfig('all', ['s3:ObjectCreated:*', 's3:ObjectRemoved:*']));
    expect((await send('PUT', '/photos?notification', { body: xml })).status).toBe(200);
    ctx.deliveries.length = 0;
  });

  it('PutObject sends ObjectCreated:Put in AWS’s exact record format with the key URL-encoded', async () => {
    const key = 'holiday photos/été+1.jpg';
    const put = await send('PUT', `/photos/${encodeURIComponent(key).replace(/%2F/g, '/')}`, {
      body: 'jpeg-bytes',
    });
    expect(put.status).toBe(200);
    expect(ctx.deliveries).toHaveLength(1);
    const delivery = ctx.deliveries[0]!;
    expect(delivery).toMatchObject({
      kind: 'queue',
      arn: QUEUE,
      sourceArn: 'arn:aws:s3:::photos',
      sourceAccount: OWNER.accountId,
    });
    const document = JSON.parse(delivery.body);
    expect(Object.keys(document)).toEqual(['Records']);
    const record = document.Records[0];
    expect(record).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-23T12:00:00.123Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: `AWS:${OWNER.accountId}` },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': expect.stringMatching(/^REQ/),
        'x-amz-id-2': expect.any(String),
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'all',
        bucket: {
          name: 'photos',
          ownerIdentity: { principalId: expect.stringMatching(/^A[0-9A-F]{13}$/) },
          arn: 'arn:aws:s3:::photos',
        },
        object: {
          key: 'holiday+photos/%C3%A9t%C3%A9%2B1.jpg',
          size: 10,
          eTag: createHash('md5').update('jpeg-bytes').digest('hex'),
          sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
        },
      },
    });
    expect(record.responseElements['x-amz-request-id']).toBe(put.headers?.['x-amz-request-id']);
    expect(Object.keys(record.s3.object)).toEqual(['key', 'size', 'eTag', 'sequencer']);
  });

  it('CopyObject, DeleteObject and DeleteObjects send ObjectCreated:Copy and ObjectRemoved:Delete without size or eTag', async () => {
    await send('PUT', '/photos/a', { body: 'x' });
    await send('PUT', '/photos/b', { headers: { 'x-amz-copy-source': '/photos/a' } });
    await send('DELETE', '/photos/a');
    await send('POST', '/photos?delete', { body: '<Delete><Object><Key>b</Key></Object></Delete>' });
    const records = ctx.deliveries.map((d) => JSON.parse(d.body).Records[0]);
    expect(records.map((r) => [r.eventName, r.s3.object.key])).toEqual([
      ['ObjectCreated:Put', 'a'],
      ['ObjectCreated:Copy', 'b'],
      ['ObjectRemoved:Delete', 'a'],
      ['ObjectRemoved:Delete', 'b'],
    ]);
    expect(Object.keys(records[2].s3.object)).toEqual(['key', 'sequencer']);
    const sequencers = records.map((r) => r.s3.object.sequencer);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(4);
  });

  it('CompleteMultipartUpload sends ObjectCreated:CompleteMultipartUpload with the multipart ETag', async () => {
    const created = await send('POST', '/photos/big?uploads');
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)![1]!;
    const part = await send('PUT', `/photos/big?partNumber=1&uploadId=${uploadId}`, { body: 'only part' });
    const etag = String(part.headers?.etag);
    await send('POST', `/photos/big?uploadId=${uploadId}`, {
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    const record = JSON.parse(ctx.deliveries.at(-1)!.body).Records[0];
    expect(record.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(record.s3.object.eTag).toMatch(/^[0-9a-f]{32}-1$/);
    expect(record.s3.object.size).toBe(9);
  });

  it('an assumed-role caller appears as AWS:<role ID>:<session name> in userIdentity', async () => {
    const role = {
      accountId: OWNER.accountId,
      arn: `arn:aws:sts::${OWNER.accountId}:assumed-role/uploader/worker-1`,
      kind: 'assumed-role' as const,
      accessKeyId: 'ASIAEXAMPLE',
      roleArn: `arn:aws:iam::${OWNER.accountId}:role/uploader`,
      roleName: 'uploader',
      sessionName: 'worker-1',
    };
    await send('PUT', '/photos/by-role', { body: 'x', caller: role });
    const record = JSON.parse(ctx.deliveries[0]!.body).Records[0];
    expect(record.userIdentity.principalId).toMatch(/^AWS:AROA[0-9A-F]{17}:worker-1$/);
  });

  it('a failed write sends no event', async () => {
    const failed = await send('PUT', '/photos/k', {
      body: 'x',
      headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' },
    });
    expect(failed.status).toBe(400);
    expect(ctx.deliveries).toEqual([]);
  });

  it('only rules whose event type and key filter match are notified', async () => {
    const xml = notificationXml(
      queueConfig('jpg', ['s3:ObjectCreated:Put'], { prefix: 'in/', suffix: '.jpg' }) +
        queueConfig('gone', ['s3:ObjectRemoved:*'], {}, `${QUEUE}-2`),
    );
    await send('PUT', '/photos?notification', { body: xml });
    ctx.deliveries.length = 0;
    for (const key of ['in/a.jpg', 'in/a.png', 'out/a.jpg'])
      await send('PUT', `/photos/${key}`, { body: 'x' });
    await send('DELETE', '/photos/out/a.jpg');
    expect(ctx.deliveries.map((d) => [d.arn, JSON.parse(d.body).Records[0].s3.object.key])).toEqual([
      [QUEUE, 'in/a.jpg'],
      [`${QUEUE}-2`, 'out/a.jpg'],
    ]);
  });
});
