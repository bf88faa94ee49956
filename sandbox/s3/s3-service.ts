/**
 * The sandbox's S3: REST-XML over path-style URLs (`/bucket/key`), routed by method, key and sub-resource to the operation modules. Object bodies
 * stream through the blob store (a temporary directory, or `DIR/s3/` with `--state`).
 */
import { join } from 'node:path';
import { AwsError } from '../core/errors.js';
import type { SandboxContext, Service, ServiceRequest, ServiceResponse } from '../core/types.js';
import { hostIdFor, s3Error } from '../protocols/s3-xml.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acls.js';
import { BlobStore } from './blob-store.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './bucket-encryption.js';
import {
  deleteBucketOwnershipControls,
  deleteBucketPolicy,
  getBucketOwnershipControls,
  getBucketPolicy,
  putBucketOwnershipControls,
  putBucketPolicy,
} from './bucket-policy.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './buckets.js';
import { getObjectAttributes } from './get-object-attributes.js';
import { listObjects } from './listing.js';
import { completeMultipartUpload } from './multipart-complete.js';
import { listMultipartUploads, listParts } from './multipart-listing.js';
import {
  abortMultipartUpload,
  createMultipartUpload,
  uploadPart,
  uploadPartCopy,
} from './multipart-uploads.js';
import { getBucketNotification, putBucketNotification } from './notifications.js';
import { copyObject } from './object-copy.js';
import { getObjectLockConfiguration, putObjectLockConfiguration } from './object-lock.js';
import { getObject } from './object-reads.js';
import {
  getObjectLegalHold,
  getObjectRetention,
  putObjectLegalHold,
  putObjectRetention,
} from './object-retention.js';
import { deleteObject, deleteObjects, putObject } from './object-writes.js';
import type { S3Call, S3Env } from './s3-access.js';
import { headersOf } from './s3-errors.js';
import { S3State } from './s3-state.js';
import {
  deleteBucketTagging,
  deleteObjectTagging,
  getBucketTagging,
  getObjectTagging,
  putBucketTagging,
  putObjectTagging,
} from './tagging.js';
import { getBucketVersioning, listObjectVersions, putBucketVersioning } from './versioning.js';

type Handler = (call: S3Call) => ServiceResponse | Promise<ServiceResponse>;

/** A route: HTTP method, the sub-resource query parameter that selects it ('' for none), the handler. */
type Route = [method: string, subresource: string, handler: Handler];

const BUCKET_ROUTES: Route[] = [
  ['GET', 'location', getBucketLocation],
  ['GET', 'policy', getBucketPolicy],
  ['PUT', 'policy', putBucketPolicy],
  ['DELETE', 'policy', deleteBucketPolicy],
  ['GET', 'ownershipControls', getBucketOwnershipControls],
  ['PUT', 'ownershipControls', putBucketOwnershipControls],
  ['DELETE', 'ownershipControls', deleteBucketOwnershipControls],
  ['GET', 'notification', getBucketNotification],
  ['PUT', 'notification', putBucketNotification],
  ['GET', 'tagging', getBucketTagging],
  ['PUT', 'tagging', putBucketTagging],
  ['DELETE', 'tagging', deleteBucketTagging],
  ['GET', 'acl', getBucketAcl],
  ['PUT', 'acl', putBucketAcl],
  ['GET', 'object-lock', getObjectLockConfiguration],
  ['PUT', 'object-lock', putObjectLockConfiguration],
  ['GET', 'versioning', getBucketVersioning],
  ['PUT', 'versioning', putBucketVersioning],
  ['GET', 'versions', listObjectVersions],
  ['GET', 'encryption', getBucketEncryption],
  ['PUT', 'encryption', putBucketEncryption],
  ['DELETE', 'encryption', deleteBucketEncryption],
  ['GET', 'uploads', listMultipartUploads],
  ['POST', 'delete', deleteObjects],
  ['GET', '', listObjects],
  ['PUT', '', createBucket],
  ['DELETE', '', deleteBucket],
  ['HEAD', '', headBucket],
];

const OBJECT_ROUTES: Route[] = [
  ['GET', 'uploadId', listParts],
  ['POST', 'uploadId', completeMultipartUpload],
  ['DELETE', 'uploadId', abortMultipartUpload],
  ['POST', 'uploads', createMultipartUpload],
  [
    'PUT',
    'partNumber',
    (call) => (call.request.headers['x-amz-copy-source'] ? uploadPartCopy(call) : uploadPart(call)),
  ],
  ['GET', 'attributes', getObjectAttributes],
  ['GET', 'retention', getObjectRetention],
  ['PUT', 'retention', putObjectRetention],
  ['GET', 'legal-hold', getObjectLegalHold],
  ['PUT', 'legal-hold', putObjectLegalHold],
  ['GET', 'acl', getObjectAcl],
  ['PUT', 'acl', putObjectAcl],
  ['GET', 'tagging', getObjectTagging],
  ['PUT', 'tagging', putObjectTagging],
  ['DELETE', 'tagging', deleteObjectTagging],
  ['GET', '', getObject],
  ['HEAD', '', getObject],
  ['PUT', '', (call) => (call.request.headers['x-amz-copy-source'] ? copyObject(call) : putObject(call))],
  ['DELETE', '', deleteObject],
];

