/**
 * Canned ACLs on objects and buckets: PutObjectAcl/GetObjectAcl and PutBucketAcl/GetBucketAcl.
 * With Object Ownership BucketOwnerEnforced (the default for new buckets), ACLs other than
 * bucket-owner-full-control are refused with AccessControlListNotSupported; reading ACLs still works.
 * ACLs are recorded and reported; access decisions come from IAM and bucket policies. Grant lists
 * (x-amz-grant-* headers are checked against Object Ownership; AccessControlPolicy bodies) are refused.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceRequest, ServiceResponse } from '../core/types.js';
import { requestedAcl } from './object-attributes.js';
import { canonicalUserId } from './owner-ids.js';
import { authorizedBucket, authorizedObject, header, type S3Call, type S3Env } from './s3-access.js';
import type { BucketRecord } from './s3-state.js';
import type { XmlNode } from './s3-xml.js';
import { xmlResponse } from './s3-xml.js';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

function userGrant(accountId: string, permission: string): XmlNode {
  return [
    'Grant',
    [
      [`Grantee ${XSI} xsi:type="CanonicalUser"`, [['ID', canonicalUserId(accountId)]]],
      ['Permission', permission],
    ],
  ];
}

function groupGrant(uri: string, permission: string): XmlNode {
  return [
    'Grant',
    [
      [`Grantee ${XSI} xsi:type="Group"`, [['URI', uri]]],
      ['Permission', permission],
    ],
  ];
}

/** The grants a canned ACL stands for. */
export function cannedGrants(acl: string, ownerAccountId: string, bucketOwnerAccountId: string): XmlNode[] {
  const grants = [userGrant(ownerAccountId, 'FULL_CONTROL')];
  switch (acl) {
    case 'public-read':
      grants.push(groupGrant(ALL_USERS, 'READ'));
      break;
    case 'public-read-write':
      grants.push(groupGrant(ALL_USERS, 'READ'), groupGrant(ALL_USERS, 'WRITE'));
      break;
    case 'authenticated-read':
      grants.push(groupGrant(AUTHENTICATED_USERS, 'READ'));
      break;
    case 'bucket-owner-read':
      if (bucketOwnerAccountId !== ownerAccountId) grants.push(userGrant(bucketOwnerAccountId, 'READ'));
      break;
    case 'bucket-owner-full-control':
      if (bucketOwnerAccountId !== ownerAccountId)
        grants.push(userGrant(bucketOwnerAccountId, 'FULL_CONTROL'));
      break;
  }
  return grants;
}

function aclResponse(env: S3Env, ownerAccountId: string, grants: XmlNode[]): ServiceResponse {
  const account = env.ctx.accounts.find((a) => a.id === ownerAccountId);
  return xmlResponse('AccessControlPolicy', [
    [
      'Owner',
      [
        ['ID', canonicalUserId(ownerAccountId)],
        ['DisplayName', account?.name],
      ],
    ],
    ['AccessControlList', grants],
  ]);
}

/** The canned ACL of a PutObjectAcl/PutBucketAcl request; ACL documents in the body are not supported. */
async function cannedAclOf(request: ServiceRequest, bucket: BucketRecord): Promise<string> {
  const body = await request.readBody();
  const acl = requestedAcl(request, bucket);
  if (acl !== undefined) return acl;
  if (body.length > 0) {
    if (bucket.ownership === 'BucketOwnerEnforced')
      throw new AwsError('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
    throw new AwsError(
      'InvalidRequest',
      'The sandbox accepts canned ACLs (the x-amz-acl header); grant lists in the request body are refused',
      400,
    );
  }
  throw new AwsError('MissingSecurityHeader', 'Your request was missing a required header', 400, {
    MissingHeaderName: 'x-amz-acl',
  });
}

/** The condition key S3 offers for an ACL write. */
function aclContext(request: ServiceRequest) {
  return { 's3:x-amz-acl': header(request, 'x-amz-acl') };
}

export async function putObjectAcl(call: S3Call): Promise<ServiceResponse> {
  const { bucket, object } = authorizedObject(call, 's3:PutObjectAcl', aclContext(call.request));
  object.acl = await cannedAclOf(call.request, bucket);
  return { status: 200 };
}

export function getObjectAcl(call: S3Call): ServiceResponse {
  const { bucket, object } = authorizedObject(call, 's3:GetObjectAcl');
  const acl = bucket.ownership === 'BucketOwnerEnforced' ? 'private' : object.acl;
  return aclResponse(
    call.env,
    object.ownerAccountId,
    cannedGrants(acl, object.ownerAccountId, bucket.ownerAccountId),
  );
}

export async function putBucketAcl(call: S3Call): Promise<ServiceResponse> {
  const bucket = authorizedBucket(call, 's3:PutBucketAcl', aclContext(call.request));
  bucket.acl = await cannedAclOf(call.request, bucket);
  return { status: 200 };
}

export function getBucketAcl(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:GetBucketAcl');
  const acl = bucket.ownership === 'BucketOwnerEnforced' ? 'private' : bucket.acl;
  return aclResponse(
    call.env,
    bucket.ownerAccountId,
    cannedGrants(acl, bucket.ownerAccountId, bucket.ownerAccountId),
  );
}
