/**
 * The plan of `onboard --apply`: reads what the customer's account already has (role, inline
 * policy, topic and its policy, queue policy, bucket policies, bucket notification) and computes
 * each change, before anything is written. The role's trust and inline policy are ours and are
 * replaced; resource policies and the notification are MERGED (see merge-statements.ts,
 * merge-notification.ts). An overlapping notification rule fails the plan, so nothing is written.
 */
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  SetTopicAttributesCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { OnboardingContext, SnsLiveContext, SqsLiveContext } from '../onboarding-context.js';
import {
  type BucketNotificationConfiguration,
  buildBucketNotification,
} from '../policies/bucket-notification.js';
import { buildDestinationBucketPolicy } from '../policies/destination-bucket-policy.js';
import { buildPermissionsPolicy } from '../policies/permissions-policy.js';
import { type PolicyDocument, toPolicyJson } from '../policies/policy-document.js';
import { buildQueuePolicy } from '../policies/queue-policy.js';
import { buildSourceBucketPolicy } from '../policies/source-bucket-policy.js';
import { buildTopicPolicy } from '../policies/topic-policy.js';
import { buildTrustPolicy } from '../policies/trust-policy.js';
import { INLINE_POLICY_NAME } from '../render-cloudformation.js';
import { mergeNotification } from './merge-notification.js';
import { canonicalJson, mergeStatements } from './merge-statements.js';
import { planKeyPolicies } from './plan-key-policies.js';
import { retryNewPrincipal } from './retry-new-principal.js';

/** Clients signed with the customer's administrator credentials. */
export interface ApplyClients {
  /**
   * Tells whose credentials these are, before anything else is read: `--apply` refuses another
   * account's. The CLI always passes one; without it the account is not checked.
   */
  sts?: STSClient;
  iam: IAMClient;
  /** Should follow region redirects: buckets may live in other regions. */
  s3: S3Client;
  /** In the topic's region (sns mode). */
  sns: SNSClient;
  /** In the queue's region (sqs mode). */
  sqs: SQSClient;
  /** A KMS client in a key's region (connections with `kmsKeyArn`). */
  kms?: (region: string) => KMSClient;
}

export interface PlannedChange {
  /** What changes, e.g. `S3 bucket policy of acme-src`. */
  resource: string;
  kind: 'create' | 'update' | 'unchanged';
  /** The current document as text ('' when there is none). */
  before: string;
  /** The document after the change. */
  after: string;
  /** Makes the change. Not called for `unchanged`, nor in a dry run. */
  execute: () => Promise<unknown>;
}

/** What to do about the errors an administrator most often meets. */
function hintFor(name: string): string {
  if (name === 'CredentialsProviderError') {
    return "; --apply runs with the customer administrator's credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  }
  if (/^(AccessDenied|AuthorizationError)(Exception)?$/.test(name)) {
    return "; --apply needs the customer administrator's credentials (IAM roles and policies, S3 bucket policies and notifications, SNS/SQS attributes)";
  }
  return '';
}

/** An AWS call failed, or the credentials are the wrong account's; the message names the step and the fix. */
export class ApplyStepError extends Error {
  override readonly name = 'ApplyStepError';
  constructor(step: string, error: unknown) {
    const e = error as { name?: string; message?: string };
    const name = e.name ?? 'Error';
    super(`${step} failed: ${name}: ${e.message ?? String(error)}${hintFor(name)}`, { cause: error });
  }
}

/**
 * IAM, SNS and SQS act in the caller's own account: with another account's credentials `--apply`
 * would create the role in the wrong place. Refuse unless the caller is in the connection's account.
 */
async function checkAccount(context: OnboardingContext, sts: STSClient): Promise<void> {
  let account: string | undefined;
  try {
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw new ApplyStepError('Checking whose credentials these are (sts:GetCallerIdentity)', error);
  }
  if (account !== context.accountId) {
    throw new ApplyStepError('Checking the account', {
      name: 'WrongAccount',
      message: `these credentials belong to account ${account ?? 'unknown'}, but connection "${context.connectionName}" belongs to account ${context.accountId}; run --apply with an administrator of account ${context.accountId}`,
    });
  }
}

/** Runs `call`; `undefined` when AWS answers with one of the "does not exist" codes. */
async function getOrMissing<T>(
  step: string,
  missing: string[],
  call: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (missing.includes(name)) return undefined;
    throw new ApplyStepError(step, error);
  }
}

