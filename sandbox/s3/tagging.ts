/** Bucket tagging and object tagging (Put/Get/Delete), with S3's limits on tag keys and values. */
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { authorizedBucket, authorizedObject, type S3Call } from './s3-access.js';
import { child, children, malformedXml, parseXml, text, type XmlNode, xmlResponse } from './s3-xml.js';

function invalidTag(message: string): AwsError {
  return new AwsError('InvalidTag', message, 400);
}

/** Parses `<Tagging><TagSet><Tag>…`; `maxTags` is 10 for objects and 50 for buckets. */
export function parseTagging(body: Buffer, maxTags: number): Record<string, string> {
  const tagSet = child(child(parseXml(body), 'Tagging'), 'TagSet');
  if (!tagSet) throw malformedXml();
  const tags: Record<string, string> = {};
  for (const tag of children(tagSet, 'Tag')) {
    const key = text(tag, 'Key');
    const value = text(tag, 'Value') ?? '';
    if (key === undefined || key === '') throw malformedXml();
    if (key in tags) throw invalidTag('Cannot provide multiple Tags with the same key');
    if (key.length > 128) throw invalidTag('The TagKey you have provided is too long, max 128');
    if (value.length > 256) throw invalidTag('The TagValue you have provided is too long, max 256');
    tags[key] = value;
  }
  if (Object.keys(tags).length > maxTags)
    throw new AwsError('BadRequest', `Object tags cannot be greater than ${maxTags}`, 400);
  return tags;
}

function renderTagging(tags: Record<string, string>): ServiceResponse {
  return xmlResponse('Tagging', [
    [
      'TagSet',
      Object.entries(tags).map(
        ([key, value]): XmlNode => [
          'Tag',
          [
            ['Key', key],
            ['Value', value],
          ],
        ],
      ),
    ],
  ]);
}

export async function putObjectTagging(call: S3Call): Promise<ServiceResponse> {
  const { object } = authorizedObject(call, 's3:PutObjectTagging');
  object.tags = parseTagging(await call.request.readBody(), 10);
  return { status: 200 };
}

export function getObjectTagging(call: S3Call): ServiceResponse {
  return renderTagging(authorizedObject(call, 's3:GetObjectTagging').object.tags);
}

export function deleteObjectTagging(call: S3Call): ServiceResponse {
  authorizedObject(call, 's3:DeleteObjectTagging').object.tags = {};
  return { status: 204 };
}

export async function putBucketTagging(call: S3Call): Promise<ServiceResponse> {
  const bucket = authorizedBucket(call, 's3:PutBucketTagging');
  bucket.tags = parseTagging(await call.request.readBody(), 50);
  return { status: 204 };
}

export function getBucketTagging(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:GetBucketTagging');
  if (!bucket.tags)
    throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: call.bucketName });
  return renderTagging(bucket.tags);
}

export function deleteBucketTagging(call: S3Call): ServiceResponse {
  // S3 checks the Put permission for deleting bucket tags.
  authorizedBucket(call, 's3:PutBucketTagging').tags = undefined;
  return { status: 204 };
}
