/**
 * Merges our notification rule into a bucket's notification configuration: every other rule (topic,
 * queue, Lambda, EventBridge) is kept, a rule with our Id is replaced, and a rule of someone else
 * that would match the same events for the same keys is refused, because S3 rejects overlapping
 * rules ("Configurations overlap") and would otherwise have us replace or shadow it.
 */
import type {
  BucketNotificationConfiguration,
  NotificationFilterRule,
  QueueNotificationRule,
  TopicNotificationRule,
} from '../policies/bucket-notification.js';
import { canonicalJson } from './merge-statements.js';

/** A rule of any kind as S3 returns it (filter rule names may come back as `Prefix`/`Suffix`). */
interface AnyRule {
  Id?: string;
  Events?: string[];
  Filter?: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } };
  TopicArn?: string;
  QueueArn?: string;
  LambdaFunctionArn?: string;
}

/** Our rule would overlap an existing one: names both and what to do. */
export class NotificationOverlapError extends Error {
  override readonly name = 'NotificationOverlapError';
  readonly bucket: string;
  readonly existingRuleId: string | undefined;
  constructor(bucket: string, ours: AnyRule, theirs: AnyRule) {
    super(
      `the notification on bucket ${bucket} already has rule ${theirs.Id ? `"${theirs.Id}"` : '(no Id)'} ` +
        `(${describeRule(theirs)}) that overlaps ours (${describeRule(ours)}): S3 sends each event to one rule only. ` +
        'Narrow that rule (a prefix or suffix that excludes our keys) or remove it, or give this connection a source prefix it does not cover, then run again.',
    );
    this.bucket = bucket;
    this.existingRuleId = theirs.Id;
  }
}

function filterValue(rule: AnyRule, name: 'prefix' | 'suffix'): string {
  return rule.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? '';
}

function describeRule(rule: AnyRule): string {
  const target = rule.TopicArn ?? rule.QueueArn ?? rule.LambdaFunctionArn ?? 'unknown target';
  const prefix = filterValue(rule, 'prefix');
  const suffix = filterValue(rule, 'suffix');
  return `${(rule.Events ?? []).join(', ')} for keys ${prefix ? `starting with "${prefix}"` : 'with any prefix'}${suffix ? ` ending with "${suffix}"` : ''} to ${target}`;
}

function eventsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const family = (event: string) => event.slice(0, event.lastIndexOf(':') + 1);
  if (a.endsWith(':*')) return b.startsWith(family(a));
  if (b.endsWith(':*')) return a.startsWith(family(b));
  return false;
}

/** S3's rule: same event family, one prefix a prefix of the other, one suffix a suffix of the other. */
export function rulesOverlap(a: AnyRule, b: AnyRule): boolean {
  const [pa, pb, sa, sb] = [
    filterValue(a, 'prefix'),
    filterValue(b, 'prefix'),
    filterValue(a, 'suffix'),
    filterValue(b, 'suffix'),
  ];
  return (
    (a.Events ?? []).some((x) => (b.Events ?? []).some((y) => eventsOverlap(x, y))) &&
    (pa.startsWith(pb) || pb.startsWith(pa)) &&
    (sa.endsWith(sb) || sb.endsWith(sa))
  );
}

/** Normalises filter rule names to lower case, as our files write them. */
function normaliseRule<T extends AnyRule>(rule: T): T {
  const rules = rule.Filter?.Key?.FilterRules;
  if (!rules) return rule;
  return {
    ...rule,
    Filter: {
      Key: {
        FilterRules: rules.map((r) => ({
          Name: r.Name?.toLowerCase() as NotificationFilterRule['Name'],
          Value: r.Value ?? '',
        })),
      },
    },
  };
}

export interface NotificationMerge {
  configuration: BucketNotificationConfiguration;
  /** True when the configuration differs from the existing one. */
  changed: boolean;
}

export function mergeNotification(
  bucket: string,
  existing: BucketNotificationConfiguration,
  ours: BucketNotificationConfiguration,
): NotificationMerge {
  const ourRules: AnyRule[] = [...(ours.TopicConfigurations ?? []), ...(ours.QueueConfigurations ?? [])];
  const ourIds = new Set(ourRules.map((r) => r.Id));
  const others: AnyRule[] = [
    ...(existing.TopicConfigurations ?? []),
    ...(existing.QueueConfigurations ?? []),
    ...((existing.LambdaFunctionConfigurations ?? []) as AnyRule[]),
  ].filter((r) => !ourIds.has(r.Id));
  for (const mine of ourRules) {
    const clash = others.find((theirs) => rulesOverlap(mine, theirs));
    if (clash) throw new NotificationOverlapError(bucket, mine, clash);
  }
  const replace = <T extends AnyRule>(current: T[] | undefined, added: T[] | undefined): T[] | undefined => {
    const kept = (current ?? []).filter((r) => !ourIds.has(r.Id)).map(normaliseRule);
    const all = [...kept, ...(added ?? [])];
    return all.length > 0 ? all : undefined;
  };
  const configuration: BucketNotificationConfiguration = {};
  const topics = replace<TopicNotificationRule>(existing.TopicConfigurations, ours.TopicConfigurations);
  const queues = replace<QueueNotificationRule>(existing.QueueConfigurations, ours.QueueConfigurations);
  if (topics) configuration.TopicConfigurations = topics;
  if (queues) configuration.QueueConfigurations = queues;
  if (existing.LambdaFunctionConfigurations?.length)
    configuration.LambdaFunctionConfigurations = existing.LambdaFunctionConfigurations;
  if (existing.EventBridgeConfiguration)
    configuration.EventBridgeConfiguration = existing.EventBridgeConfiguration;
  const before = comparable(existing);
  return { configuration, changed: before !== comparable(configuration) };
}

/** A configuration in a form where rule order within a kind and filter-name case do not matter. */
function comparable(configuration: BucketNotificationConfiguration): string {
  const sortById = (rules: AnyRule[] | undefined) =>
    (rules ?? []).map(normaliseRule).sort((a, b) => ((a.Id ?? '') < (b.Id ?? '') ? -1 : 1));
  return canonicalJson({
    t: sortById(configuration.TopicConfigurations),
    q: sortById(configuration.QueueConfigurations),
    l: sortById(configuration.LambdaFunctionConfigurations as AnyRule[] | undefined),
    e: configuration.EventBridgeConfiguration !== undefined,
  });
}
