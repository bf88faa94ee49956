/**
 * SQS over the query protocol (Version 2012-11-05): form parameters with flattened lists and maps
 * (`Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`, `SendMessageBatchRequestEntry.1.Id`)
 * are converted to the JSON shape the operations take, and results are rendered as the XML
 * older clients (the AWS CLI v2 before its JSON switch, boto3 < 1.31.81) read.
 */
import { queryList, queryMap } from '../protocols/query.js';
import type { XmlObject } from '../protocols/xml.js';

const ENTRY_LISTS = [
  'SendMessageBatchRequestEntry',
  'DeleteMessageBatchRequestEntry',
  'ChangeMessageVisibilityBatchRequestEntry',
];

/** Converts flattened query parameters to the JSON-shaped input of an operation. */
export function queryToInput(action: string, params: URLSearchParams, path: string): Record<string, unknown> {
  const input = convert(params);
  if (input.QueueUrl === undefined) {
    // Older clients post to the queue URL itself instead of passing QueueUrl.
    const parts = path.split('/').filter(Boolean);
    if (parts.length === 2) input.QueueUrl = path;
  }
  if (action === 'CreateQueue' || action === 'TagQueue') {
    const tags = queryMap(params, 'Tag', { key: 'Key', value: 'Value' });
    if (Object.keys(tags).length > 0) input[action === 'CreateQueue' ? 'tags' : 'Tags'] = tags;
  }
  if (action === 'UntagQueue') input.TagKeys = queryList(params, 'TagKey', '');
  if (action === 'AddPermission') {
    input.AWSAccountIds = queryList(params, 'AWSAccountId', '');
    input.Actions = queryList(params, 'ActionName', '');
  }
  return input;
}

function convert(params: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of params) if (!k.includes('.')) input[k] = v;
  const attributes = queryMap(params, 'Attribute', { key: 'Name', value: 'Value' });
  if (Object.keys(attributes).length > 0) input.Attributes = attributes;
  for (const [param, field] of [
    ['AttributeName', 'AttributeNames'],
    ['MessageSystemAttributeName', 'MessageSystemAttributeNames'],
    ['MessageAttributeName', 'MessageAttributeNames'],
  ] as const) {
    const list = queryList(params, param, '');
    if (list.length > 0) input[field] = list;
  }
  for (const [param, field] of [
    ['MessageAttribute', 'MessageAttributes'],
    ['MessageSystemAttribute', 'MessageSystemAttributes'],
  ] as const) {
    const map = messageAttributeMap(params, param);
    if (map) input[field] = map;
  }
  for (const prefix of ENTRY_LISTS) {
    const entries = indexedGroups(params, prefix);
    if (entries.length > 0) input.Entries = entries.map(convert);
  }
  return input;
}

/** `Prefix.N.rest=value` → one URLSearchParams of `rest=value` per N, in index order. */
function indexedGroups(params: URLSearchParams, prefix: string): URLSearchParams[] {
  const groups = new Map<number, URLSearchParams>();
  const re = new RegExp(`^${prefix}\\.(\\d+)\\.(.+)$`);
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (!m) continue;
    const n = Number(m[1]);
    const group = groups.get(n) ?? new URLSearchParams();
    group.append(m[2]!, v);
    groups.set(n, group);
  }
  return [...groups].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

function messageAttributeMap(
  params: URLSearchParams,
  prefix: string,
): Record<string, Record<string, string>> | undefined {
  const groups = indexedGroups(params, prefix);
  if (groups.length === 0) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const g of groups) {
    const name = g.get('Name');
    if (name === null) continue;
    const value: Record<string, string> = {};
    for (const field of ['DataType', 'StringValue', 'BinaryValue']) {
      const v = g.get(`Value.${field}`);
      if (v !== null) value[field] = v;
    }
    out[name] = value;
  }
  return out;
}

type Json = Record<string, unknown>;

function nameValues(map: unknown): XmlObject[] {
  return Object.entries((map ?? {}) as Record<string, string>).map(([Name, Value]) => ({ Name, Value }));
}

function messageOut(m: Json): XmlObject {
  const attrs = (m.MessageAttributes ?? {}) as Record<string, Record<string, string>>;
  return {
    MessageId: m.MessageId as string,
    ReceiptHandle: m.ReceiptHandle as string,
    MD5OfBody: m.MD5OfBody as string,
    Body: m.Body as string,
    Attribute: nameValues(m.Attributes),
    MD5OfMessageAttributes: m.MD5OfMessageAttributes as string | undefined,
    MessageAttribute: Object.entries(attrs).map(([Name, v]) => ({
      Name,
      Value: { StringValue: v.StringValue, BinaryValue: v.BinaryValue, DataType: v.DataType },
    })),
  };
}

function batchOut(result: Json, entryElement: string): XmlObject {
  return {
    [entryElement]: (result.Successful as XmlObject[]) ?? [],
    BatchResultErrorEntry: ((result.Failed as Json[]) ?? []).map((f) => ({
      Id: f.Id as string,
      SenderFault: f.SenderFault as boolean,
      Code: f.Code as string,
      Message: f.Message as string,
    })),
  };
}

/** The `<ActionResult>` content for an operation's JSON-shaped result; undefined when AWS sends none. */
export function resultToXml(action: string, result: Json): XmlObject | undefined {
  switch (action) {
    case 'CreateQueue':
    case 'GetQueueUrl':
      return { QueueUrl: result.QueueUrl as string };
    case 'ListQueues':
      return {
        QueueUrl: (result.QueueUrls as string[]) ?? [],
        NextToken: result.NextToken as string | undefined,
      };
    case 'ListDeadLetterSourceQueues':
      return { QueueUrl: (result.queueUrls as string[]) ?? [] };
    case 'GetQueueAttributes':
      return { Attribute: nameValues(result.Attributes) };
    case 'ListQueueTags':
      return {
        Tag: Object.entries((result.Tags ?? {}) as Record<string, string>).map(([Key, Value]) => ({
          Key,
          Value,
        })),
      };
    case 'SendMessage':
      return {
        MD5OfMessageBody: result.MD5OfMessageBody as string,
        MD5OfMessageAttributes: result.MD5OfMessageAttributes as string | undefined,
        MD5OfMessageSystemAttributes: result.MD5OfMessageSystemAttributes as string | undefined,
        MessageId: result.MessageId as string,
      };
    case 'SendMessageBatch':
      return batchOut(result, 'SendMessageBatchResultEntry');
    case 'DeleteMessageBatch':
      return batchOut(result, 'DeleteMessageBatchResultEntry');
    case 'ChangeMessageVisibilityBatch':
      return batchOut(result, 'ChangeMessageVisibilityBatchResultEntry');
    case 'ReceiveMessage':
      return { Message: ((result.Messages as Json[]) ?? []).map(messageOut) };
    default:
      return undefined;
  }
}