/** Sub-resources S3 has but the sandbox does not serve; they get S3's own NotImplemented answer. */
const KNOWN_UNSERVED = [
  'cors',
  'lifecycle',
  'website',
  'logging',
  'replication',
  'accelerate',
  'requestPayment',
  'analytics',
  'inventory',
  'metrics',
  'intelligent-tiering',
  'publicAccessBlock',
  'policyStatus',
  'restore',
  'select',
  'torrent',
  'session',
  'renameObject',
  'metadataTable',
  'metadataConfiguration',
];

/** The sub-resources the routes serve; `uploadId` and `partNumber` are parameters of plain object operations too. */
const SUBRESOURCES = [
  ...new Set([...BUCKET_ROUTES, ...OBJECT_ROUTES].map(([, subresource]) => subresource)),
].filter((name) => name !== '' && name !== 'uploadId' && name !== 'partNumber');

/** Splits a path-style request (`/bucket/key`; the server rewrites virtual hosts) into bucket and decoded key. */
export function addressOf(request: ServiceRequest): { bucket: string; key: string } {
  // The raw path: url.pathname would fold dot segments, and `a/../b` is a valid key of its own.
  const rest = (request.rawPath ?? request.url.pathname).slice(1);
  const slash = rest.indexOf('/');
  try {
    if (slash < 0) return { bucket: decodeURIComponent(rest), key: '' };
    return {
      bucket: decodeURIComponent(rest.slice(0, slash)),
      key: decodeURIComponent(rest.slice(slash + 1)),
    };
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.", 400, { URI: request.url.pathname });
  }
}

function route(env: S3Env, request: ServiceRequest): ServiceResponse | Promise<ServiceResponse> {
  const { bucket, key } = addressOf(request);
  const method = request.method.toUpperCase();
  if (bucket === '') {
    if (method === 'GET') return listBuckets(env, request);
    throw new AwsError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      {
        Method: method,
        ResourceType: 'SERVICE',
      },
    );
  }
  const params = request.url.searchParams;
  const routes = key === '' ? BUCKET_ROUTES : OBJECT_ROUTES;
  const unserved = KNOWN_UNSERVED.find((name) => params.has(name));
  // A sub-resource without a route for this method (DELETE ?acl) must not fall through to the
  // plain operation (DeleteBucket): S3 answers MethodNotAllowed.
  const named = SUBRESOURCES.some((name) => params.has(name));
  if (unserved === undefined) {
    for (const [routeMethod, subresource, handler] of routes) {
      if (routeMethod === method && (subresource === '' ? !named : params.has(subresource)))
        return handler({ env, request, bucketName: bucket, key });
    }
  }
  if (routes.some(([m]) => m === method) && unserved === undefined)
    throw new AwsError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      {
        Method: method,
        ResourceType: key === '' ? 'BUCKET' : 'OBJECT',
      },
    );
  throw new AwsError(
    'NotImplemented',
    'A header you provided implies functionality that is not implemented',
    501,
    {
      Header: unserved ?? method,
    },
  );
}

/** Options beyond the shared context, for tests. */
export interface S3ServiceOptions {
  /** Bodies up to this many bytes stay in memory when there is no state directory. Default 256 KiB. */
  memoryLimitBytes?: number;
}

/** The S3 service of the sandbox. With `ctx.stateDir`, bodies live under `DIR/s3/` and metadata is snapshotted. */
export function createS3Service(ctx: SandboxContext, options: S3ServiceOptions = {}): Service {
  const store = new BlobStore({
    dir: ctx.stateDir ? join(ctx.stateDir, 's3') : undefined,
    memoryLimitBytes: options.memoryLimitBytes,
  });
  const state = new S3State(store, ctx.now().getTime());
  const env: S3Env = { ctx, state, store };
  return {
    name: 's3',
    async handle(request: ServiceRequest): Promise<ServiceResponse> {
      const ids = { 'x-amz-request-id': request.requestId, 'x-amz-id-2': hostIdFor(request.requestId) };
      try {
        const response = await route(env, request);
        return { ...response, headers: { ...ids, ...response.headers } };
      } catch (error) {
        if (error instanceof AwsError)
          return s3Error(error, request.requestId, request.method.toUpperCase(), headersOf(error));
        throw error;
      }
    },
    snapshot: () => state.snapshot(),
    restore: (data: unknown) => state.restore(data),
  };
}
