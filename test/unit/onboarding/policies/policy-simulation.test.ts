/**
 * The generated policies evaluated by an independent IAM evaluator (@cloud-copilot/iam-simulate):
 * what the workflow needs is allowed, everything around it is denied. Each grant is checked on its
 * own (role policy without bucket policy, bucket policy without role policy) so that neither can
 * hide a hole in the other.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import type { OnboardingContext } from '../../../../src/onboarding/onboarding-context.js';
import { buildDestinationBucketPolicy } from '../../../../src/onboarding/policies/destination-bucket-policy.js';
import { buildPermissionsPolicy } from '../../../../src/onboarding/policies/permissions-policy.js';
import type { PolicyDocument } from '../../../../src/onboarding/policies/policy-document.js';
import { buildQueuePolicy } from '../../../../src/onboarding/policies/queue-policy.js';
import { buildSourceBucketPolicy } from '../../../../src/onboarding/policies/source-bucket-policy.js';
import { buildTopicPolicy } from '../../../../src/onboarding/policies/topic-policy.js';
import { buildTrustPolicy } from '../../../../src/onboarding/policies/trust-policy.js';
import {
  CUSTOMER_ACCOUNT,
  EXTERNAL_ID,
  makeContext,
  VENDOR_ACCOUNT,
  VENDOR_PRINCIPALS,
} from '../../../fixtures/onboarding.js';

type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

interface Request {
  principal: string;
  action: string;
  resource: string;
  resourceAccount: string;
  context?: Record<string, string | string[]>;
}

async function decide(
  request: Request,
  identity: PolicyDocument[],
  resourcePolicy?: PolicyDocument,
): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: request.context ?? {},
    },
    identityPolicies: identity.map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
  } as Simulation;
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    throw new Error(`simulation rejected its input: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

const ROLE_SESSION = `arn:aws:sts::${CUSTOMER_ACCOUNT}:assumed-role/BucketBridgeAccessRole/bucketbridge`;
const SOURCE = 'arn:aws:s3:::acme-source';
const DESTINATION = 'arn:aws:s3:::acme-destination';

function s3(action: string, resource: string, context: Request['context'] = {}): Request {
  return { principal: ROLE_SESSION, action, resource, resourceAccount: CUSTOMER_ACCOUNT, context };
}

/** What the workflow does: every one must be allowed. */
const NEEDED: [string, Request][] = [
  ['reading an object under the source prefix', s3('s3:GetObject', `${SOURCE}/videos/in/clip.mp4`)],
  [
    'reading an object in a folder below the source prefix',
    s3('s3:GetObject', `${SOURCE}/videos/in/2024/a b.mp4`),
  ],
  ['listing the source prefix', s3('s3:ListBucket', SOURCE, { 's3:prefix': 'videos/in/' })],
  [
    'listing a folder below the source prefix',
    s3('s3:ListBucket', SOURCE, { 's3:prefix': 'videos/in/2024/' }),
  ],
  ['writing under the destination prefix', s3('s3:PutObject', `${DESTINATION}/videos/out/clip.mp4`)],
  [
    "deleting verify's probe object",
    s3(
      's3:DeleteObject',
      `${DESTINATION}/videos/out/.bucketbridge-verify/2026-11-23T19-35-00-000Z-probe.txt`,
    ),
  ],
  ["finding the source bucket's region", s3('s3:GetBucketLocation', SOURCE)],
  ["finding the destination bucket's region", s3('s3:GetBucketLocation', DESTINATION)],
];

/** Around the workflow: every one must be denied. */
const FORBIDDEN: [string, Request][] = [
  ['reading an object outside the source prefix', s3('s3:GetObject', `${SOURCE}/private/payroll.csv`)],
  [
    'reading a sibling prefix that shares the leading characters',
    s3('s3:GetObject', `${SOURCE}/videos/inbox.txt`),
  ],
  ['reading from the destination', s3('s3:GetObject', `${DESTINATION}/videos/out/clip.mp4`)],
  ['deleting a source object', s3('s3:DeleteObject', `${SOURCE}/videos/in/clip.mp4`)],
  ['deleting a destination object', s3('s3:DeleteObject', `${DESTINATION}/videos/out/clip.mp4`)],
  [
    'deleting a look-alike of the probe folder outside the destination prefix',
    s3('s3:DeleteObject', `${DESTINATION}/other/.bucketbridge-verify/x-probe.txt`),
  ],
  ['writing into the source', s3('s3:PutObject', `${SOURCE}/videos/in/evil.mp4`)],
  ['writing outside the destination prefix', s3('s3:PutObject', `${DESTINATION}/other/clip.mp4`)],
  ['listing another prefix', s3('s3:ListBucket', SOURCE, { 's3:prefix': 'private/' })],
  ['listing the whole source bucket', s3('s3:ListBucket', SOURCE)],
  ['listing the destination', s3('s3:ListBucket', DESTINATION, { 's3:prefix': 'videos/out/' })],
  [
    'setting an ACL (none configured)',
    s3('s3:PutObjectAcl', `${DESTINATION}/videos/out/clip.mp4`, { 's3:x-amz-acl': 'public-read' }),
  ],
  ['listing all buckets (not allowed by the connection)', s3('s3:ListAllMyBuckets', '*')],
  ['replacing the source bucket policy', s3('s3:PutBucketPolicy', SOURCE)],
  ['reading another bucket', s3('s3:GetObject', 'arn:aws:s3:::acme-other/videos/in/clip.mp4')],
];