function change(
  resource: string,
  before: unknown,
  after: unknown,
  execute: PlannedChange['execute'],
): PlannedChange {
  const beforeText = before === undefined ? '' : toPolicyJson(before);
  const kind =
    before === undefined ? 'create' : canonicalJson(before) === canonicalJson(after) ? 'unchanged' : 'update';
  return { resource, kind, before: beforeText, after: toPolicyJson(after), execute };
}

function parsePolicy(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined || text === '') return undefined;
  return JSON.parse(decodeURIComponent(text)) as PolicyDocument;
}

async function planRole(context: OnboardingContext, iam: IAMClient): Promise<PlannedChange[]> {
  const { roleName } = context;
  const trust = buildTrustPolicy(context);
  const permissions = buildPermissionsPolicy(context);
  const role = await getOrMissing(
    `Reading IAM role ${roleName}`,
    ['NoSuchEntity', 'NoSuchEntityException'],
    () => iam.send(new GetRoleCommand({ RoleName: roleName })),
  );
  const putPolicy = () =>
    iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: INLINE_POLICY_NAME,
        PolicyDocument: JSON.stringify(permissions),
      }),
    );
  if (role?.Role === undefined) {
    return [
      change(
        `IAM role ${roleName} (trust policy, MaxSessionDuration ${context.maxSessionDurationSec} s)`,
        undefined,
        trust,
        () =>
          iam.send(
            new CreateRoleCommand({
              RoleName: roleName,
              AssumeRolePolicyDocument: JSON.stringify(trust),
              MaxSessionDuration: context.maxSessionDurationSec,
              Description: `bucketbridge connection ${context.connectionName}`,
            }),
          ),
      ),
      change(`IAM role ${roleName} inline policy ${INLINE_POLICY_NAME}`, undefined, permissions, putPolicy),
    ];
  }
  const changes = [
    change(`IAM role ${roleName} trust policy`, parsePolicy(role.Role.AssumeRolePolicyDocument), trust, () =>
      iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(trust) }),
      ),
    ),
    change(
      `IAM role ${roleName} MaxSessionDuration`,
      { MaxSessionDuration: role.Role.MaxSessionDuration ?? 3600 },
      { MaxSessionDuration: context.maxSessionDurationSec },
      () =>
        iam.send(
          new UpdateRoleCommand({ RoleName: roleName, MaxSessionDuration: context.maxSessionDurationSec }),
        ),
    ),
  ];
  const inline = await getOrMissing(
    `Reading inline policy ${INLINE_POLICY_NAME} of role ${roleName}`,
    ['NoSuchEntity', 'NoSuchEntityException'],
    () => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: INLINE_POLICY_NAME })),
  );
  changes.push(
    change(
      `IAM role ${roleName} inline policy ${INLINE_POLICY_NAME}`,
      parsePolicy(inline?.PolicyDocument),
      permissions,
      putPolicy,
    ),
  );
  return changes;
}

async function planTopic(
  context: OnboardingContext & { live: SnsLiveContext },
  sns: SNSClient,
): Promise<PlannedChange[]> {
  const { topicArn, topicName, kmsKeyArn } = context.live;
  const ours = buildTopicPolicy(context);
  const attributes = await getOrMissing(
    `Reading SNS topic ${topicArn}`,
    ['NotFound', 'NotFoundException'],
    () => sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })),
  );
  const setPolicy = (policy: PolicyDocument) => () =>
    sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(policy),
      }),
    );
  if (attributes === undefined) {
    // A new topic gets only our statements in place of SNS's default policy; the account's own
    // administrators keep their access through IAM.
    return [
      change(`SNS topic ${topicName}`, undefined, { TopicArn: topicArn, KmsMasterKeyId: kmsKeyArn }, () =>
        sns.send(
          new CreateTopicCommand({
            Name: topicName,
            ...(kmsKeyArn ? { Attributes: { KmsMasterKeyId: kmsKeyArn } } : {}),
          }),
        ),
      ),
      change(`SNS topic policy of ${topicName}`, undefined, ours, setPolicy(ours)),
    ];
  }
  const existing = parsePolicy(attributes.Attributes?.Policy);
  const merged = mergeStatements(existing, ours).document;
  return [change(`SNS topic policy of ${topicName}`, existing, merged, setPolicy(merged))];
}

