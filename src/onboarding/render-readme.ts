/**
 * README.md for the customer: what to create, both ways (the CloudFormation template, or by hand
 * with the AWS CLI), with this connection's names, ARNs and external ID filled in, how to MERGE the
 * bucket statements and the notification into what the buckets already have, and what each
 * permission is for.
 */
import type { OnboardingContext } from './onboarding-context.js';
import { notificationRuleId } from './policies/bucket-notification.js';
import { buildPermissionsPolicy } from './policies/permissions-policy.js';
import { INLINE_POLICY_NAME, NO_BUCKET_RESOURCES_REASON } from './render-cloudformation.js';

/** What each statement of the permissions policy is for, by Sid, in the customer's words. */
export const PERMISSION_PURPOSES: Record<string, string> = {
  ListSourcePrefix:
    'list the objects under the source prefix (and nothing outside it) to find what to process',
  ReadSourceObjects: 'read the objects under the source prefix',
  WriteDestinationObjects:
    'write results under the destination prefix (no read, no delete, no overwrite of other prefixes)',
  CleanUpVerifyProbes:
    "delete `bucketbridge verify`'s own probe objects under the destination prefix's `.bucketbridge-verify/` folder, and nothing else",
  SetDestinationObjectAcl:
    'set the one canned ACL the connection is configured with on the results it writes',
  LocateBuckets: "find each bucket's region so every request goes to the right regional endpoint",
  CheckSourceEncryption:
    "check (read-only) the source bucket's default encryption, to name the KMS key it uses",
  CheckSourceNotification: "check (read-only) that the source bucket's event notification is in place",
  CheckEventTopic: 'check (read-only) that the topic exists and its policy lets the vendor subscribe',
  ConsumeEventQueue:
    'receive the bucket events from your queue, keep them invisible while working, delete them once done',
  DecryptSourceObjects: 'decrypt source objects encrypted with your KMS key',
  EncryptDestinationObjects:
    'encrypt results with your KMS key (GenerateDataKey; Decrypt completes multipart uploads)',
  ListAllBuckets:
    'list the names of all buckets in the account (asked for by your configuration; not needed to work)',
};

function code(text: string): string {
  return `\`${text}\``;
}

function location(bucket: string, prefix: string): string {
  return prefix === '' ? `${code(`s3://${bucket}/`)} (the whole bucket)` : code(`s3://${bucket}/${prefix}`);
}

/** The jq filter that appends new statements to a policy, replacing any with the same Sid. */
export const MERGE_POLICY_JQ =
  '.[1].Statement as $new | ($new | map(.Sid)) as $sids | .[0] | .Statement = ([.Statement[] | select((.Sid // "") as $s | $sids | index($s) | not)] + $new)';

/**
 * The jq filter that adds this connection's rule to a notification configuration, replacing an
 * older copy of it (same Id) and keeping every other rule.
 */
export function mergeNotificationJq(
  key: 'TopicConfigurations' | 'QueueConfigurations',
  ruleId: string,
): string {
  return `.[0] * {${key}: (((.[0].${key} // []) | map(select(.Id != "${ruleId}"))) + .[1].${key})}`;
}

function mergeBucketPolicySteps(bucket: string, file: string): string {
  const current = `current-${bucket}.json`;
  return [
    '```bash',
    `aws s3api get-bucket-policy --bucket ${bucket} --query Policy --output text > ${current} 2> get-error.txt \\`,
    `  || { grep -q NoSuchBucketPolicy get-error.txt && echo '{"Version": "2012-10-17", "Statement": []}' > ${current}; }   # no policy yet`,
    `jq -s '${MERGE_POLICY_JQ}' ${current} ${file} > merged-${bucket}.json`,
    `diff <(jq . ${current}) <(jq . merged-${bucket}.json) || true   # only BucketBridge statements change`,
    `aws s3api put-bucket-policy --bucket ${bucket} --policy file://merged-${bucket}.json`,
    '```',
  ].join('\n');
}

