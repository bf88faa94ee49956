/** ListParts and ListMultipartUploads. */

import { checksumField } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { findUpload } from './multipart-uploads.js';
import { canonicalUserId } from './owner-ids.js';
import { authorizedBucket, type S3Call } from './s3-access.js';
import type { MultipartUpload } from './s3-state.js';
import { isoTime, type XmlNode, xmlResponse } from './s3-xml.js';
import { compareUtf8 } from './sorted-keys.js';
import { listingEncoder } from './url-encoding.js';

function parseLimit(value: string | null, name: string, max = 1000): number {
  if (value === null) return max;
  if (!/^\d+$/.test(value))
    throw new AwsError('InvalidArgument', `Provided ${name} not an integer or within integer range`, 400, {
      ArgumentName: name,
      ArgumentValue: value,
    });
  return Math.min(Number(value), max);
}

function initiatorNodes(upload: MultipartUpload): XmlNode[] {
  return [
    ['ID', upload.initiatorArn],
    ['DisplayName', upload.initiatorArn],
  ];
}

export function listParts(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:ListMultipartUploadParts');
  const params = call.request.url.searchParams;
  const upload = findUpload(call, bucket);
  const maxParts = parseLimit(params.get('max-parts'), 'max-parts');
  const marker = Number(params.get('part-number-marker') ?? '0') || 0;
  const all = [...upload.parts.values()]
    .filter((p) => p.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const field = upload.checksumAlgorithm ? checksumField(upload.checksumAlgorithm) : 'ChecksumCRC32';
  return xmlResponse('ListPartsResult', [
    ['Bucket', bucket.name],
    ['Key', call.key],
    ['UploadId', upload.uploadId],
    ['PartNumberMarker', marker],
    ['NextPartNumberMarker', page.at(-1)?.partNumber ?? 0],
    ['MaxParts', maxParts],
    ['IsTruncated', truncated],
    ['Initiator', initiatorNodes(upload)],
    ['Owner', [['ID', canonicalUserId(bucket.ownerAccountId)]]],
    ['StorageClass', upload.attributes.storageClass],
    ['ChecksumAlgorithm', upload.checksumAlgorithm],
    ['ChecksumType', upload.checksumType],
    ...page.map(
      (p): XmlNode => [
        'Part',
        [
          ['PartNumber', p.partNumber],
          ['LastModified', isoTime(p.lastModifiedMs)],
          ['ETag', p.etag],
          ['Size', p.size],
          [field, p.checksum],
        ],
      ],
    ),
  ]);
}

export function listMultipartUploads(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:ListBucketMultipartUploads');
  const params = call.request.url.searchParams;
  const prefix = params.get('prefix') ?? '';
  const delimiter = params.get('delimiter') ?? '';
  const keyMarker = params.get('key-marker') ?? '';
  const uploadIdMarker = params.get('upload-id-marker') ?? '';
  const maxUploads = parseLimit(params.get('max-uploads'), 'max-uploads');
  const encoder = listingEncoder(params.get('encoding-type'));
  const encoded = encoder !== undefined;
  const encode = encoder ?? ((s: string) => s);
  const sorted = [...bucket.uploads.values()]
    .filter((u) => u.key.startsWith(prefix))
    .sort(
      (a, b) =>
        compareUtf8(a.key, b.key) || a.initiatedMs - b.initiatedMs || (a.uploadId < b.uploadId ? -1 : 1),
    );
  let startIndex = 0;
  if (keyMarker) {
    const markerUpload = uploadIdMarker
      ? sorted.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker)
      : -1;
    startIndex =
      markerUpload >= 0 ? markerUpload + 1 : sorted.findIndex((u) => compareUtf8(u.key, keyMarker) > 0);
    if (startIndex < 0) startIndex = sorted.length;
  }
  const uploads: MultipartUpload[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  for (let i = startIndex; i < sorted.length; i++) {
    const upload = sorted[i]!;
    const cut = delimiter ? upload.key.indexOf(delimiter, prefix.length) : -1;
    const commonPrefix = cut >= 0 ? upload.key.slice(0, cut + delimiter.length) : undefined;
    if (commonPrefix !== undefined && prefixes.at(-1) === commonPrefix) continue;
    if (uploads.length + prefixes.length === maxUploads) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) prefixes.push(commonPrefix);
    else uploads.push(upload);
  }
  const last = uploads.at(-1);
  return xmlResponse('ListMultipartUploadsResult', [
    ['Bucket', bucket.name],
    ['KeyMarker', encode(keyMarker)],
    ['UploadIdMarker', uploadIdMarker],
    ['NextKeyMarker', truncated && last ? encode(last.key) : undefined],
    ['NextUploadIdMarker', truncated && last ? last.uploadId : undefined],
    ['Prefix', encode(prefix)],
    ['Delimiter', delimiter ? encode(delimiter) : undefined],
    ['MaxUploads', maxUploads],
    ['EncodingType', encoded ? 'url' : undefined],
    ['IsTruncated', truncated],
    ...uploads.map(
      (u): XmlNode => [
        'Upload',
        [
          ['Key', encode(u.key)],
          ['UploadId', u.uploadId],
          ['Initiator', initiatorNodes(u)],
          ['Owner', [['ID', canonicalUserId(bucket.ownerAccountId)]]],
          ['StorageClass', u.attributes.storageClass],
          ['Initiated', isoTime(u.initiatedMs)],
          ['ChecksumAlgorithm', u.checksumAlgorithm],
        ],
      ],
    ),
    ...prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', encode(p)]]]),
  ]);
}
