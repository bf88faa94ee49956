import { beforeEach, describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import type { ServiceResponse } from '../../../../sandbox/core/types.js';
import { createSqsService, type SqsService } from '../../../../sandbox/sqs/sqs-service.js';
import { CUSTOMER, FakeClock, fakeContext, jsonRequest, queryRequest, rootCaller, VENDOR } from './fakes.js';

let sqs: SqsService;
const vendor = rootCaller(VENDOR);
const customer = rootCaller(CUSTOMER);

beforeEach(() => {
  const clock = new FakeClock();
  sqs = createSqsService(fakeContext(clock), { clock });
});

async function json(caller: CallerIdentity, action: string, input: object) {
  const res = await sqs.handle(jsonRequest(caller, action, input));
  return {
    status: res.status,
    headers: res.headers ?? {},
    // biome-ignore lint/suspicious/noExplicitAny: the assertions check the JSON answer's shape
    body: JSON.parse(String(res.body)) as Record<string, any>,
  };
}

async function query(caller: CallerIdentity, params: Record<string, string>, path = '/') {
  const res: ServiceResponse = await sqs.handle(queryRequest('sqs', caller, params, path));
  return { status: res.status, body: String(res.body) };
}

async function createQueue(
  name: string,
  attributes: Record<string, string> = {},
  caller = vendor,
): Promise<string> {
  const res = await json(caller, 'CreateQueue', { QueueName: name, Attributes: attributes });
  expect(res.status).toBe(200);
  return res.body.QueueUrl as string;
}

describe('CreateQueue', () => {
  it('returns the same URL for a repeated create with the same attributes', async () => {
    const url = await createQueue('idem', { VisibilityTimeout: '60' });
    expect(url).toBe(`http://127.0.0.1:4566/${VENDOR}/idem`);
    expect(await createQueue('idem', { VisibilityTimeout: '60' })).toBe(url);
    expect(await createQueue('idem')).toBe(url);
  });

  it('refuses a repeated create with a different attribute value, naming the attribute', async () => {
    await createQueue('differs', { VisibilityTimeout: '60' });
    const res = await json(vendor, 'CreateQueue', {
      QueueName: 'differs',
      Attributes: { VisibilityTimeout: '61' },
    });
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-query-error']).toBe('QueueAlreadyExists;Sender');
    expect(res.body).toEqual({
      __type: 'com.amazonaws.sqs#QueueNameExists',
      message:
        'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
    });
  });

  it.each([
    [
      { VisibilityTimeout: '43201' },
      'InvalidAttributeValue',
      'Invalid value for the parameter VisibilityTimeout.',
    ],
    [
      { MessageRetentionPeriod: '59' },
      'InvalidAttributeValue',
      'Invalid value for the parameter MessageRetentionPeriod.',
    ],
    [{ Colour: 'blue' }, 'InvalidAttributeName', 'Unknown Attribute Colour.'],
    [
      {
        RedrivePolicy:
          '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:nope","maxReceiveCount":3}',
      },
      'InvalidParameterValue',
      'Value {"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:nope","maxReceiveCount":3} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.',
    ],
  ])('refuses attributes %j with %s', async (attributes, code, message) => {
    const res = await json(vendor, 'CreateQueue', { QueueName: 'bad-attrs', Attributes: attributes });
    expect(res.body).toEqual({ __type: `com.amazonaws.sqs#${code}`, message });
  });

  it('refuses FIFO queues with a message saying the sandbox only has standard queues', async () => {
    const res = await json(vendor, 'CreateQueue', { QueueName: 'jobs.fifo' });
    expect(res.body.message).toContain('FIFO queues are not supported by the bucketbridge sandbox');
  });
});

describe('GetQueueUrl and ListQueues', () => {
  it('finds a queue of another account by QueueOwnerAWSAccountId when its policy allows it', async () => {
    await createQueue(
      'shared',
      {
        Policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 'sqs:*', Resource: '*' }],
        }),
      },
      customer,
    );
    const res = await json(vendor, 'GetQueueUrl', { QueueName: 'shared', QueueOwnerAWSAccountId: CUSTOMER });
    expect(res.body.QueueUrl).toBe(`http://127.0.0.1:4566/${CUSTOMER}/shared`);
  });

  it('answers QueueDoesNotExist with the query error code header for unknown queues', async () => {
    const res = await json(vendor, 'GetQueueUrl', { QueueName: 'missing' });
    expect(res.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(res.body).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });

  it("lists only the caller's queues under the prefix", async () => {
    await createQueue('list-a');
    await createQueue('list-b');
    await createQueue('other');
    await createQueue('list-c', {}, customer);
    const res = await json(vendor, 'ListQueues', { QueueNamePrefix: 'list-' });
    expect(res.body.QueueUrls).toEqual([
      `http://127.0.0.1:4566/${VENDOR}/list-a`,
      `http://127.0.0.1:4566/${VENDOR}/list-b`,
    ]);
  });
});