describe('the role policy alone (no bucket policy)', () => {
  const context = makeContext();
  const identity = [buildPermissionsPolicy(context)];
  it.each(NEEDED)('allows %s', async (_, request) => {
    expect(await decide(request, identity)).toBe('Allowed');
  });
  it.each(FORBIDDEN)('denies %s', async (_, request) => {
    expect(await decide(request, identity)).not.toBe('Allowed');
  });
});

describe('the bucket policies alone (no role policy)', () => {
  const context = makeContext();
  const policyFor = (resource: string) =>
    resource.startsWith(SOURCE) ? buildSourceBucketPolicy(context) : buildDestinationBucketPolicy(context);
  it.each(NEEDED)('allow %s', async (_, request) => {
    expect(await decide(request, [], policyFor(request.resource))).toBe('Allowed');
  });
  it.each(FORBIDDEN.filter(([, r]) => r.resource.startsWith(SOURCE) || r.resource.startsWith(DESTINATION)))(
    'deny %s',
    async (_, request) => {
      expect(await decide(request, [], policyFor(request.resource))).not.toBe('Allowed');
    },
  );
  it('grant nothing to a principal other than the role', async () => {
    const other = {
      ...s3('s3:GetObject', `${SOURCE}/videos/in/clip.mp4`),
      principal: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/SomeoneElse`,
    };
    expect(await decide(other, [], buildSourceBucketPolicy(context))).not.toBe('Allowed');
  });
});

describe('a source prefix without a trailing slash', () => {
  const context = makeContext({ source: { bucket: 'acme-source', prefix: 'incoming' } });
  const identity = [buildPermissionsPolicy(context)];
  it.each([
    ['listing the prefix itself', s3('s3:ListBucket', SOURCE, { 's3:prefix': 'incoming' }), 'Allowed'],
    ['reading a key that starts with the prefix', s3('s3:GetObject', `${SOURCE}/incoming/a.mp4`), 'Allowed'],
    [
      'listing a prefix that does not start with it',
      s3('s3:ListBucket', SOURCE, { 's3:prefix': 'outgoing' }),
      'ImplicitlyDenied',
    ],
  ] as const)('%s is %s', async (_, request, decision) => {
    expect(await decide(request, identity)).toBe(decision);
  });
});

describe('a source prefix with IAM wildcard characters', () => {
  const context = makeContext({ source: { bucket: 'acme-source', prefix: 'in*/' } });
  const identity = [buildPermissionsPolicy(context)];
  it('matches only keys that start with the literal characters', async () => {
    expect(await decide(s3('s3:GetObject', `${SOURCE}/in*/a.mp4`), identity)).toBe('Allowed');
    expect(await decide(s3('s3:GetObject', `${SOURCE}/inbox/a.mp4`), identity)).not.toBe('Allowed');
    expect(await decide(s3('s3:ListBucket', SOURCE, { 's3:prefix': 'inbox/' }), identity)).not.toBe(
      'Allowed',
    );
  });
});

describe('an empty source prefix (the whole bucket)', () => {
  const context = makeContext({ source: { bucket: 'acme-source', prefix: '' } });
  const identity = [buildPermissionsPolicy(context)];
  it.each([
    ['listing without a prefix', s3('s3:ListBucket', SOURCE)],
    ['listing any prefix', s3('s3:ListBucket', SOURCE, { 's3:prefix': 'any/' })],
    ['reading any key', s3('s3:GetObject', `${SOURCE}/any/key`)],
  ])('allows %s', async (_, request) => {
    expect(await decide(request, identity)).toBe('Allowed');
  });
  it('still denies deleting', async () => {
    expect(await decide(s3('s3:DeleteObject', `${SOURCE}/any/key`), identity)).not.toBe('Allowed');
  });
});

describe('optional grants', () => {
  it('an ACL is allowed only with the configured canned ACL', async () => {
    const context = makeContext({
      destination: { bucket: 'acme-destination', prefix: 'videos/out/', acl: 'bucket-owner-full-control' },
    });
    const identity = [buildPermissionsPolicy(context)];
    const key = `${DESTINATION}/videos/out/clip.mp4`;
    expect(
      await decide(s3('s3:PutObjectAcl', key, { 's3:x-amz-acl': 'bucket-owner-full-control' }), identity),
    ).toBe('Allowed');
    expect(await decide(s3('s3:PutObjectAcl', key, { 's3:x-amz-acl': 'public-read' }), identity)).not.toBe(
      'Allowed',
    );
  });
  it('s3:ListAllMyBuckets is allowed only with allowListAllBuckets', async () => {
    const context = makeContext({ onboarding: { allowListAllBuckets: true } });
    expect(await decide(s3('s3:ListAllMyBuckets', '*'), [buildPermissionsPolicy(context)])).toBe('Allowed');
  });
  it('KMS keys: decrypt with the source key, encrypt with the destination key, nothing more', async () => {
    const sourceKey = `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
    const destinationKey = `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
    const context = makeContext({
      source: { bucket: 'acme-source', prefix: 'videos/in/', kmsKeyArn: sourceKey },
      destination: { bucket: 'acme-destination', prefix: 'videos/out/', kmsKeyArn: destinationKey },
    });
    const identity = [buildPermissionsPolicy(context)];
    // KMS evaluates the key policy first; the default one delegates to the account's IAM policies.
    const defaultKeyPolicy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${CUSTOMER_ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
    const kms = async (action: string, key: string) =>
      decide({ ...s3(action, key), resourceAccount: CUSTOMER_ACCOUNT }, identity, defaultKeyPolicy);
    expect(await kms('kms:Decrypt', sourceKey)).toBe('Allowed');
    expect(await kms('kms:GenerateDataKey', sourceKey)).not.toBe('Allowed');
    expect(await kms('kms:GenerateDataKey', destinationKey)).toBe('Allowed');
    expect(await kms('kms:Decrypt', destinationKey)).toBe('Allowed');
    expect(await kms('kms:ScheduleKeyDeletion', destinationKey)).not.toBe('Allowed');
  });
});

describe('the trust policy', () => {
  const trust = buildTrustPolicy(makeContext());
  const vendorIdentity: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
  };
  const roleArn = `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/BucketBridgeAccessRole`;
  const assume = (principal: string, context: Record<string, string>): Request => ({
    principal,
    action: 'sts:AssumeRole',
    resource: roleArn,
    resourceAccount: CUSTOMER_ACCOUNT,
    context,
  });
  it.each(VENDOR_PRINCIPALS)(
    'lets vendor principal %s assume the role with the external ID',
    async (principal) => {
      expect(
        await decide(assume(principal, { 'sts:ExternalId': EXTERNAL_ID }), [vendorIdentity], trust),
      ).toBe('Allowed');
    },
  );
  it.each([
    ['a wrong external ID', VENDOR_PRINCIPALS[0]!, { 'sts:ExternalId': 'guessed' }],
    ['no external ID', VENDOR_PRINCIPALS[0]!, {}],
    [
      'another role of the vendor account',
      `arn:aws:iam::${VENDOR_ACCOUNT}:role/intern`,
      { 'sts:ExternalId': EXTERNAL_ID },
    ],
    [
      'another account',
      'arn:aws:iam::333333333333:role/bucketbridge-workers',
      { 'sts:ExternalId': EXTERNAL_ID },
    ],
  ])('denies %s', async (_, principal, context) => {
    expect(await decide(assume(principal, context), [vendorIdentity], trust)).not.toBe('Allowed');
  });
});

describe('the topic policy', () => {
  const context = makeContext({ workflow: 'live' }) as OnboardingContext & {
    live: { mode: 'sns'; topicArn: string; topicName: string };
  };
  const policy = buildTopicPolicy(context);
  const topicArn = context.live.topicArn;
  const publish = (context: Record<string, string>): Request => ({
    principal: 's3.amazonaws.com',
    action: 'sns:Publish',
    resource: topicArn,
    resourceAccount: CUSTOMER_ACCOUNT,
    context,
  });
  const vendorRoot = `arn:aws:iam::${VENDOR_ACCOUNT}:role/bucketbridge-workers`;
  const vendorIdentity: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sns:*', Resource: '*' }],
  };
  const byVendor = (action: string, context: Record<string, string> = {}): Request => ({
    principal: vendorRoot,
    action,
    resource: topicArn,
    resourceAccount: CUSTOMER_ACCOUNT,
    context,
  });
  const vendorQueue = `arn:aws:sqs:eu-central-1:${VENDOR_ACCOUNT}:bucketbridge-acme-videos`;
  it('lets S3 publish events of the source bucket from the customer account', async () => {
    const ok = publish({ 'aws:SourceArn': SOURCE, 'aws:SourceAccount': CUSTOMER_ACCOUNT });
    expect(await decide(ok, [], policy)).toBe('Allowed');
  });
  it.each([
    [
      'another bucket',
      { 'aws:SourceArn': 'arn:aws:s3:::someone-else', 'aws:SourceAccount': CUSTOMER_ACCOUNT },
    ],
    ['another account', { 'aws:SourceArn': SOURCE, 'aws:SourceAccount': '333333333333' }],
    ['no source at all', {}],
  ])('denies S3 publishing for %s', async (_, context) => {
    expect(await decide(publish(context), [], policy)).not.toBe('Allowed');
  });
  it('lets the vendor subscribe one of its own SQS queues', async () => {
    expect(
      await decide(
        byVendor('sns:Subscribe', { 'sns:Protocol': 'sqs', 'sns:Endpoint': vendorQueue }),
        [vendorIdentity],
        policy,
      ),
    ).toBe('Allowed');
  });
  it.each([
    [
      'subscribe an e-mail address',
      'sns:Subscribe',
      { 'sns:Protocol': 'email', 'sns:Endpoint': 'x@example.com' },
    ],
    [
      'subscribe a queue of another account',
      'sns:Subscribe',
      { 'sns:Protocol': 'sqs', 'sns:Endpoint': 'arn:aws:sqs:eu-central-1:333333333333:q' },
    ],
    ['publish', 'sns:Publish', {}],
    ['delete the topic', 'sns:DeleteTopic', {}],
    ['change the topic policy', 'sns:SetTopicAttributes', {}],
    ['add permissions', 'sns:AddPermission', {}],
  ])('denies the vendor to %s', async (_, action, context) => {
    expect(await decide(byVendor(action, context), [vendorIdentity], policy)).not.toBe('Allowed');
  });
});

describe('the queue policy (live through the customer queue)', () => {
  const queueUrl = `https://sqs.eu-central-1.amazonaws.com/${CUSTOMER_ACCOUNT}/acme-events`;
  const context = makeContext({ workflow: 'live', live: { mode: 'sqs', queueUrl } }) as OnboardingContext & {
    live: { mode: 'sqs'; queueArn: string; queueUrl: string };
  };
  const queueArn = `arn:aws:sqs:eu-central-1:${CUSTOMER_ACCOUNT}:acme-events`;
  const send = (context: Record<string, string>): Request => ({
    principal: 's3.amazonaws.com',
    action: 'sqs:SendMessage',
    resource: queueArn,
    resourceAccount: CUSTOMER_ACCOUNT,
    context,
  });
  it('lets S3 send the source bucket events and nothing from another bucket', async () => {
    const policy = buildQueuePolicy(context);
    expect(
      await decide(send({ 'aws:SourceArn': SOURCE, 'aws:SourceAccount': CUSTOMER_ACCOUNT }), [], policy),
    ).toBe('Allowed');
    expect(
      await decide(
        send({ 'aws:SourceArn': 'arn:aws:s3:::other', 'aws:SourceAccount': CUSTOMER_ACCOUNT }),
        [],
        policy,
      ),
    ).not.toBe('Allowed');
  });
  it.each([
    ['sqs:ReceiveMessage', 'Allowed'],
    ['sqs:DeleteMessage', 'Allowed'],
    ['sqs:ChangeMessageVisibility', 'Allowed'],
    ['sqs:GetQueueAttributes', 'Allowed'],
    ['sqs:GetQueueUrl', 'Allowed'],
    ['sqs:SendMessage', 'ImplicitlyDenied'],
    ['sqs:PurgeQueue', 'ImplicitlyDenied'],
    ['sqs:DeleteQueue', 'ImplicitlyDenied'],
    ['sqs:SetQueueAttributes', 'ImplicitlyDenied'],
  ] as const)('the role: %s is %s', async (action, decision) => {
    const request: Request = {
      principal: ROLE_SESSION,
      action,
      resource: queueArn,
      resourceAccount: CUSTOMER_ACCOUNT,
    };
    expect(await decide(request, [buildPermissionsPolicy(context)])).toBe(decision);
  });
});