/** The key-policy merge of SSE-KMS buckets: a key policy must allow the role before IAM counts. */
function kmsKeySteps(context: OnboardingContext): string | undefined {
  const keys: Array<{ title: string; name: string; keyArn: string }> = [];
  for (const side of ['source', 'destination'] as const) {
    const keyArn = context[side].kmsKeyArn;
    if (keyArn !== undefined)
      keys.push({ title: side === 'source' ? 'Source' : 'Destination', name: side, keyArn });
  }
  const eventKey = context.live?.kmsKeyArn;
  if (eventKey !== undefined) keys.push({ title: 'Event topic or queue', name: 'event', keyArn: eventKey });
  if (keys.length === 0) return undefined;
  const steps = keys.map(({ title, name: side, keyArn }) =>
    [
      `### ${title} key ${code(keyArn)}`,
      '```bash',
      `aws kms get-key-policy --key-id ${keyArn} --policy-name default --query Policy --output text > current-key-${side}.json`,
      `jq -s '${MERGE_POLICY_JQ}' current-key-${side}.json ${side}-key-policy.json > merged-key-${side}.json`,
      `diff <(jq . current-key-${side}.json) <(jq . merged-key-${side}.json) || true   # only BucketBridge statements change`,
      `aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://merged-key-${side}.json`,
      '```',
    ].join('\n'),
  );
  return `## Step 2b: merge the KMS key policy statements

Your resources are encrypted with customer-managed KMS keys (SSE-KMS). S3 uses each bucket's key on the role's
behalf, so the role needs ${code('kms:Decrypt')} on the source key (reading) and ${code('kms:GenerateDataKey')}
plus ${code('kms:Decrypt')} on the destination key (writing; multipart uploads need Decrypt for their
parts). The role's policy grants them, but a key policy must also allow the role, or KMS ignores
IAM. Merge these statements (Sids starting with ${code('BucketBridge')}; only through S3, by
${code('kms:ViaService')}) into each key policy; ${code('put-key-policy')} replaces the whole policy.
An encrypted topic or queue for live events (${code('live.kmsKeyArn')}) needs S3 (${code('s3.amazonaws.com')}) to
generate and decrypt data keys with its key, for your source bucket only, or S3 cannot publish
the events (${code('event-key-policy.json')}).
CloudFormation and Terraform cannot merge into the policy of a key they do not manage:
use these commands or ${code('bucketbridge onboard --apply')}.

${steps.join('\n\n')}`;
}

/**
 * What the customer does in each step of an external-ID rotation: while one is in progress, apply
 * the trust policy that accepts both IDs; otherwise, what the two steps will ask when one comes.
 * `aws cloudformation deploy` keeps a stack's previous parameter values unless overridden, so the
 * update names the ID parameters explicitly.
 */
function rotationSteps(context: OnboardingContext, stack: string): string {
  const idParameters = [
    `ExternalId=${context.externalId}`,
    ...context.previousExternalIds.map((id, i) => `PreviousExternalId${i + 1}=${id}`),
  ];
  const apply = `\`\`\`bash
aws iam update-assume-role-policy --role-name ${context.roleName} --policy-document file://trust-policy.json
\`\`\`

or, if you deployed the template, update the stack with the new template and these IDs (a stack
update otherwise keeps the parameter values it had):

\`\`\`bash
aws cloudformation deploy --template-file cloudformation.yaml --stack-name ${stack} \\
  --capabilities CAPABILITY_NAMED_IAM --region ${context.region} \\
  --parameter-overrides ${idParameters.join(' ')}
\`\`\`

or ${code('terraform apply')} with this folder's ${code('main.tf.json')}. Only the trust policy changes; the
role's permissions stay as they are. Or let ${code('bucketbridge onboard --apply')} do it.`;
  if (context.previousExternalIds.length > 0) {
    return `## External ID rotation in progress

We are changing the external ID to ${code(context.externalId)}. Until you have applied these
files, we keep using the previous one (${context.previousExternalIds.map(code).join(', ')}), so nothing stops:
the trust policy here accepts the new ID **and** the previous one. Apply it (only the trust policy changes):

${apply}

Tell us when it is done. We then retire the previous ID and send you files whose trust policy names
only ${code(context.externalId)}; apply them the same way, and the previous ID stops working.`;
  }
  return `## When we rotate the external ID

We may change the external ID without interrupting the service, in two steps. First you receive
files whose trust policy accepts the new ID and the old one; later, files whose trust policy names
only the new one. Apply each the same way:

${apply}`;
}

