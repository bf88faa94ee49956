/**
 * ListObjectsV2 and ListObjects (v1): prefix, delimiter with CommonPrefixes, max-keys (at most 1000),
 * continuation tokens / markers, start-after, fetch-owner and `encoding-type=url`. A page is a binary
 * search into the bucket's sorted keys plus a walk of at most max-keys entries; a common prefix is
 * skipped over in one more binary search, so pages stay cheap with 100k keys.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { ownerNodes } from './buckets.js';
import { authorize, findBucket, type S3Call, type S3Env } from './s3-access.js';
import type { ObjectRecord } from './s3-state.js';
import { isoTime, type XmlNode, xmlResponse } from './s3-xml.js';
import { compareUtf8, type SortedKeyMap } from './sorted-keys.js';
import { listingEncoder } from './url-encoding.js';

const MAX_KEYS = 1000;
const TOKEN_PREFIX = 'bb1:';

export interface ListPage {
  contents: ObjectRecord[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (where the next page starts after). */
  last?: string;
}

/** One page of keys after `marker` under `prefix`, rolling keys up to common prefixes at `delimiter`. */
export function listPage(
  objects: SortedKeyMap<ObjectRecord>,
  options: { prefix: string; delimiter: string; marker: string; maxKeys: number },
): ListPage {
  const { prefix, delimiter, marker, maxKeys } = options;
  const page: ListPage = { contents: [], commonPrefixes: [], truncated: false };
  if (maxKeys === 0) return page;
  let index = Math.max(objects.lowerBound(prefix), marker ? objects.upperBound(marker) : 0);
  let count = 0;
  for (;;) {
    const key = objects.keyAt(index);
    if (key === undefined || !key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const commonPrefix = key.slice(0, cut + delimiter.length);
      if (!(marker && compareUtf8(commonPrefix, marker) <= 0)) {
        if (count === maxKeys) {
          page.truncated = true;
          break;
        }
        page.commonPrefixes.push(commonPrefix);
        page.last = commonPrefix;
        count++;
      }
      index = objects.endOfPrefix(commonPrefix, index);
      continue;
    }
    if (count === maxKeys) {
      page.truncated = true;
      break;
    }
    page.contents.push(objects.get(key)!);
    page.last = key;
    count++;
    index++;
  }
  return page;
}

function parseMaxKeys(value: string | null): number {
  if (value === null) return MAX_KEYS;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed))
    throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
      ArgumentName: 'max-keys',
      ArgumentValue: value,
    });
  return Math.min(parsed, MAX_KEYS);
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64').toString();
  if (!decoded.startsWith(TOKEN_PREFIX))
    throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: 'continuation-token',
      ArgumentValue: token,
    });
  return decoded.slice(TOKEN_PREFIX.length);
}

function contentsNode(
  env: S3Env,
  object: ObjectRecord,
  withOwner: boolean,
  encode: (s: string) => string,
): XmlNode {
  return [
    'Contents',
    [
      ['Key', encode(object.key)],
      ['LastModified', isoTime(object.lastModifiedMs)],
      ['ETag', object.etag],
      ['ChecksumAlgorithm', object.checksum?.algorithm],
      ['ChecksumType', object.checksum?.type],
      ['Size', object.size],
      ['Owner', withOwner ? ownerNodes(env, object.ownerAccountId) : undefined],
      ['StorageClass', object.storageClass],
    ],
  ];
}

export function listObjects(call: S3Call): ServiceResponse {
  const { env, request, bucketName } = call;
  const bucket = findBucket(env, request, bucketName);
  const params = request.url.searchParams;
  const v2 = params.get('list-type') === '2';
  const prefix = params.get('prefix') ?? '';
  const delimiter = params.get('delimiter') ?? '';
  const maxKeysParam = params.get('max-keys');
  authorize(env, request, bucket, 's3:ListBucket', undefined, {
    's3:prefix': prefix,
    's3:delimiter': delimiter || undefined,
    's3:max-keys': maxKeysParam ?? undefined,
  });
  const maxKeys = parseMaxKeys(maxKeysParam);
  const encoder = listingEncoder(params.get('encoding-type'));
  const encoded = encoder !== undefined;
  const encode = encoder ?? ((s: string) => s);
  const token = params.get('continuation-token');
  const startAfter = params.get('start-after');
  const marker = v2
    ? token !== null
      ? decodeToken(token)
      : (startAfter ?? '')
    : (params.get('marker') ?? '');
  const page = listPage(bucket.objects, { prefix, delimiter, marker, maxKeys });
  const withOwner = !v2 || params.get('fetch-owner') === 'true';
  const entries: XmlNode[] = [
    ...page.contents.map((o) => contentsNode(env, o, withOwner, encode)),
    ...page.commonPrefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', encode(p)]]]),
  ];
  const common: XmlNode[] = [
    ['Name', bucket.name],
    ['Prefix', encode(prefix)],
  ];
  if (v2)
    return xmlResponse('ListBucketResult', [
      ...common,
      ['Delimiter', delimiter ? encode(delimiter) : undefined],
      ['MaxKeys', maxKeys],
      ['EncodingType', encoded ? 'url' : undefined],
      ['KeyCount', page.contents.length + page.commonPrefixes.length],
      ['IsTruncated', page.truncated],
      ['ContinuationToken', token ?? undefined],
      [
        'NextContinuationToken',
        page.truncated && page.last !== undefined
          ? Buffer.from(TOKEN_PREFIX + page.last).toString('base64')
          : undefined,
      ],
      ['StartAfter', startAfter !== null ? encode(startAfter) : undefined],
      ...entries,
    ]);
  return xmlResponse('ListBucketResult', [
    ...common,
    ['Marker', encode(marker)],
    ['NextMarker', page.truncated && delimiter && page.last !== undefined ? encode(page.last) : undefined],
    ['MaxKeys', maxKeys],
    ['Delimiter', delimiter ? encode(delimiter) : undefined],
    ['EncodingType', encoded ? 'url' : undefined],
    ['IsTruncated', page.truncated],
    ...entries,
  ]);
}