describe('sending and receiving over JSON', () => {
  it('returns the digests of body and attributes and delivers both', async () => {
    const url = await createQueue('send-json');
    const sent = await json(vendor, 'SendMessage', {
      QueueUrl: url,
      MessageBody: 'hello',
      MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' } },
    });
    expect(sent.body).toMatchObject({
      MD5OfMessageBody: '5d41402abc4b2a76b9719d911017c592',
      MD5OfMessageAttributes: 'da1b33cc3cbfe8b1630921e78e6b9880',
    });
    const got = await json(vendor, 'ReceiveMessage', {
      QueueUrl: url,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SenderId'],
    });
    expect(got.body.Messages).toEqual([
      {
        MessageId: sent.body.MessageId,
        ReceiptHandle: expect.any(String),
        MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
        Body: 'hello',
        Attributes: { SenderId: VENDOR, ApproximateReceiveCount: '1' },
        MD5OfMessageAttributes: 'da1b33cc3cbfe8b1630921e78e6b9880',
        MessageAttributes: { color: { StringValue: 'blue', DataType: 'String' } },
      },
    ]);
  });

  it('refuses a message over 256 KiB', async () => {
    const url = await createQueue('too-big');
    const res = await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(262_145) });
    expect(res.body).toEqual({
      __type: 'com.amazonaws.sqs#InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
    });
  });

  it('accepts a message of exactly 256 KiB', async () => {
    const url = await createQueue('just-fits');
    const res = await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(262_144) });
    expect(res.status).toBe(200);
  });

  it('accepts up to 1 MiB once MaximumMessageSize is raised, and no more', async () => {
    const url = await createQueue('one-mib', { MaximumMessageSize: '1048576' });
    expect(
      (await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(1_048_576) })).status,
    ).toBe(200);
    const res = await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(1_048_577) });
    expect(res.body.message).toBe(
      'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
    );
    const tooLarge = await json(vendor, 'CreateQueue', {
      QueueName: 'two-mib',
      Attributes: { MaximumMessageSize: '1048577' },
    });
    expect(tooLarge.body.message).toBe('Invalid value for the parameter MaximumMessageSize.');
  });

  it('refuses a batch whose messages together exceed 256 KiB', async () => {
    const url = await createQueue('batch-big');
    const res = await json(vendor, 'SendMessageBatch', {
      QueueUrl: url,
      Entries: [
        { Id: 'a', MessageBody: 'x'.repeat(200_000) },
        { Id: 'b', MessageBody: 'x'.repeat(100_000) },
      ],
    });
    expect(res.body.__type).toBe('com.amazonaws.sqs#BatchRequestTooLong');
    expect(res.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.BatchRequestTooLong;Sender');
  });

  it('reports a bad entry of a batch as failed and sends the others', async () => {
    const url = await createQueue('batch-partial');
    const res = await json(vendor, 'SendMessageBatch', {
      QueueUrl: url,
      Entries: [
        { Id: 'ok', MessageBody: 'fine' },
        { Id: 'bad', MessageBody: 'late', DelaySeconds: 901 },
      ],
    });
    expect(res.body.Successful.map((s: { Id: string }) => s.Id)).toEqual(['ok']);
    expect(res.body.Failed).toEqual([
      {
        Id: 'bad',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message:
          'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
      },
    ]);
  });

  it.each([
    [
      [],
      'AWS.SimpleQueueService.EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    ],
    [
      [
        { Id: 'a', MessageBody: '1' },
        { Id: 'a', MessageBody: '2' },
      ],
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      'Id a repeated.',
    ],
    [
      Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })),
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      'Maximum number of entries per request are 10. You have sent 11.',
    ],
  ])('refuses a malformed batch (%#) with %s', async (entries, code, message) => {
    const url = await createQueue('batch-malformed');
    const res = await json(vendor, 'SendMessageBatch', { QueueUrl: url, Entries: entries });
    expect(res.headers['x-amzn-query-error']).toBe(`${code};Sender`);
    expect(res.body.message).toBe(message);
  });

  it.each([
    [
      'MaxNumberOfMessages',
      11,
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    ],
    [
      'WaitTimeSeconds',
      21,
      'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    ],
  ])('refuses a receive with %s %d', async (name, value, message) => {
    const url = await createQueue('recv-bad');
    const res = await json(vendor, 'ReceiveMessage', { QueueUrl: url, [name]: value });
    expect(res.body).toEqual({ __type: 'com.amazonaws.sqs#InvalidParameterValue', message });
  });

  it('refuses a garbage receipt handle with ReceiptHandleIsInvalid', async () => {
    const url = await createQueue('garbage');
    const res = await json(vendor, 'DeleteMessage', { QueueUrl: url, ReceiptHandle: 'not-a-handle' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      __type: 'com.amazonaws.sqs#ReceiptHandleIsInvalid',
      message: 'The input receipt handle "not-a-handle" is not a valid receipt handle.',
    });
  });

  it('allows one purge per minute', async () => {
    const url = await createQueue('purge-twice');
    expect((await json(vendor, 'PurgeQueue', { QueueUrl: url })).status).toBe(200);
    const again = await json(vendor, 'PurgeQueue', { QueueUrl: url });
    expect(again.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.PurgeQueueInProgress;Sender');
    expect(again.body.message).toBe(
      'Only one PurgeQueue operation on purge-twice is allowed every 60 seconds.',
    );
  });

  it('reports the Approximate counts and the queue ARN', async () => {
    const url = await createQueue('counts');
    await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'a' });
    await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'b' });
    await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'c', DelaySeconds: 60 });
    await json(vendor, 'ReceiveMessage', { QueueUrl: url });
    const res = await json(vendor, 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
    expect(res.body.Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:${VENDOR}:counts`,
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '30',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
    });
  });
});

describe('the query protocol', () => {
  it('creates, sends with attributes, and receives in XML', async () => {
    const created = await query(vendor, {
      Action: 'CreateQueue',
      QueueName: 'q-xml',
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '45',
    });
    expect(created.body).toContain(
      `<CreateQueueResult><QueueUrl>http://127.0.0.1:4566/${VENDOR}/q-xml</QueueUrl></CreateQueueResult>`,
    );
    const url = `http://127.0.0.1:4566/${VENDOR}/q-xml`;
    const sent = await query(vendor, {
      Action: 'SendMessage',
      QueueUrl: url,
      MessageBody: 'a <b> & c',
      'MessageAttribute.1.Name': 'color',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'blue',
    });
    expect(sent.body).toContain(
      '<MD5OfMessageAttributes>da1b33cc3cbfe8b1630921e78e6b9880</MD5OfMessageAttributes>',
    );
    const got = await query(vendor, {
      Action: 'ReceiveMessage',
      QueueUrl: url,
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'All',
    });
    expect(got.body).toContain('<Body>a &lt;b&gt; &amp; c</Body>');
    expect(got.body).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>');
    expect(got.body).toContain(
      '<MessageAttribute><Name>color</Name><Value><StringValue>blue</StringValue><DataType>String</DataType></Value></MessageAttribute>',
    );
    const attrs = await query(vendor, {
      Action: 'GetQueueAttributes',
      QueueUrl: url,
      'AttributeName.1': 'VisibilityTimeout',
    });
    expect(attrs.body).toContain(
      '<GetQueueAttributesResult><Attribute><Name>VisibilityTimeout</Name><Value>45</Value></Attribute></GetQueueAttributesResult>',
    );
  });

  it('accepts requests posted to the queue URL without a QueueUrl parameter', async () => {
    await createQueue('by-path');
    const res = await query(vendor, { Action: 'SendMessage', MessageBody: 'x' }, `/${VENDOR}/by-path`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<MessageId>');
  });

  it('renders batch results and errors with the classic codes', async () => {
    const url = await createQueue('q-batch');
    const res = await query(vendor, {
      Action: 'SendMessageBatch',
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'one',
      'SendMessageBatchRequestEntry.1.MessageBody': 'body one',
      'SendMessageBatchRequestEntry.2.Id': 'two',
      'SendMessageBatchRequestEntry.2.MessageBody': 'body two',
      'SendMessageBatchRequestEntry.2.DelaySeconds': '1000',
    });
    expect(res.body).toMatch(
      /<SendMessageBatchResultEntry><Id>one<\/Id><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MessageId>/,
    );
    expect(res.body).toContain(
      '<BatchResultErrorEntry><Id>two</Id><SenderFault>true</SenderFault><Code>InvalidParameterValue</Code>',
    );
    const missing = await query(vendor, { Action: 'GetQueueUrl', QueueName: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain(
      '<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message></Error>',
    );
  });
});

describe('queue policies', () => {
  it("refuses another account's send when the queue has no policy, in AWS's words", async () => {
    const url = await createQueue('private', {}, customer);
    const res = await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'x' });
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-query-error']).toBe('AccessDenied;Sender');
    expect(res.body).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      message: `User: arn:aws:iam::${VENDOR}:root is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:${CUSTOMER}:private because no resource-based policy allows the sqs:SendMessage action`,
    });
  });

  it('lets a service deliver only when the policy names it with a matching aws:SourceArn', async () => {
    const topicArn = `arn:aws:sns:us-east-1:${VENDOR}:events`;
    await createQueue('svc', {
      Policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: `arn:aws:sqs:us-east-1:${VENDOR}:svc`,
            Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
          },
        ],
      }),
    });
    const queueArn = `arn:aws:sqs:us-east-1:${VENDOR}:svc`;
    const base = { queueArn, sourceService: 'sns.amazonaws.com' as const, sourceAccount: VENDOR };
    expect(sqs.canDeliverFrom({ ...base, sourceArn: topicArn })).toBe(true);
    expect(sqs.canDeliverFrom({ ...base, sourceArn: `${topicArn}-other` })).toBe(false);
    expect(sqs.canDeliverFrom({ ...base, sourceService: 's3.amazonaws.com', sourceArn: topicArn })).toBe(
      false,
    );
    expect(() => sqs.sendAsService({ ...base, sourceArn: `${topicArn}-other`, body: 'x' })).toThrow(
      'User: sns.amazonaws.com is not authorized to perform: sqs:SendMessage',
    );
    sqs.sendAsService({ ...base, sourceArn: topicArn, body: 'delivered' });
    const got = await json(vendor, 'ReceiveMessage', {
      QueueUrl: `http://127.0.0.1:4566/${VENDOR}/svc`,
      AttributeNames: ['SenderId'],
    });
    expect(got.body.Messages[0]).toMatchObject({
      Body: 'delivered',
      Attributes: { SenderId: 'AIDAIT2UOQQY3AUEKVGXU' },
    });
  });
});

