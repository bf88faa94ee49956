/**
 * Checking and breaking an onboarded customer (test/helpers/customer-setup.ts builds one): verify
 * run with the vendor's credentials and its report read by check, the vendor's queue subscribed as
 * `live` would, and small edits that break a setup the way a customer might.
 *
 * ```ts
 * const setup = await onboardOnSandbox(sandbox, { workflow: 'live' });
 * await removeGrantedAction(setup, 's3:GetObject');
 * expect(findCheck(await verifySetup(sandbox, setup), 'source.read').status).toBe('fail');
 * ```
 */
import {
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ensureVendorQueue } from '../../src/live/vendor-queue.js';
import { INLINE_POLICY_NAME } from '../../src/onboarding/render-cloudformation.js';
import { verifyConnections } from '../../src/onboarding/verify/verify.js';
import type { VerifyReport } from '../../src/onboarding/verify/verify-types.js';
import { type OnboardedSetup, vendorCredentials } from './customer-setup.js';
import type { TestSandbox } from './sandbox.js';

/** A trust policy: `principal` may assume the role, with the external ID condition when one is given. */
export function trustPolicy(principal: string, externalId: string | undefined): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined
          ? {}
          : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  });
}

/** Replaces the role's trust policy, as a customer editing it by hand would. */
export async function replaceTrustPolicy(setup: OnboardedSetup, document: string): Promise<void> {
  await setup.clients.iam.send(
    new UpdateAssumeRolePolicyCommand({ RoleName: setup.context.roleName, PolicyDocument: document }),
  );
}

interface Statement {
  Action: string | string[];
  [key: string]: unknown;
}

/** A policy document without one action (statements left with no action are dropped). */
function withoutAction(text: string, action: string): string {
  const document = JSON.parse(text) as { Statement: Statement[] };
  document.Statement = document.Statement.flatMap((statement) => {
    const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
      (a) => a !== action,
    );
    return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
  });
  return JSON.stringify(document);
}

/**
 * Takes one action away from the role: from its inline policy and from both bucket policies (within
 * one account, a bucket policy naming the role grants access on its own).
 */
export async function removeGrantedAction(setup: OnboardedSetup, action: string): Promise<void> {
  const { iam, s3 } = setup.clients;
  const { PolicyDocument } = await iam.send(
    new GetRolePolicyCommand({ RoleName: setup.context.roleName, PolicyName: INLINE_POLICY_NAME }),
  );
  const document = withoutAction(decodeURIComponent(PolicyDocument ?? '{}'), action);
  for (const bucket of new Set([setup.connection.source.bucket, setup.connection.destination.bucket])) {
    const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: withoutAction(Policy ?? '{}', action) }),
    );
  }
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: setup.context.roleName,
      PolicyName: INLINE_POLICY_NAME,
      PolicyDocument: document,
    }),
  );
}

/**
 * What `bucketbridge live` does first for an sns-mode connection: creates the vendor's queue and
 * subscribes it to the customer's topic, with the vendor's credentials.
 */
export async function subscribeVendorQueue(sandbox: TestSandbox, setup: OnboardedSetup): Promise<void> {
  const live = setup.connection.live;
  if (setup.context.live?.mode !== 'sns' || live === undefined)
    throw new Error('not an sns-mode live connection');
  const vendor = sandbox.sdkConfig('vendor');
  await ensureVendorQueue({
    sqs: new SQSClient(vendor),
    sns: new SNSClient(vendor),
    topicArn: setup.context.live.topicArn,
    queueName: live.queueName ?? `bucketbridge-${setup.connection.name}`,
    maxReceiveCount: live.maxReceiveCount,
    visibilityTimeoutSec: 30,
    rawMessageDelivery: live.rawMessageDelivery,
  });
}

/** Runs verify's checks for the setup's one connection with the vendor's credentials. */
export function verifySetup(
  sandbox: TestSandbox,
  setup: OnboardedSetup,
  options: { now?: Date; retiredExternalIds?: string[] } = {},
): Promise<VerifyReport> {
  return verifyConnections({
    config: setup.config,
    connections: [setup.connection],
    vendorCredentials: vendorCredentials(sandbox),
    ...options,
  });
}

/** `id → status` for every check of the report's one connection. */
export function checkStatuses(report: VerifyReport): Record<string, string> {
  return Object.fromEntries(report.connections[0]!.checks.map((c) => [c.id, c.status]));
}

/** One check of the report's one connection. */
export function findCheck(report: VerifyReport, id: string) {
  return report.connections[0]!.checks.find((c) => c.id === id)!;
}