export function renderReadme(context: OnboardingContext): string {
  const { source, destination, live } = context;
  const stack = `bucketbridge-${context.connectionName}`;
  const sections: string[] = [];
  const purpose = buildPermissionsPolicy(context).Statement.map(
    (s) =>
      `| ${code(s.Sid ?? '')} | ${[s.Action]
        .flat()
        .map((a) => code(String(a)))
        .join(', ')} | ${PERMISSION_PURPOSES[s.Sid ?? ''] ?? ''} |`,
  );
  const liveRows =
    live === undefined
      ? ['| Workflow | batch (no topic, no notification) |']
      : live.mode === 'sns'
        ? ['| Workflow | live, events through your SNS topic |', `| Topic | ${code(live.topicArn)} |`]
        : ['| Workflow | live, events through your SQS queue |', `| Queue | ${code(live.queueArn)} |`];

  sections.push(`# Connect your buckets to bucketbridge: connection "${context.connectionName}"

bucketbridge reads new objects from your source bucket and writes its results to your destination
bucket by assuming a role **you** create in your account. You keep full control: the role can do
only what is listed below, only the vendor's principals can assume it, and only when they present
the external ID below. Nobody shares long-term keys.

| | |
|---|---|
| Your account | ${code(context.accountId)} |
| Role | ${code(context.roleArn)} |
| External ID | ${code(context.externalId)} |
| Trusted principals | ${context.vendorPrincipals.map(code).join('<br>')} |
| Session length | ${context.sessionDurationSec} s (role maximum ${context.maxSessionDurationSec} s) |
| Source | ${location(source.bucket, source.prefix)}${source.kmsKeyArn ? `, KMS key ${code(source.kmsKeyArn)}` : ''} |
| Destination | ${location(destination.bucket, destination.prefix)}${destination.kmsKeyArn ? `, KMS key ${code(destination.kmsKeyArn)}` : ''}${destination.acl ? `, ACL ${code(destination.acl)}` : ''} |
${liveRows.join('\n')}

## Files in this folder

| File | What it is |
|---|---|
| ${code('cloudformation.yaml')} | Template: the role${live?.mode === 'sns' ? ', the topic and its policy' : ''} (option A) |
| ${code('main.tf.json')} | The same for Terraform (JSON syntax) |
| ${code('trust-policy.json')} | Who may assume the role: the vendor's principals, with the external ID |
| ${code('permissions-policy.json')} | What the role may do (the role's inline policy ${code(INLINE_POLICY_NAME)}) |
| ${code('source-bucket-policy.json')} | Statements to MERGE into the source bucket's policy |
| ${code('destination-bucket-policy.json')} | Statements to MERGE into the destination bucket's policy |
${source.kmsKeyArn ? `| ${code('source-key-policy.json')} | The statement to MERGE into the key policy of ${code(source.kmsKeyArn)} |\n` : ''}${destination.kmsKeyArn ? `| ${code('destination-key-policy.json')} | The statement to MERGE into the key policy of ${code(destination.kmsKeyArn)} |\n` : ''}${live?.mode === 'sns' ? `| ${code('topic-policy.json')} | The topic's access policy |\n` : ''}${live?.mode === 'sqs' ? `| ${code('queue-policy.json')} | Statements to MERGE into your queue's policy |\n` : ''}${live ? `| ${code('bucket-notification.json')} | The source bucket's event notification to MERGE |\n` : ''}`);

  sections.push(`## Step 1, option A: deploy the template

${live?.mode === 'sns' ? `Deploy it in the **source bucket's region**: S3 only notifies a topic in the bucket's own region.\n\n` : ''}In the console: CloudFormation → Create stack → With new resources → Upload a template file →
${code('cloudformation.yaml')}; keep the parameter defaults (they are this connection's values) and
acknowledge that the stack creates a named IAM role. Or with the AWS CLI:

\`\`\`bash
aws cloudformation deploy --template-file cloudformation.yaml --stack-name ${stack} \\
  --capabilities CAPABILITY_NAMED_IAM --region ${context.region}
aws cloudformation describe-stacks --stack-name ${stack} --query 'Stacks[0].Outputs' --region ${context.region}
\`\`\`

With Terraform: ${code('terraform init && terraform apply')} in this folder.

${NO_BUCKET_RESOURCES_REASON} Continue with step 2.`);

  const topicSteps =
    live?.mode === 'sns'
      ? `
aws sns create-topic --name ${live.topicName} --region ${context.region}
aws sns set-topic-attributes --topic-arn ${live.topicArn} \\
  --attribute-name Policy --attribute-value file://topic-policy.json --region ${context.region}`
      : '';
  sections.push(`## Step 1, option B: create the role by hand

\`\`\`bash
aws iam create-role --role-name ${context.roleName} \\
  --assume-role-policy-document file://trust-policy.json --max-session-duration ${context.maxSessionDurationSec}
aws iam put-role-policy --role-name ${context.roleName} --policy-name ${INLINE_POLICY_NAME} \\
  --policy-document file://permissions-policy.json${topicSteps}
\`\`\`

In the console: IAM → Roles → Create role → Custom trust policy (paste ${code('trust-policy.json')}),
name it ${code(context.roleName)}, set the maximum session duration to ${context.maxSessionDurationSec} seconds, then
add an inline policy named ${code(INLINE_POLICY_NAME)} from ${code('permissions-policy.json')}.`);

  const bucketSteps = [
    `### Source bucket ${code(source.bucket)}`,
    mergeBucketPolicySteps(source.bucket, 'source-bucket-policy.json'),
  ];
  if (destination.bucket !== source.bucket) {
    bucketSteps.push(
      `### Destination bucket ${code(destination.bucket)}`,
      mergeBucketPolicySteps(destination.bucket, 'destination-bucket-policy.json'),
    );
  } else {
    bucketSteps.push(
      `The destination is the same bucket: merge ${code('destination-bucket-policy.json')} into the result too (same commands, second file).`,
    );
  }
  sections.push(`## Step 2: merge the bucket policy statements

The role's own policy already grants access inside your account; the bucket statements make the
grant visible on the buckets themselves and keep access working if a bucket policy restricts
principals it does not name. **Merge, never replace**: ${code('put-bucket-policy')} overwrites the whole
policy, so add the statements to the bucket's existing ones (statements whose Sid starts with
${code('BucketBridge')} are ours; re-running the merge replaces them instead of adding duplicates).
${code('bucketbridge onboard --apply')} does this for you, showing the diff first.

${bucketSteps.join('\n\n')}`);

  const keySteps = kmsKeySteps(context);
  if (keySteps !== undefined) sections.push(keySteps);

  if (live !== undefined) {
    const key = live.mode === 'sns' ? 'TopicConfigurations' : 'QueueConfigurations';
    sections.push(`## Step 3: merge the event notification

The source bucket must send ${code('s3:ObjectCreated:*')} events${source.prefix ? ` under ${code(source.prefix)}` : ''}${source.suffix ? ` ending in ${code(source.suffix)}` : ''} to ${live.mode === 'sns' ? 'the topic' : 'your queue'}.
${code('put-bucket-notification-configuration')} also REPLACES everything, so merge ${code('bucket-notification.json')}
into the existing configuration:

\`\`\`bash
aws s3api get-bucket-notification-configuration --bucket ${source.bucket} > current-notification.json
[ -s current-notification.json ] || echo '{}' > current-notification.json   # no configuration yet
jq -s '${mergeNotificationJq(key, notificationRuleId(context.connectionName))}' \\
  current-notification.json bucket-notification.json > merged-notification.json
aws s3api put-bucket-notification-configuration --bucket ${source.bucket} \\
  --notification-configuration file://merged-notification.json
\`\`\`

If S3 answers "Configurations overlap", an existing rule already sends ObjectCreated events for
keys this rule also matches (overlapping prefixes and suffixes): S3 delivers each event to one
rule only. Narrow or remove that rule first, or ask us to use a distinct prefix.${live.mode === 'sqs' ? `\n\nYour queue's policy must let S3 send to it: merge ${code('queue-policy.json')} into it the same way as a bucket policy (${code('aws sqs get-queue-attributes --attribute-names Policy')}).` : ''}`);
  }

  sections.push(rotationSteps(context, stack));

  sections.push(`## What each permission is for

| Sid | Actions | Why |
|---|---|---|
${purpose.join('\n')}

The role can never delete or overwrite anything outside the destination prefix, read outside the
source prefix, list other prefixes, change any policy, or use any other service.

## Check it

Send us the role ARN ${code(context.roleArn)}. We run ${code('bucketbridge verify')}, which also proves that the
role CANNOT be assumed without the external ID or with a wrong one. You can lint any policy with
${code('bucketbridge policy lint *-policy.json')}.
`);
  return sections.join('\n\n');
}
