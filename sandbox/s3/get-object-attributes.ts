/**
 * GetObjectAttributes (`GET /bucket/key?attributes`): the object's ETag, checksum, parts, storage
 * class and size, as many as `x-amz-object-attributes` asks for, without its body. Parts are paged
 * with `x-amz-max-parts` and `x-amz-part-number-marker`, as ListParts pages them.
 */

import { checksumField } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceRequest, ServiceResponse } from '../core/types.js';
import { readableVersion } from './object-reads.js';
import { authorizedBucket, header, type S3Call } from './s3-access.js';
import type { ObjectRecord } from './s3-state.js';
import { httpTime, type XmlNode, xmlResponse } from './s3-xml.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

function requestedAttributes(request: ServiceRequest): Set<Attribute> {
  const value = header(request, 'x-amz-object-attributes');
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0)
    throw new AwsError('InvalidArgument', 'Invalid attribute name specified.', 400, {
      ArgumentName: 'x-amz-object-attributes',
      ArgumentValue: value ?? '',
    });
  for (const name of names)
    if (!(ATTRIBUTES as readonly string[]).includes(name))
      throw new AwsError('InvalidArgument', 'Invalid attribute name specified.', 400, {
        ArgumentName: 'x-amz-object-attributes',
        ArgumentValue: name,
      });
  return new Set(names as Attribute[]);
}

function nonNegativeInteger(request: ServiceRequest, name: string, fallback: number): number {
  const value = header(request, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value))
    throw new AwsError('InvalidArgument', `Provided ${name} not an integer or within integer range`, 400, {
      ArgumentName: name,
      ArgumentValue: value,
    });
  return Number(value);
}

/** The ObjectParts element of a multipart object: one page of its parts, with their checksums. */
function partsNode(request: ServiceRequest, object: ObjectRecord): XmlNode[] {
  const sizes = object.partSizes ?? [];
  const maxParts = Math.min(nonNegativeInteger(request, 'x-amz-max-parts', 1000), 1000);
  const marker = nonNegativeInteger(request, 'x-amz-part-number-marker', 0);
  const numbers = sizes.map((_, index) => index + 1).filter((n) => n > marker);
  const page = numbers.slice(0, maxParts);
  const truncated = numbers.length > page.length;
  const algorithm = object.checksum?.algorithm;
  return [
    ['PartsCount', sizes.length],
    ['PartNumberMarker', marker],
    ['NextPartNumberMarker', page.at(-1) ?? marker],
    ['MaxParts', maxParts],
    ['IsTruncated', truncated],
    ...page.map(
      (n): XmlNode => [
        'Part',
        [
          [
            algorithm ? checksumField(algorithm) : 'ChecksumCRC32',
            algorithm ? object.partChecksums?.[n - 1] : undefined,
          ],
          ['PartNumber', n],
          ['Size', sizes[n - 1]],
        ],
      ],
    ),
  ];
}

export function getObjectAttributes(call: S3Call): ServiceResponse {
  const { request } = call;
  const versioned = request.url.searchParams.has('versionId');
  // Both permissions, as on S3: reading the object, and reading its attributes.
  const bucket = authorizedBucket(
    call,
    versioned ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes',
  );
  const object = readableVersion(call, bucket);
  const wanted = requestedAttributes(request);
  const checksum = object.checksum;
  const headers: Record<string, string> = { 'last-modified': httpTime(object.lastModifiedMs) };
  if (object.versionId !== undefined) headers['x-amz-version-id'] = object.versionId;
  return xmlResponse(
    'GetObjectAttributesResponse',
    [
      ['ETag', wanted.has('ETag') ? object.etag.replace(/"/g, '') : undefined],
      [
        'Checksum',
        wanted.has('Checksum') && checksum
          ? [
              [checksumField(checksum.algorithm), checksum.value],
              ['ChecksumType', checksum.type],
            ]
          : undefined,
      ],
      ['ObjectParts', wanted.has('ObjectParts') && object.partSizes ? partsNode(request, object) : undefined],
      ['StorageClass', wanted.has('StorageClass') ? object.storageClass : undefined],
      ['ObjectSize', wanted.has('ObjectSize') ? object.size : undefined],
    ],
    headers,
  );
}
