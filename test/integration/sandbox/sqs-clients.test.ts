/**
 * The sandbox's SQS driven by independent clients over both wire protocols: boto3 and the AWS
 * CLI v1 (JSON 1.0), the AWS CLI v2 on this machine (query: it predates SQS's JSON switch) and
 * hand-signed query requests.
 */
import { request } from 'node:http';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { Signer } from '../../helpers/sandbox.js';
import { sandboxQueues } from '../../helpers/sandbox-clients.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { type ProcessResult, runProcess } from '../../helpers/witnesses.js';
import { uniqueQueueName } from './sqs-sns-conformance.js';

const sandbox = useTestSandbox();

const { client, createQueue, queueArn } = sandboxQueues(sandbox);

/** The AWS CLI v1 (`aws` on the PATH) or the v2 installed on this machine. */
type Cli = 'aws' | '/usr/bin/aws';

/** An AWS CLI call as the vendor; `--debug` output stays on stderr for protocol checks. */
async function aws(cli: Cli, args: string[], debug = false): Promise<ProcessResult> {
  const all = [
    '--endpoint-url',
    sandbox.endpoint,
    '--output',
    'json',
    ...(debug ? ['--debug'] : []),
    'sqs',
    ...args,
  ];
  const result = await runProcess(cli, all, { env: sandbox.env('vendor') });
  if (result.exitCode !== 0 && !debug)
    throw new Error(`${cli} ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return result;
}

/** Runs an AWS CLI `sqs` command that must succeed and returns what it printed, parsed as JSON. */
async function awsJson(cli: Cli, args: string[]) {
  return JSON.parse((await aws(cli, args)).stdout);
}

/** `receive-message` on `url`, asking for every system and message attribute. */
const receiveAll = (cli: Cli, url: string) =>
  awsJson(cli, [
    'receive-message',
    '--queue-url',
    url,
    '--attribute-names',
    'All',
    '--message-attribute-names',
    'All',
  ]);

/** `delete-message` of `receiptHandle`, then the queue's `attributeNames` (`get-queue-attributes`). */
async function deleteThenAttributes(cli: Cli, url: string, receiptHandle: string, attributeNames: string) {
  await aws(cli, ['delete-message', '--queue-url', url, '--receipt-handle', receiptHandle]);
  const attrs = await awsJson(cli, [
    'get-queue-attributes',
    '--queue-url',
    url,
    '--attribute-names',
    attributeNames,
  ]);
  return attrs.Attributes;
}

/** A query-protocol request signed with @smithy/signature-v4, as older SQS clients send it. */
async function signedQuery(
  params: Record<string, string>,
  signer: Signer = 'vendor',
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
  const url = new URL(sandbox.endpoint);
  const v4 = new SignatureV4({
    service: 'sqs',
    region: sandbox.region,
    credentials: sandbox.sdkConfig(signer).credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await v4.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function xmlAll(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) =>
    m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

describe('boto3 (JSON 1.0)', () => {
  it('sends with attributes, receives, extends visibility and deletes; errors carry the classic code', async () => {
    const url = await createQueue(uniqueQueueName('boto3'));
    const script = `
import boto3, json, os, botocore
sqs = boto3.client('sqs', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
url = os.environ['QUEUE_URL']
sent = sqs.send_message(QueueUrl=url, MessageBody='from boto3', MessageAttributes={'k': {'DataType': 'String', 'StringValue': 'v'}})
got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=['All'], AttributeNames=['All'], WaitTimeSeconds=2)['Messages'][0]
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got['ReceiptHandle'], VisibilityTimeout=120)
sqs.delete_message(QueueUrl=url, ReceiptHandle=got['ReceiptHandle'])
left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'])['Attributes']
try:
    sqs.get_queue_url(QueueName='no-such-queue-' + os.urandom(4).hex())
    code = None
except botocore.exceptions.ClientError as e:
    code = e.response['Error']['Code']
print(json.dumps({'sentMd5': sent['MD5OfMessageAttributes'], 'got': got, 'left': left, 'code': code}))
`;
    const result = await runProcess('python3', ['-c', script], {
      env: { ...sandbox.env('vendor'), QUEUE_URL: url },
    });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out.got.Body).toBe('from boto3');
    expect(out.got.MessageAttributes).toEqual({ k: { StringValue: 'v', DataType: 'String' } });
    expect(out.got.MD5OfMessageAttributes).toBe(out.sentMd5);
    expect(out.got.Attributes.ApproximateReceiveCount).toBe('1');
    expect(out.left).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    expect(out.code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });
});

describe('the AWS CLI v1 (JSON 1.0)', () => {
  // Each CLI start costs seconds on a loaded machine; the bound covers a dozen of them.
  it('speaks JSON 1.0 and sends, receives and deletes', { timeout: 180_000 }, async () => {
    const name = uniqueQueueName('cli-v1');
    const created = await aws('aws', ['create-queue', '--queue-name', name], true);
    expect(created.exitCode).toBe(0);
    expect(created.stderr).toContain("'X-Amz-Target': 'AmazonSQS.CreateQueue'");
    const url = JSON.parse(created.stdout).QueueUrl as string;
    await aws('aws', [
      'send-message',
      '--queue-url',
      url,
      '--message-body',
      'from cli v1',
      '--message-attributes',
      '{"k":{"DataType":"Number","StringValue":"7"}}',
    ]);
    const got = await receiveAll('aws', url);
    expect(got.Messages[0].Body).toBe('from cli v1');
    expect(got.Messages[0].MessageAttributes).toEqual({ k: { StringValue: '7', DataType: 'Number' } });
    const attrs = await deleteThenAttributes(
      'aws',
      url,
      got.Messages[0].ReceiptHandle,
      'ApproximateNumberOfMessagesNotVisible',
    );
    expect(attrs).toEqual({ ApproximateNumberOfMessagesNotVisible: '0' });
  });
});

describe('the AWS CLI v2 on this machine (query protocol)', () => {
  // Each CLI start costs seconds on a loaded machine; the bound covers a dozen of them.
  it('speaks the query protocol and sends, receives, changes visibility and deletes', {
    timeout: 180_000,
  }, async () => {
    const name = uniqueQueueName('cli-v2');
    const created = await aws(
      '/usr/bin/aws',
      ['create-queue', '--queue-name', name, '--attributes', 'VisibilityTimeout=45'],
      true,
    );
    expect(created.exitCode).toBe(0);
    expect(created.stderr).toContain("'Action': 'CreateQueue'");
    const url = JSON.parse(created.stdout).QueueUrl as string;
    const sent = await awsJson('/usr/bin/aws', [
      'send-message',
      '--queue-url',
      url,
      '--message-body',
      'from cli v2 <&>',
      '--message-attributes',
      '{"color":{"DataType":"String","StringValue":"blue"}}',
    ]);
    expect(sent.MD5OfMessageAttributes).toBe('da1b33cc3cbfe8b1630921e78e6b9880');
    const got = await receiveAll('/usr/bin/aws', url);
    const m = got.Messages[0];
    expect(m.Body).toBe('from cli v2 <&>');
    expect(m.MessageAttributes).toEqual({ color: { StringValue: 'blue', DataType: 'String' } });
    expect(m.Attributes.ApproximateReceiveCount).toBe('1');
    await aws('/usr/bin/aws', [
      'change-message-visibility',
      '--queue-url',
      url,
      '--receipt-handle',
      m.ReceiptHandle,
      '--visibility-timeout',
      '0',
    ]);
    const again = await awsJson('/usr/bin/aws', [
      'receive-message',
      '--queue-url',
      url,
      '--attribute-names',
      'ApproximateReceiveCount',
    ]);
    expect(again.Messages[0].Attributes.ApproximateReceiveCount).toBe('2');
    const attrs = await deleteThenAttributes('/usr/bin/aws', url, again.Messages[0].ReceiptHandle, 'All');
    expect(attrs).toMatchObject({
      VisibilityTimeout: '45',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  // Each CLI start costs seconds on a loaded machine; the bound covers a dozen of them.
  it('redrives to the dead-letter queue after maxReceiveCount', { timeout: 180_000 }, async () => {
    const dlqName = uniqueQueueName('cli-v2-dlq');
    const vendor = sandbox.accounts.vendor.id;
    const dlqUrl = (await awsJson('/usr/bin/aws', ['create-queue', '--queue-name', dlqName]))
      .QueueUrl as string;
    const url = (
      await awsJson('/usr/bin/aws', ['create-queue', '--queue-name', uniqueQueueName('cli-v2-src')])
    ).QueueUrl as string;
    const redrive = JSON.stringify({ deadLetterTargetArn: queueArn(vendor, dlqName), maxReceiveCount: '2' });
    await aws('/usr/bin/aws', [
      'set-queue-attributes',
      '--queue-url',
      url,
      '--attributes',
      JSON.stringify({ RedrivePolicy: redrive }),
    ]);
    await aws('/usr/bin/aws', ['send-message', '--queue-url', url, '--message-body', 'poison']);
    for (let i = 0; i < 2; i++) {
      const got = await awsJson('/usr/bin/aws', [
        'receive-message',
        '--queue-url',
        url,
        '--visibility-timeout',
        '0',
      ]);
      expect(got.Messages[0].Body).toBe('poison');
    }
    const third = await aws('/usr/bin/aws', ['receive-message', '--queue-url', url]);
    expect(third.stdout.trim()).toBe('');
    const dead = await awsJson('/usr/bin/aws', [
      'receive-message',
      '--queue-url',
      dlqUrl,
      '--attribute-names',
      'All',
    ]);
    expect(dead.Messages[0].Body).toBe('poison');
    expect(dead.Messages[0].Attributes.DeadLetterQueueSourceArn).toMatch(/:cli-v2-src-/);
    const sources = await awsJson('/usr/bin/aws', ['list-dead-letter-source-queues', '--queue-url', dlqUrl]);
    expect(sources.queueUrls).toEqual([url]);
    const attrs = await awsJson('/usr/bin/aws', [
      'get-queue-attributes',
      '--queue-url',
      url,
      '--attribute-names',
      'RedrivePolicy',
    ]);
    expect(JSON.parse(attrs.Attributes.RedrivePolicy)).toEqual({
      deadLetterTargetArn: queueArn(vendor, dlqName),
      maxReceiveCount: 2,
    });
  });
});

describe('hand-signed query requests', () => {
  it('send a batch with attributes, receive it as XML and delete it in a batch', async () => {
    const url = await createQueue(uniqueQueueName('raw-query'));
    const sent = await signedQuery({
      Action: 'SendMessageBatch',
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'one',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'color',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': 'blue',
      'SendMessageBatchRequestEntry.2.Id': 'two',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
    });
    expect(sent.status).toBe(200);
    expect(xmlAll(sent.body, 'Id')).toEqual(['one', 'two']);
    expect(xmlAll(sent.body, 'MD5OfMessageAttributes')).toEqual(['da1b33cc3cbfe8b1630921e78e6b9880']);
    const got = await signedQuery({
      Action: 'ReceiveMessage',
      QueueUrl: url,
      MaxNumberOfMessages: '10',
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'All',
      WaitTimeSeconds: '1',
    });
    expect(got.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ReceiveMessageResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><ReceiveMessageResult><Message>/,
    );
    expect(xmlAll(got.body, 'Body').sort()).toEqual(['first', 'second']);
    const handles = xmlAll(got.body, 'ReceiptHandle');
    const deleted = await signedQuery({
      Action: 'DeleteMessageBatch',
      QueueUrl: url,
      ...Object.fromEntries(
        handles.flatMap((h, i) => [
          [`DeleteMessageBatchRequestEntry.${i + 1}.Id`, `d${i}`],
          [`DeleteMessageBatchRequestEntry.${i + 1}.ReceiptHandle`, h],
        ]),
      ),
    });
    expect(xmlAll(deleted.body, 'Id')).toEqual(['d0', 'd1']);
    const counts = await client().send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(counts.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
  });

  it('answer errors in the query form with the classic codes', async () => {
    const res = await signedQuery({ Action: 'GetQueueUrl', QueueName: uniqueQueueName('missing') });
    expect(res.status).toBe(400);
    expect(res.body).toContain(
      '<ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message></Error><RequestId>',
    );
  });
});