async function planQueuePolicy(
  context: OnboardingContext & { live: SqsLiveContext },
  sqs: SQSClient,
): Promise<PlannedChange> {
  const { queueUrl, queueArn } = context.live;
  const attributes = await getOrMissing(`Reading the policy of queue ${queueUrl}`, [], () =>
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] })),
  );
  const existing = parsePolicy(attributes?.Attributes?.Policy);
  const merged = mergeStatements(existing, buildQueuePolicy(context)).document;
  return change(`SQS queue policy of ${queueArn}`, existing, merged, () =>
    sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(merged) } }),
    ),
  );
}

async function planBucketPolicy(
  bucket: string,
  ours: PolicyDocument[],
  s3: S3Client,
): Promise<PlannedChange> {
  const current = await getOrMissing(`Reading the bucket policy of ${bucket}`, ['NoSuchBucketPolicy'], () =>
    s3.send(new GetBucketPolicyCommand({ Bucket: bucket })),
  );
  const existing = parsePolicy(current?.Policy);
  let merged = existing;
  for (const document of ours) merged = mergeStatements(merged, document).document;
  const after = merged!;
  return change(`S3 bucket policy of ${bucket}`, existing, after, () =>
    // The policy names the role, which may have been created a moment ago.
    retryNewPrincipal(() =>
      s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(after) })),
    ),
  );
}

async function planNotification(
  context: OnboardingContext,
  ours: BucketNotificationConfiguration,
  s3: S3Client,
): Promise<PlannedChange> {
  const bucket = context.source.bucket;
  const current = await getOrMissing(`Reading the notification configuration of ${bucket}`, [], () =>
    s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })),
  );
  const { $metadata: _, ...existing } = (current ?? {}) as BucketNotificationConfiguration & {
    $metadata?: unknown;
  };
  const merged = mergeNotification(bucket, existing, ours);
  const hadAny = Object.values(existing).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined));
  const planned = change(
    `S3 event notification of ${bucket}`,
    hadAny ? existing : undefined,
    merged.configuration,
    () =>
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: merged.configuration as never,
        }),
      ),
  );
  // Rule order and filter-name case are not changes.
  return merged.changed ? planned : { ...planned, kind: 'unchanged' };
}

/** Every change `--apply` would make, in the order it makes them. Writes nothing. */
export async function planOnboarding(
  context: OnboardingContext,
  clients: ApplyClients,
): Promise<PlannedChange[]> {
  if (clients.sts !== undefined) await checkAccount(context, clients.sts);
  const changes = await planRole(context, clients.iam);
  const { live } = context;
  if (live?.mode === 'sns') changes.push(...(await planTopic({ ...context, live }, clients.sns)));
  if (live?.mode === 'sqs') changes.push(await planQueuePolicy({ ...context, live }, clients.sqs));
  const source = buildSourceBucketPolicy(context);
  const destination = buildDestinationBucketPolicy(context);
  if (context.source.bucket === context.destination.bucket) {
    changes.push(await planBucketPolicy(context.source.bucket, [source, destination], clients.s3));
  } else {
    changes.push(await planBucketPolicy(context.source.bucket, [source], clients.s3));
    changes.push(await planBucketPolicy(context.destination.bucket, [destination], clients.s3));
  }
  if (clients.kms !== undefined) {
    const kmsFor = clients.kms;
    const read = <T>(step: string, call: () => Promise<T>) => getOrMissing(step, [], call) as Promise<T>;
    changes.push(...(await planKeyPolicies(context, { kmsFor, read, change, retryNewPrincipal })));
  }
  const notification = buildBucketNotification(context);
  if (notification !== undefined) changes.push(await planNotification(context, notification, clients.s3));
  return changes;
}
