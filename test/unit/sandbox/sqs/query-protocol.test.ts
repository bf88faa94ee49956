import { describe, expect, it } from 'vitest';
import { xmlElements } from '../../../../sandbox/protocols/xml.js';
import { queryToInput, resultToXml } from '../../../../sandbox/sqs/query-protocol.js';

describe('query parameters to the JSON shape', () => {
  it.each<[string, string, Record<string, string>, Record<string, unknown>]>([
    [
      'queue attributes and tags',
      'CreateQueue',
      {
        QueueName: 'q',
        'Attribute.1.Name': 'DelaySeconds',
        'Attribute.1.Value': '5',
        'Tag.1.Key': 'team',
        'Tag.1.Value': 'data',
      },
      { QueueName: 'q', Attributes: { DelaySeconds: '5' }, tags: { team: 'data' } },
    ],
    [
      'attribute name lists in index order',
      'ReceiveMessage',
      {
        QueueUrl: 'u',
        'AttributeName.2': 'SentTimestamp',
        'AttributeName.1': 'SenderId',
        'MessageAttributeName.1': 'All',
        'MessageSystemAttributeName.1': 'ApproximateReceiveCount',
      },
      {
        QueueUrl: 'u',
        AttributeNames: ['SenderId', 'SentTimestamp'],
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      },
    ],
    [
      'message attributes of each type',
      'SendMessage',
      {
        QueueUrl: 'u',
        MessageBody: 'b',
        'MessageAttribute.1.Name': 's',
        'MessageAttribute.1.Value.DataType': 'String',
        'MessageAttribute.1.Value.StringValue': 'v',
        'MessageAttribute.2.Name': 'b',
        'MessageAttribute.2.Value.DataType': 'Binary',
        'MessageAttribute.2.Value.BinaryValue': 'AQI=',
        'MessageSystemAttribute.1.Name': 'AWSTraceHeader',
        'MessageSystemAttribute.1.Value.DataType': 'String',
        'MessageSystemAttribute.1.Value.StringValue': 'Root=1-abc',
      },
      {
        QueueUrl: 'u',
        MessageBody: 'b',
        MessageAttributes: {
          s: { DataType: 'String', StringValue: 'v' },
          b: { DataType: 'Binary', BinaryValue: 'AQI=' },
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
      },
    ],
    [
      'batch entries with nested attributes',
      'SendMessageBatch',
      {
        QueueUrl: 'u',
        'SendMessageBatchRequestEntry.2.Id': 'b',
        'SendMessageBatchRequestEntry.2.MessageBody': 'second',
        'SendMessageBatchRequestEntry.1.Id': 'a',
        'SendMessageBatchRequestEntry.1.MessageBody': 'first',
        'SendMessageBatchRequestEntry.1.DelaySeconds': '3',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'k',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'Number',
        'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': '1',
      },
      {
        QueueUrl: 'u',
        Entries: [
          {
            Id: 'a',
            MessageBody: 'first',
            DelaySeconds: '3',
            MessageAttributes: { k: { DataType: 'Number', StringValue: '1' } },
          },
          { Id: 'b', MessageBody: 'second' },
        ],
      },
    ],
    [
      'visibility batch entries',
      'ChangeMessageVisibilityBatch',
      {
        QueueUrl: 'u',
        'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'x',
        'ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle': 'h',
        'ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout': '10',
      },
      { QueueUrl: 'u', Entries: [{ Id: 'x', ReceiptHandle: 'h', VisibilityTimeout: '10' }] },
    ],
    [
      'tag keys to remove',
      'UntagQueue',
      { QueueUrl: 'u', 'TagKey.1': 'a', 'TagKey.2': 'b' },
      { QueueUrl: 'u', TagKeys: ['a', 'b'] },
    ],
  ])('converts %s', (_name, action, params, expected) => {
    expect(queryToInput(action, new URLSearchParams({ Action: action, ...params }), '/')).toEqual({
      Action: action,
      ...expected,
    });
  });

  it('takes the queue URL from the path when the parameter is absent', () => {
    expect(
      queryToInput('PurgeQueue', new URLSearchParams({ Action: 'PurgeQueue' }), '/111111111111/q').QueueUrl,
    ).toBe('/111111111111/q');
  });
});

describe('results to XML', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'GetQueueAttributes',
      { Attributes: { VisibilityTimeout: '30', QueueArn: 'arn' } },
      '<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute><Attribute><Name>QueueArn</Name><Value>arn</Value></Attribute>',
    ],
    ['ListQueues', { QueueUrls: ['u1', 'u2'] }, '<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>'],
    [
      'DeleteMessageBatch',
      {
        Successful: [{ Id: 'a' }],
        Failed: [{ Id: 'b', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'bad' }],
      },
      '<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry><BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code><Message>bad</Message></BatchResultErrorEntry>',
    ],
    [
      'ReceiveMessage',
      {
        Messages: [
          {
            MessageId: 'm',
            ReceiptHandle: 'h',
            MD5OfBody: 'd',
            Body: 'a&b',
            Attributes: { SenderId: 's' },
            MD5OfMessageAttributes: 'e',
            MessageAttributes: { k: { BinaryValue: 'AQI=', DataType: 'Binary' } },
          },
        ],
      },
      '<Message><MessageId>m</MessageId><ReceiptHandle>h</ReceiptHandle><MD5OfBody>d</MD5OfBody><Body>a&amp;b</Body><Attribute><Name>SenderId</Name><Value>s</Value></Attribute><MD5OfMessageAttributes>e</MD5OfMessageAttributes><MessageAttribute><Name>k</Name><Value><BinaryValue>AQI=</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute></Message>',
    ],
  ])('renders %s', (action, result, xml) => {
    expect(xmlElements(resultToXml(action, result)!)).toBe(xml);
  });

  it('renders no result element for actions that return nothing', () => {
    expect(resultToXml('DeleteMessage', {})).toBeUndefined();
  });
});
