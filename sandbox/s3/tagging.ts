/** Bucket tagging and object tagging (Put/Get/Delete), with S3's limits on tag keys and values. */
import { AwsError } from '../core/errors.js';
import type { ServiceRequest, ServiceResponse } from '../core/types.js';
import { authorize, findBucket, missingKeyError, type S3Env } from './s3-access.js';
import { noSuchKey } from './s3-errors.js';
import type { BucketRecord, ObjectRecord } from './s3-state.js';
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

function taggedObject(env: S3Env, request: ServiceRequest, bucket: BucketRecord, key: string): ObjectRecord {
  const object = bucket.objects.get(key);
  if (!object) throw missingKeyError(env, request, bucket, noSuchKey(key));
  return object;
}

export async function putObjectTagging(
  env: S3Env,
  request: ServiceRequest,
  bucketName: string,
  key: string,
): Promise<ServiceResponse> {
  const bucket = findBucket(env, request, bucketName);
  authorize(env, request, bucket, 's3:PutObjectTagging', key);
  const object = taggedObject(env, request, bucket, key);
  object.tags = parseTagging(await request.readBody(), 10);
  return { status: 200 };
}

export function getObjectTagging(
  env: S3Env,
  request: ServiceRequest,
  bucketName: string,
  key: string,
): ServiceResponse {
  const bucket = findBucket(env, request, bucketName);
  authorize(env, request, bucket, 's3:GetObjectTagging', key);
  return renderTagging(taggedObject(env, request, bucket, key).tags);
}

export function deleteObjectTagging(
  env: S3Env,
  request: ServiceRequest,
  bucketName: string,
  key: string,
): ServiceResponse {
  const bucket = findBucket(env, request, bucketName);
  authorize(env, request, bucket, 's3:DeleteObjectTagging', key);
  taggedObject(env, request, bucket, key).tags = {};
  return { status: 204 };
}

export async function putBucketTagging(
  env: S3Env,
  request: ServiceRequest,
  name: string,
): Promise<ServiceResponse> {
  const bucket = findBucket(env, request, name);
  authorize(env, request, bucket, 's3:PutBucketTagging');
  bucket.tags = parseTagging(await request.readBody(), 50);
  return { status: 204 };
}

export function getBucketTagging(env: S3Env, request: ServiceRequest, name: string): ServiceResponse {
  const bucket = findBucket(env, request, name);
  authorize(env, request, bucket, 's3:GetBucketTagging');
  if (!bucket.tags)
    throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: name });
  return renderTagging(bucket.tags);
}

export function deleteBucketTagging(env: S3Env, request: ServiceRequest, name: string): ServiceResponse {
  const bucket = findBucket(env, request, name);
  // S3 checks the Put permission for deleting bucket tags.
  authorize(env, request, bucket, 's3:PutBucketTagging');
  bucket.tags = undefined;
  return { status: 204 };
}
