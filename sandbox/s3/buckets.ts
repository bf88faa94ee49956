/**
 * Bucket lifecycle: ListBuckets, CreateBucket (LocationConstraint gives the region), HeadBucket,
 * DeleteBucket and GetBucketLocation.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceRequest, ServiceResponse } from '../core/types.js';
import { lockRequestedAtCreation } from './object-lock.js';
import { canonicalUserId } from './owner-ids.js';
import { authorize, authorizedBucket, findBucket, header, type S3Call, type S3Env } from './s3-access.js';
import { withHeaders } from './s3-errors.js';
import type { BucketRecord, ObjectOwnership } from './s3-state.js';
import { child, escapeXml, isoTime, parseXml, S3_XMLNS, text, type XmlNode, xmlResponse } from './s3-xml.js';
import { SortedKeyMap } from './sorted-keys.js';

const OWNERSHIPS: readonly ObjectOwnership[] = [
  'BucketOwnerEnforced',
  'BucketOwnerPreferred',
  'ObjectWriter',
];
export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
];

/** Why `name` is not a valid bucket name (S3's general-purpose bucket naming rules), or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return 'may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not be formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return 'uses a reserved prefix or suffix';
  return undefined;
}

export function ownerNodes(env: S3Env, accountId: string): XmlNode[] {
  const account = env.ctx.accounts.find((a) => a.id === accountId);
  return [
    ['ID', canonicalUserId(accountId)],
    ['DisplayName', account?.name],
  ];
}

export function listBuckets(env: S3Env, request: ServiceRequest): ServiceResponse {
  const caller = request.caller;
  env.ctx.authz.authorize({
    caller,
    action: 's3:ListAllMyBuckets',
    resource: '*',
    resourceAccountId: caller.accountId,
    context: { 'aws:SecureTransport': request.secureTransport },
  });
  const params = request.url.searchParams;
  const prefix = params.get('prefix') ?? '';
  const region = params.get('bucket-region');
  const maxBuckets = Number(params.get('max-buckets') ?? '10000');
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1 || maxBuckets > 10000)
    throw new AwsError(
      'InvalidArgument',
      'Argument max-buckets must be an integer between 1 and 10000',
      400,
      {
        ArgumentName: 'max-buckets',
        ArgumentValue: String(params.get('max-buckets')),
      },
    );
  const after = params.get('continuation-token')
    ? Buffer.from(params.get('continuation-token')!, 'base64url').toString()
    : '';
  const owned = [...env.state.buckets.values()]
    .filter((b) => b.ownerAccountId === caller.accountId && b.name.startsWith(prefix) && b.name > after)
    .filter((b) => !region || b.region === region)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = owned.slice(0, maxBuckets);
  const truncated = owned.length > page.length;
  return xmlResponse('ListAllMyBucketsResult', [
    ['Owner', ownerNodes(env, caller.accountId)],
    [
      'Buckets',
      page.map(
        (b): XmlNode => [
          'Bucket',
          [
            ['Name', b.name],
            ['CreationDate', isoTime(b.createdMs)],
            ['BucketRegion', b.region],
          ],
        ],
      ),
    ],
    ['ContinuationToken', truncated ? Buffer.from(page.at(-1)!.name).toString('base64url') : undefined],
    ['Prefix', params.has('prefix') ? prefix : undefined],
  ]);
}

async function requestedRegion(env: S3Env, request: ServiceRequest): Promise<string> {
  const body = await request.readBody();
  const constraint =
    body.length > 0
      ? text(child(parseXml(body), 'CreateBucketConfiguration'), 'LocationConstraint')
      : undefined;
  if (constraint === undefined || constraint === '') {
    if (request.region !== env.ctx.defaultRegion && request.region !== 'us-east-1')
      throw new AwsError(
        'IllegalLocationConstraintException',
        'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
      );
    return 'us-east-1';
  }
  if (constraint === 'us-east-1')
    throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
      LocationConstraint: constraint,
    });
  const region = constraint === 'EU' ? 'eu-west-1' : constraint;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
      LocationConstraint: constraint,
    });
  if (request.region !== region && request.region !== env.ctx.defaultRegion)
    throw new AwsError(
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  return region;
}

export async function createBucket(call: S3Call): Promise<ServiceResponse> {
  const { env, request, bucketName: name } = call;
  const problem = bucketNameProblem(name);
  if (problem)
    throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
  const caller = request.caller;
  const acl = header(request, 'x-amz-acl');
  env.ctx.authz.authorize({
    caller,
    action: 's3:CreateBucket',
    resource: `arn:aws:s3:::${name}`,
    resourceAccountId: caller.accountId,
    context: { 'aws:SecureTransport': request.secureTransport, 's3:x-amz-acl': acl },
  });
  const region = await requestedRegion(env, request);
  const existing = env.state.buckets.get(name);
  if (existing) {
    if (existing.ownerAccountId !== caller.accountId)
      throw new AwsError(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        409,
        { BucketName: name },
      );
    // S3 keeps its legacy answer in us-east-1: re-creating a bucket you own there succeeds.
    if (existing.region === 'us-east-1' && region === 'us-east-1')
      return { status: 200, headers: { location: `/${name}` } };
    throw new AwsError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: name },
    );
  }
  const ownershipHeader = header(request, 'x-amz-object-ownership');
  const ownership = (ownershipHeader ?? 'BucketOwnerEnforced') as ObjectOwnership;
  if (!OWNERSHIPS.includes(ownership))
    throw new AwsError('InvalidArgument', 'Invalid x-amz-object-ownership header', 400, {
      ArgumentName: 'x-amz-object-ownership',
      ArgumentValue: ownershipHeader ?? '',
    });
  if (acl !== undefined && !CANNED_ACLS.includes(acl))
    throw new AwsError('InvalidArgument', 'Invalid canned ACL', 400, {
      ArgumentName: 'x-amz-acl',
      ArgumentValue: acl,
    });
  if (
    ownership === 'BucketOwnerEnforced' &&
    acl !== undefined &&
    acl !== 'private' &&
    acl !== 'bucket-owner-full-control'
  )
    throw new AwsError(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  const bucket: BucketRecord = {
    name,
    region,
    ownerAccountId: caller.accountId,
    createdMs: env.ctx.now().getTime(),
    ownership,
    acl: acl ?? 'private',
    notifications: [],
    objects: new SortedKeyMap(),
    uploads: new Map(),
    history: new Map(),
  };
  // Object Lock needs versioning: S3 turns it on with the lock, for good.
  if (lockRequestedAtCreation(request)) Object.assign(bucket, { objectLock: {}, versioning: 'Enabled' });
  env.state.buckets.set(name, bucket);
  return { status: 200, headers: { location: `/${name}` } };
}

export function headBucket(call: S3Call): ServiceResponse {
  const { env, request, bucketName: name } = call;
  const bucket = findBucket(env, request, name);
  const regionHeader = { 'x-amz-bucket-region': bucket.region };
  try {
    authorize(env, request, bucket, 's3:ListBucket');
  } catch (error) {
    throw error instanceof AwsError ? withHeaders(error, regionHeader) : error;
  }
  return { status: 200, headers: { ...regionHeader, 'x-amz-access-point-alias': 'false' } };
}

export function deleteBucket(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:DeleteBucket');
  if (bucket.objects.size > 0 || bucket.history.size > 0)
    throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
      BucketName: call.bucketName,
    });
  for (const upload of bucket.uploads.values())
    call.env.store.release([...upload.parts.values()].map((p) => p.segment));
  call.env.state.buckets.delete(call.bucketName);
  return { status: 204 };
}

/** GetBucketLocation answers from any region (that is how clients find a bucket's region). */
export function getBucketLocation(call: S3Call): ServiceResponse {
  const { env, request, bucketName: name } = call;
  const bucket = findBucket(env, request, name, false);
  authorize(env, request, bucket, 's3:GetBucketLocation');
  const constraint = bucket.region === 'us-east-1' ? '' : escapeXml(bucket.region);
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${constraint}</LocationConstraint>`,
  };
}
