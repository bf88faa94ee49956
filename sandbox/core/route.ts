/**
 * Which service a request is for, in which wire protocol, and which operation: the way AWS
 * clients address them (SigV4 credential scope, `X-Amz-Target`, form `Action`, S3's REST paths).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceName, WireProtocol } from './types.js';

const SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 's3', 'sns', 'sqs', 'kms', 'cloudformation']);

export interface Route {
  service: ServiceName;
  protocol: WireProtocol;
}

/**
 * The service and protocol. `scopeService` is the SigV4 credential scope's service when the
 * request is signed; unsigned requests are told apart by `X-Amz-Target` and form encoding.
 * Returns undefined for a signed request naming a service the sandbox does not run.
 */
export function routeOf(headers: IncomingHttpHeaders, scopeService: string | undefined): Route | undefined {
  const target = headers['x-amz-target'];
  const json = typeof target === 'string' && target.length > 0;
  if (scopeService !== undefined) {
    if (!SERVICES.has(scopeService)) return undefined;
    const service = scopeService as ServiceName;
    if (service === 's3') return { service, protocol: 'rest-xml' };
    return { service, protocol: json ? 'json' : 'query' };
  }
  if (json) return { service: target.startsWith('AmazonSQS') ? 'sqs' : 'sts', protocol: 'json' };
  const contentType = headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded'))
    return { service: 'sts', protocol: 'query' };
  return { service: 's3', protocol: 'rest-xml' };
}

/** S3's path-style address: `/bucket/key` → bucket and (decoded) key. */
export function s3Address(url: URL): { bucket?: string; key?: string } {
  const path = url.pathname;
  if (path === '/' || path === '') return {};
  const slash = path.indexOf('/', 1);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (slash < 0) return { bucket: decode(path.slice(1)) };
  const key = path.slice(slash + 1);
  return { bucket: decode(path.slice(1, slash)), key: key === '' ? undefined : decode(key) };
}

/**
 * The S3 operation a REST request performs (for fault rules and logs), e.g. `GetObject`,
 * `PutBucketPolicy`, `CompleteMultipartUpload`.
 */
export function s3OperationOf(method: string, url: URL, headers: IncomingHttpHeaders): string {
  const { bucket, key } = s3Address(url);
  const q = url.searchParams;
  if (!bucket) return 'ListBuckets';
  if (key === undefined) {
    const sub = [
      'policy',
      'location',
      'notification',
      'ownershipControls',
      'uploads',
      'delete',
      'versioning',
      'acl',
      'cors',
      'tagging',
      'lifecycle',
      'encryption',
    ].find((s) => q.has(s));
    switch (sub) {
      case 'delete':
        return 'DeleteObjects';
      case 'uploads':
        return 'ListMultipartUploads';
      case 'location':
        return 'GetBucketLocation';
      case 'notification':
        return method === 'PUT' ? 'PutBucketNotificationConfiguration' : 'GetBucketNotificationConfiguration';
      case undefined:
        break;
      default: {
        const name = `Bucket${sub[0]!.toUpperCase()}${sub.slice(1)}`;
        return `${method === 'PUT' ? 'Put' : method === 'DELETE' ? 'Delete' : 'Get'}${name}`;
      }
    }
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'HEAD') return 'HeadBucket';
    return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  }
  if (q.has('uploads')) return 'CreateMultipartUpload';
  if (q.has('uploadId')) {
    if (method === 'PUT') return headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart';
    if (method === 'POST') return 'CompleteMultipartUpload';
    if (method === 'DELETE') return 'AbortMultipartUpload';
    return 'ListParts';
  }
  if (q.has('acl')) return method === 'PUT' ? 'PutObjectAcl' : 'GetObjectAcl';
  if (q.has('tagging'))
    return method === 'PUT'
      ? 'PutObjectTagging'
      : method === 'DELETE'
        ? 'DeleteObjectTagging'
        : 'GetObjectTagging';
  switch (method) {
    case 'PUT':
      return headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    case 'POST':
      return 'PostObject';
    default:
      return 'GetObject';
  }
}
