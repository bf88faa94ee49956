/**
 * PutBucketNotificationConfiguration's document: parsing, AWS's validation rules (known event types,
 * prefix/suffix filter rules, no overlapping rules) and rendering for GetBucketNotificationConfiguration.
 * Lambda (CloudFunction/LambdaFunction) configurations are accepted and ignored: the sandbox has no Lambda.
 */
import { randomUUID } from 'node:crypto';
import { invalidArgument } from './s3-errors.js';
import { child, children, type ParsedXml, text, texts, type XmlNode } from './s3-xml.js';

export interface NotificationRule {
  id: string;
  kind: 'queue' | 'topic';
  /** The queue or topic ARN. */
  arn: string;
  /** Event types as written, e.g. `s3:ObjectCreated:*`. */
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** The event types S3 accepts in a notification configuration. */
const KNOWN_EVENTS = new Set([
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
]);

function parseFilter(config: ParsedXml): { prefix?: string; suffix?: string } {
  const rules = children(child(child(config, 'Filter'), 'S3Key'), 'FilterRule');
  const result: { prefix?: string; suffix?: string } = {};
  for (const rule of rules) {
    const name = (text(rule, 'Name') ?? '').toLowerCase();
    const value = text(rule, 'Value') ?? '';
    if (name !== 'prefix' && name !== 'suffix')
      throw invalidArgument(
        'filter rule name must be either prefix or suffix',
        'FilterRule',
        text(rule, 'Name'),
      );
    if (result[name] !== undefined)
      throw invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule', name);
    result[name] = value;
  }
  return result;
}

function parseRule(config: ParsedXml, kind: 'queue' | 'topic'): NotificationRule {
  const element = kind === 'queue' ? 'Queue' : 'Topic';
  const arn = text(config, element);
  if (!arn) throw invalidArgument(`${element} ARN is required`, element, '');
  const events = texts(config, 'Event');
  if (events.length === 0) throw invalidArgument('At least one event type must be specified', 'Event', '');
  for (const event of events) {
    if (!KNOWN_EVENTS.has(event))
      throw invalidArgument('The event is not supported for notifications', event, '');
  }
  return {
    id: text(config, 'Id') || Buffer.from(randomUUID()).toString('base64'),
    kind,
    arn,
    events,
    ...parseFilter(config),
  };
}

/** Parses the `<NotificationConfiguration>` document; throws InvalidArgument / MalformedXML. */
export function parseNotificationConfiguration(document: ParsedXml): NotificationRule[] {
  const root = child(document, 'NotificationConfiguration') ?? {};
  const rules = [
    ...children(root, 'QueueConfiguration').map((c) => parseRule(c, 'queue')),
    ...children(root, 'TopicConfiguration').map((c) => parseRule(c, 'topic')),
  ];
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) throw invalidArgument('Configuration Id must be unique', 'Id', rule.id);
    ids.add(rule.id);
  }
  assertNoOverlap(rules);
  return rules;
}

function eventsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const family = (event: string) => event.slice(0, event.lastIndexOf(':') + 1);
  if (a.endsWith(':*')) return b.startsWith(family(a));
  if (b.endsWith(':*')) return a.startsWith(family(b));
  return false;
}

function rulesOverlap(a: NotificationRule, b: NotificationRule): boolean {
  const prefixA = a.prefix ?? '';
  const prefixB = b.prefix ?? '';
  const suffixA = a.suffix ?? '';
  const suffixB = b.suffix ?? '';
  return (
    a.events.some((x) => b.events.some((y) => eventsOverlap(x, y))) &&
    (prefixA.startsWith(prefixB) || prefixB.startsWith(prefixA)) &&
    (suffixA.endsWith(suffixB) || suffixB.endsWith(suffixA))
  );
}

/** S3 refuses two rules that could both match one event of one key. */
export function assertNoOverlap(rules: readonly NotificationRule[]): void {
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      if (rulesOverlap(rules[i]!, rules[j]!))
        throw invalidArgument(
          'Configurations overlap. Configurations on the same bucket cannot share a common event type.',
          'Event',
          rules[j]!.events.join(','),
        );
    }
  }
}

/** Whether `rule` selects event `eventName` (e.g. `ObjectCreated:Put`) for `key`. */
export function ruleMatches(rule: NotificationRule, eventName: string, key: string): boolean {
  const full = `s3:${eventName}`;
  const eventMatches = rule.events.some(
    (e) => e === full || (e.endsWith(':*') && full.startsWith(e.slice(0, -1))),
  );
  return eventMatches && key.startsWith(rule.prefix ?? '') && key.endsWith(rule.suffix ?? '');
}

/** The `<NotificationConfiguration>` children for GetBucketNotificationConfiguration. */
export function renderNotificationRules(rules: readonly NotificationRule[]): XmlNode[] {
  return rules.map((rule): XmlNode => {
    const filterRules: XmlNode[] = [];
    if (rule.prefix !== undefined)
      filterRules.push([
        'FilterRule',
        [
          ['Name', 'prefix'],
          ['Value', rule.prefix],
        ],
      ]);
    if (rule.suffix !== undefined)
      filterRules.push([
        'FilterRule',
        [
          ['Name', 'suffix'],
          ['Value', rule.suffix],
        ],
      ]);
    return [
      rule.kind === 'queue' ? 'QueueConfiguration' : 'TopicConfiguration',
      [
        ['Id', rule.id],
        [rule.kind === 'queue' ? 'Queue' : 'Topic', rule.arn],
        ...rule.events.map((e): XmlNode => ['Event', e]),
        ['Filter', filterRules.length > 0 ? [['S3Key', filterRules]] : undefined],
      ],
    ];
  });
}
