/**
 * The AWS query protocol (IAM, STS, SNS, CloudFormation and SQS's older XML form): form-encoded
 * `Action=...` requests, `<ActionResponse><ActionResult>` answers and `<ErrorResponse>` errors.
 */
import type { AwsError } from '../core/errors.js';
import type { ServiceName, ServiceResponse } from '../core/types.js';
import { type XmlObject, xmlDocument, xmlElements, xmlEscape } from './xml.js';

/** The XML namespace each query service puts on its responses, as AWS does. */
export const QUERY_NAMESPACES: Record<Exclude<ServiceName, 's3'>, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  sqs: 'http://queue.amazonaws.com/doc/2012-11-05/',
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  // KMS speaks only JSON 1.1; a query-form request to it gets its errors in this namespace.
  kms: 'https://trent.amazonaws.com/doc/2014-11-01/',
};

/**
 * A successful query-protocol answer: `<{action}Response><{action}Result>result</…Result>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></…Response>`.
 * `result` is either pre-rendered XML (escape values with `xmlEscape`) or an object for
 * `xmlElements`; `undefined` omits the Result element (actions such as DeleteRole have none).
 */
export function queryResponse(
  service: Exclude<ServiceName, 's3'>,
  action: string,
  result: XmlObject | string | undefined,
  requestId: string,
): ServiceResponse {
  const resultXml =
    result === undefined
      ? ''
      : `<${action}Result>${typeof result === 'string' ? result : xmlElements(result)}</${action}Result>`;
  const body = xmlDocument(
    `${action}Response`,
    `${resultXml}<ResponseMetadata><RequestId>${xmlEscape(requestId)}</RequestId></ResponseMetadata>`,
    QUERY_NAMESPACES[service],
  );
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body,
  };
}

/** An error in the query protocol's form (`<ErrorResponse><Error><Type><Code><Message>`). */
export function queryError(
  service: Exclude<ServiceName, 's3'>,
  error: AwsError,
  requestId: string,
): ServiceResponse {
  const body = xmlDocument(
    'ErrorResponse',
    `<Error><Type>${error.fault}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>${xmlElements(error.fields)}</Error><RequestId>${xmlEscape(requestId)}</RequestId>`,
    QUERY_NAMESPACES[service],
  );
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body,
  };
}

/**
 * The parameters of a query request, from the form body (POST) or the URL (GET), as AWS reads
 * them: later duplicates win; list members keep their `Name.member.N` keys for the service.
 */
export function queryParams(url: URL, body: Buffer): URLSearchParams {
  const params = new URLSearchParams(url.search);
  if (body.length > 0) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

/**
 * Collects a query list (`Prefix.member.1`, `Prefix.member.2`… or `Prefix.1`…) in index order.
 * @param prefix e.g. `AttributeNames` with `member` → reads `AttributeNames.member.N`.
 */
export function queryList(params: URLSearchParams, prefix: string, member = 'member'): string[] {
  const re = new RegExp(`^${escapeRegExp(prefix)}\\.${member ? `${escapeRegExp(member)}\\.` : ''}(\\d+)$`);
  const items: Array<[number, string]> = [];
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (m) items.push([Number(m[1]), v]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/**
 * Collects a query map (`Prefix.entry.N.key` / `Prefix.entry.N.value`, or with other part names,
 * e.g. SQS's `Attribute.N.Name` / `Attribute.N.Value`) into a plain object.
 */
export function queryMap(
  params: URLSearchParams,
  prefix: string,
  parts: { entry?: string; key: string; value: string } = { entry: 'entry', key: 'key', value: 'value' },
): Record<string, string> {
  const entry = parts.entry ? `${escapeRegExp(parts.entry)}\\.` : '';
  const re = new RegExp(`^${escapeRegExp(prefix)}\\.${entry}(\\d+)\\.(${parts.key}|${parts.value})$`);
  const byIndex = new Map<number, { key?: string; value?: string }>();
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (!m) continue;
    const slot = byIndex.get(Number(m[1])) ?? {};
    if (m[2] === parts.key) slot.key = v;
    else slot.value = v;
    byIndex.set(Number(m[1]), slot);
  }
  const out: Record<string, string> = {};
  for (const [, { key, value }] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    if (key !== undefined) out[key] = value ?? '';
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
