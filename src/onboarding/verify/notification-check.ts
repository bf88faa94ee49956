/**
 * `notification.config` (live): the source bucket's notification configuration sends ObjectCreated
 * events for every key of the connection (its prefix and suffix) to the customer's topic (sns mode)
 * or queue (sqs mode), and no other rule claims the same events (S3 delivers each event to one rule).
 */
import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { rulesOverlap } from '../apply/merge-notification.js';
import { batchReason, invalidTargetOutcome, liveTargetOf } from './live-target.js';
import { isAccessDenied, s3Failure } from './s3-failure.js';
import { type Check, type CheckOutcome, fail, pass, skip } from './verify-types.js';

interface Rule {
  Id?: string | undefined;
  Events?: string[] | undefined;
  Filter?:
    | {
        Key?:
          | { FilterRules?: { Name?: string | undefined; Value?: string | undefined }[] | undefined }
          | undefined;
      }
    | undefined;
  TopicArn?: string | undefined;
  QueueArn?: string | undefined;
  LambdaFunctionArn?: string | undefined;
}

/** The ObjectCreated events a live connection needs; `s3:ObjectCreated:*` stands for all of them. */
const CREATED_EVENTS = [
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
];

function filterValue(rule: Rule, name: 'prefix' | 'suffix'): string {
  return rule.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? '';
}

function targetOf(rule: Rule): string {
  return rule.TopicArn ?? rule.QueueArn ?? rule.LambdaFunctionArn ?? 'EventBridge';
}

function describe(rule: Rule): string {
  const prefix = filterValue(rule, 'prefix');
  const suffix = filterValue(rule, 'suffix');
  return `rule ${rule.Id ? `"${rule.Id}"` : '(no Id)'}: ${(rule.Events ?? []).join(', ')} for keys ${
    prefix ? `starting with "${prefix}"` : 'with any prefix'
  }${suffix ? ` ending with "${suffix}"` : ''} to ${targetOf(rule)}`;
}

/** What a rule misses of the connection's keys and events; empty when it covers them all. */
export function coverageGaps(rule: Rule, prefix: string, suffix: string): string[] {
  const gaps: string[] = [];
  const events = rule.Events ?? [];
  const missing = events.includes('s3:ObjectCreated:*')
    ? []
    : CREATED_EVENTS.filter((e) => !events.includes(e));
  if (missing.length > 0) gaps.push(`it does not send ${missing.join(', ')}`);
  const rulePrefix = filterValue(rule, 'prefix');
  if (!prefix.startsWith(rulePrefix)) {
    gaps.push(`its prefix "${rulePrefix}" does not cover the connection's prefix "${prefix}"`);
  }
  const ruleSuffix = filterValue(rule, 'suffix');
  if (!suffix.endsWith(ruleSuffix)) {
    gaps.push(
      `its suffix "${ruleSuffix}" does not cover ${suffix === '' ? 'every key of the connection' : `the connection's suffix "${suffix}"`}`,
    );
  }
  return gaps;
}

export const notificationCheck: Check = {
  id: 'notification.config',
  dependsOn: ['buckets.region'],
  notApplicable: ({ connection }) => batchReason(connection),
  async run({ config, connection, access }): Promise<CheckOutcome> {
    const target = liveTargetOf(config, connection);
    if (target === undefined) return skip('workflow is batch');
    if (target.mode === 'invalid') return invalidTargetOutcome(target.problem);
    const targetArn = target.mode === 'sns' ? target.topicArn : target.queueArn;
    const { bucket, prefix } = connection.source;
    const suffix = connection.source.suffix ?? '';
    const fix =
      `Run \`bucketbridge onboard --apply\` (it merges the rule into the bucket's notification configuration), ` +
      'or add by hand the rule in the generated bucket-notification.json.';
    let rules: Rule[];
    try {
      const s3 = await access.s3ForBucket(bucket);
      const answer = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
      rules = [
        ...(answer.TopicConfigurations ?? []),
        ...(answer.QueueConfigurations ?? []),
        ...(answer.LambdaFunctionConfigurations ?? []),
      ];
    } catch (error) {
      return fail(
        s3Failure('GetBucketNotificationConfiguration', `s3://${bucket}`, error),
        isAccessDenied(error)
          ? `Grant the role s3:GetBucketNotification on arn:aws:s3:::${bucket} (the generated permissions policy has it for live connections).`
          : 'Fix the cause named above, then run verify again.',
      );
    }
    const ours = rules.filter((r) => targetOf(r) === targetArn);
    // The connection's keys, as a rule of its own would select them.
    const wanted: Rule = {
      Events: ['s3:ObjectCreated:*'],
      Filter: {
        Key: {
          FilterRules: [
            { Name: 'prefix', Value: prefix },
            { Name: 'suffix', Value: suffix },
          ],
        },
      },
    };
    const others = rules.filter((r) => targetOf(r) !== targetArn && rulesOverlap(wanted, r));
    if (ours.length === 0) {
      const shadow =
        others.length > 0
          ? `; ${others.map(describe).join('; ')} already receives these events, and S3 refuses a second rule for the same events (Configurations overlap)`
          : '';
      return fail(
        `no rule of bucket ${bucket}'s notification configuration sends events to ${targetArn}${shadow}`,
        others.length > 0
          ? `Narrow or remove the overlapping rule (a prefix or suffix that excludes "${prefix}"), then: ${fix}`
          : fix,
      );
    }
    const covering = ours.find((r) => coverageGaps(r, prefix, suffix).length === 0);
    if (covering === undefined) {
      const gaps = ours.map((r) => `${describe(r)}: ${coverageGaps(r, prefix, suffix).join('; ')}`);
      return fail(
        `bucket ${bucket} sends events to ${targetArn}, but not for every new object of the connection: ${gaps.join(' | ')}`,
        `Make the rule send s3:ObjectCreated:* for keys starting with "${prefix}"${suffix ? ` and ending with "${suffix}"` : ''}. ${fix}`,
      );
    }
    if (others.length > 0) {
      return fail(
        `${describe(covering)} overlaps ${others.map(describe).join('; ')}: S3 delivers each event to one rule only`,
        `Narrow or remove the overlapping rule so that it excludes keys starting with "${prefix}".`,
      );
    }
    return pass(`${describe(covering)}`);
  },
};
