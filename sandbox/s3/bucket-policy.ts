/**
 * Put/Get/DeleteBucketPolicy (validated as S3 validates a bucket policy: MalformedPolicy with S3's
 * messages) and Put/Get/DeleteBucketOwnershipControls. Both are configured only from the bucket
 * owner's account, as with S3 (405 MethodNotAllowed for another account's identity).
 */
import { AwsError } from '../core/errors.js';
import type { PolicyDocument, PolicyStatement, ServiceResponse } from '../core/types.js';
import { authorizedBucket, type S3Call } from './s3-access.js';
import type { BucketRecord, ObjectOwnership } from './s3-state.js';
import { child, children, malformedXml, parseXml, text, xmlResponse } from './s3-xml.js';

function malformedPolicy(message: string): AwsError {
  return new AwsError('MalformedPolicy', message, 400);
}

/**
 * The prologue of a bucket configuration operation: the bucket, once `action` is authorized, for an
 * identity of the owner's account (S3 lets only those change bucket-level configuration).
 */
export function ownerConfiguredBucket(call: S3Call, action: string): BucketRecord {
  const bucket = authorizedBucket(call, action);
  if (call.request.caller.accountId !== bucket.ownerAccountId)
    throw new AwsError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
      {
        Method: call.request.method,
        ResourceType: 'BUCKETPOLICY',
      },
    );
  return bucket;
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function checkStatement(bucket: string, statement: PolicyStatement): void {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
    throw malformedPolicy(`Invalid effect: ${String(statement.Effect)}`);
  if (statement.Principal === undefined && statement.NotPrincipal === undefined)
    throw malformedPolicy('Missing required field Principal');
  const actions = asList(statement.Action ?? statement.NotAction);
  if (actions.length === 0) throw malformedPolicy('Missing required field Action');
  for (const action of actions) {
    if (action !== '*' && !/^s3:[A-Za-z*?]+$/.test(action))
      throw malformedPolicy('Policy has invalid action');
  }
  const resources = asList(statement.Resource ?? statement.NotResource);
  if (resources.length === 0) throw malformedPolicy('Missing required field Resource');
  for (const resource of resources) {
    if (
      resource !== '*' &&
      resource !== `arn:aws:s3:::${bucket}` &&
      !resource.startsWith(`arn:aws:s3:::${bucket}/`)
    )
      throw malformedPolicy('Policy has invalid resource');
  }
}

/** Parses and checks a bucket policy document; throws MalformedPolicy with S3's messages. */
export function parseBucketPolicy(bucket: string, text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !text.trim().startsWith('{'))
    throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  const document = parsed as PolicyDocument;
  if (
    document.Version !== undefined &&
    document.Version !== '2012-10-17' &&
    document.Version !== '2008-10-17'
  )
    throw malformedPolicy('The policy must contain a valid version string');
  if (document.Statement === undefined) throw malformedPolicy('Missing required field Statement');
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements) {
    if (typeof statement !== 'object' || statement === null)
      throw malformedPolicy('Statement is not an object');
    checkStatement(bucket, statement);
  }
  return document;
}

export async function putBucketPolicy(call: S3Call): Promise<ServiceResponse> {
  const bucket = ownerConfiguredBucket(call, 's3:PutBucketPolicy');
  const body = (await call.request.readBody()).toString();
  bucket.policy = { text: body, document: parseBucketPolicy(bucket.name, body) };
  return { status: 204 };
}

export function getBucketPolicy(call: S3Call): ServiceResponse {
  const bucket = ownerConfiguredBucket(call, 's3:GetBucketPolicy');
  if (!bucket.policy)
    throw new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, {
      BucketName: bucket.name,
    });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: bucket.policy.text };
}

export function deleteBucketPolicy(call: S3Call): ServiceResponse {
  const bucket = ownerConfiguredBucket(call, 's3:DeleteBucketPolicy');
  bucket.policy = undefined;
  return { status: 204 };
}

const OWNERSHIPS = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

export async function putBucketOwnershipControls(call: S3Call): Promise<ServiceResponse> {
  const bucket = ownerConfiguredBucket(call, 's3:PutBucketOwnershipControls');
  const rules = children(child(parseXml(await call.request.readBody()), 'OwnershipControls'), 'Rule');
  const value = rules.length === 1 ? text(rules[0], 'ObjectOwnership') : undefined;
  if (value === undefined || !OWNERSHIPS.has(value)) throw malformedXml();
  bucket.ownership = value as ObjectOwnership;
  return { status: 200 };
}

export function getBucketOwnershipControls(call: S3Call): ServiceResponse {
  const bucket = authorizedBucket(call, 's3:GetBucketOwnershipControls');
  if (!bucket.ownership)
    throw new AwsError(
      'OwnershipControlsNotFoundError',
      'The bucket ownership controls were not found',
      404,
      {
        BucketName: bucket.name,
      },
    );
  return xmlResponse('OwnershipControls', [['Rule', [['ObjectOwnership', bucket.ownership]]]]);
}

export function deleteBucketOwnershipControls(call: S3Call): ServiceResponse {
  // S3 checks the Put permission for deleting ownership controls.
  const bucket = ownerConfiguredBucket(call, 's3:PutBucketOwnershipControls');
  bucket.ownership = undefined;
  return { status: 204 };
}