describe('state persistence', () => {
  it('restores queues, attributes and messages from a snapshot', async () => {
    const url = await createQueue('persist', { VisibilityTimeout: '90' });
    await json(vendor, 'SendMessage', {
      QueueUrl: url,
      MessageBody: 'kept',
      MessageAttributes: { b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2]).toString('base64') } },
    });
    const saved = JSON.parse(JSON.stringify(sqs.snapshot!()));
    const clock = new FakeClock();
    const restored = createSqsService(fakeContext(clock), { clock });
    restored.restore!(saved);
    sqs = restored;
    const got = await json(vendor, 'ReceiveMessage', { QueueUrl: url, MessageAttributeNames: ['All'] });
    expect(got.body.Messages[0]).toMatchObject({
      Body: 'kept',
      MessageAttributes: { b: { BinaryValue: 'AQI=', DataType: 'Binary' } },
    });
    const attrs = await json(vendor, 'GetQueueAttributes', {
      QueueUrl: url,
      AttributeNames: ['VisibilityTimeout'],
    });
    expect(attrs.body.Attributes).toEqual({ VisibilityTimeout: '90' });
  });
});

describe('AddPermission and RemovePermission', () => {
  it('grants another account the listed actions through the queue policy, and takes them back', async () => {
    const url = await createQueue('perm', {}, customer);
    const added = await query(customer, {
      Action: 'AddPermission',
      QueueUrl: url,
      Label: 'vendor-send',
      'AWSAccountId.1': VENDOR,
      'ActionName.1': 'SendMessage',
    });
    expect(added.status).toBe(200);
    expect((await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'ok' })).status).toBe(200);
    expect((await json(vendor, 'ReceiveMessage', { QueueUrl: url })).status).toBe(403);
    const again = await json(customer, 'AddPermission', {
      QueueUrl: url,
      Label: 'vendor-send',
      AWSAccountIds: [VENDOR],
      Actions: ['SendMessage'],
    });
    expect(again.body.message).toBe(
      'Value vendor-send for parameter Label is invalid. Reason: Already exists.',
    );
    await json(customer, 'RemovePermission', { QueueUrl: url, Label: 'vendor-send' });
    expect((await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'no' })).status).toBe(403);
    const attrs = await json(customer, 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['Policy'] });
    expect(attrs.body).toEqual({});
    const missing = await json(customer, 'RemovePermission', { QueueUrl: url, Label: 'vendor-send' });
    expect(missing.body.message).toBe(
      "Value vendor-send for parameter Label is invalid. Reason: can't find label.",
    );
  });
});

