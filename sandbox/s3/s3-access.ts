/**
 * What every S3 operation does before touching state: find the bucket (NoSuchBucket), check the
 * request was signed for the bucket's region (so clients learn where it lives), and ask the
 * authorizer with S3's action names, ARNs, the bucket owner's account and the bucket policy.
 */
import { AwsError } from '../core/errors.js';
import type { SandboxContext, ServiceRequest } from '../core/types.js';
import type { BlobStore } from './blob-store.js';
import { noSuchBucket, noSuchKey, withHeaders } from './s3-errors.js';
import type { BucketRecord, ObjectRecord, S3State } from './s3-state.js';

/** Everything an S3 operation handler works with. */
export interface S3Env {
  ctx: SandboxContext;
  state: S3State;
  store: BlobStore;
}

/** One S3 request as its handler receives it: the environment, the request and the address it names. */
export interface S3Call {
  env: S3Env;
  request: ServiceRequest;
  /** The bucket named by the path. */
  bucketName: string;
  /** The object key named by the path; '' for a bucket operation. */
  key: string;
}

export type ConditionContext = Record<string, string | string[] | boolean | undefined>;

/**
 * The bucket named in the request. A request signed for another region is answered as S3's global
 * endpoint does: 301 PermanentRedirect when signed for the endpoint's own region, otherwise 400
 * AuthorizationHeaderMalformed; both carry `x-amz-bucket-region`, which the SDKs follow.
 */
export function findBucket(
  env: S3Env,
  request: ServiceRequest,
  name: string,
  checkRegion = true,
  expectedOwnerHeader = 'x-amz-expected-bucket-owner',
): BucketRecord {
  const bucket = env.state.buckets.get(name);
  if (!bucket) throw noSuchBucket(name);
  // ExpectedBucketOwner guards cross-account writes against a bucket that changed hands.
  const expectedOwner = header(request, expectedOwnerHeader);
  if (expectedOwner !== undefined && expectedOwner !== bucket.ownerAccountId)
    throw new AwsError('AccessDenied', 'Access Denied', 403);
  if (checkRegion && request.region !== bucket.region) {
    const headers = { 'x-amz-bucket-region': bucket.region };
    if (request.region === env.ctx.defaultRegion)
      throw withHeaders(
        new AwsError(
          'PermanentRedirect',
          'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
          301,
          { Bucket: name, Endpoint: new URL(env.ctx.endpoint()).host },
        ),
        headers,
      );
    const presigned = request.url.searchParams.has('X-Amz-Credential');
    throw withHeaders(
      new AwsError(
        'AuthorizationHeaderMalformed',
        presigned
          ? `Error parsing the X-Amz-Credential parameter; the region '${request.region}' is wrong; expecting '${bucket.region}'`
          : `The authorization header is malformed; the region '${request.region}' is wrong; expecting '${bucket.region}'`,
        400,
        { Region: bucket.region },
      ),
      headers,
    );
  }
  return bucket;
}

/** The ARN of a bucket, or of an object in it. */
export function s3Arn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

function authorizationRequest(
  request: ServiceRequest,
  bucket: BucketRecord,
  action: string,
  key: string | undefined,
  context: ConditionContext,
) {
  return {
    caller: request.caller,
    action,
    resource: s3Arn(bucket.name, key),
    resourceAccountId: bucket.ownerAccountId,
    resourcePolicy: bucket.policy?.document,
    context: { 'aws:SecureTransport': request.secureTransport, ...context },
  };
}

/** Throws AccessDenied unless `action` on the bucket (or `key` in it) is allowed for the caller. */
export function authorize(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  action: string,
  key?: string,
  context: ConditionContext = {},
): void {
  env.ctx.authz.authorize(authorizationRequest(request, bucket, action, key, context));
}

export function isAllowed(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  action: string,
  key?: string,
  context: ConditionContext = {},
): boolean {
  return env.ctx.authz.isAllowed(authorizationRequest(request, bucket, action, key, context));
}

/** A missing key is NoSuchKey only for callers who may list the bucket; others learn nothing (AccessDenied). */
export function missingKeyError(
  env: S3Env,
  request: ServiceRequest,
  bucket: BucketRecord,
  error: AwsError,
): AwsError {
  if (isAllowed(env, request, bucket, 's3:ListBucket')) return error;
  try {
    authorize(env, request, bucket, 's3:ListBucket');
  } catch (denied) {
    if (denied instanceof AwsError) return denied;
  }
  return new AwsError('AccessDenied', 'Access Denied', 403);
}

/**
 * The prologue of most operations: the addressed bucket (see findBucket), once `action` on it, or
 * on the call's key when there is one, is authorized.
 */
export function authorizedBucket(call: S3Call, action: string, context: ConditionContext = {}): BucketRecord {
  const { env, request, bucketName, key } = call;
  const bucket = findBucket(env, request, bucketName);
  authorize(env, request, bucket, action, key === '' ? undefined : key, context);
  return bucket;
}

/** The current version of the call's key, or the error a missing key earns (see missingKeyError). */
export function existingObject(call: S3Call, bucket: BucketRecord): ObjectRecord {
  const object = bucket.objects.get(call.key);
  if (!object) throw missingKeyError(call.env, call.request, bucket, noSuchKey(call.key));
  return object;
}

/** authorizedBucket, then existingObject: the prologue of an operation on an object that must exist. */
export function authorizedObject(
  call: S3Call,
  action: string,
  context: ConditionContext = {},
): { bucket: BucketRecord; object: ObjectRecord } {
  const bucket = authorizedBucket(call, action, context);
  return { bucket, object: existingObject(call, bucket) };
}

/** The condition keys S3 offers for a write (PutObject, CopyObject, CreateMultipartUpload). */
export function writeConditionContext(request: ServiceRequest): ConditionContext {
  return {
    's3:x-amz-acl': header(request, 'x-amz-acl'),
    's3:x-amz-server-side-encryption': header(request, 'x-amz-server-side-encryption'),
    's3:x-amz-storage-class': header(request, 'x-amz-storage-class'),
  };
}

/** A request header's single value. */
export function header(request: ServiceRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