describe('ChangeMessageVisibilityBatch', () => {
  it('changes the entries it can and reports the others with their classic codes', async () => {
    const url = await createQueue('vis-batch');
    await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'in flight' });
    await json(vendor, 'SendMessage', { QueueUrl: url, MessageBody: 'released' });
    const got = await json(vendor, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 2 });
    const [a, b] = got.body.Messages as Array<{ ReceiptHandle: string }>;
    await json(vendor, 'ChangeMessageVisibility', {
      QueueUrl: url,
      ReceiptHandle: b!.ReceiptHandle,
      VisibilityTimeout: 0,
    });
    const res = await json(vendor, 'ChangeMessageVisibilityBatch', {
      QueueUrl: url,
      Entries: [
        { Id: 'a', ReceiptHandle: a!.ReceiptHandle, VisibilityTimeout: 120 },
        { Id: 'b', ReceiptHandle: b!.ReceiptHandle, VisibilityTimeout: 120 },
        { Id: 'c', ReceiptHandle: 'junk', VisibilityTimeout: 120 },
      ],
    });
    expect(res.body.Successful).toEqual([{ Id: 'a' }]);
    expect(res.body.Failed.map((f: { Id: string; Code: string }) => [f.Id, f.Code])).toEqual([
      ['b', 'AWS.SimpleQueueService.MessageNotInflight'],
      ['c', 'ReceiptHandleIsInvalid'],
    ]);
  });
});
