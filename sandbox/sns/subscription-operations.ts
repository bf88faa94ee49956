/**
 * SNS subscription operations for the `sqs` protocol: Subscribe (confirmed at once when the
 * caller owns the queue, otherwise pending with a SubscriptionConfirmation sent to the queue),
 * ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic), Get/SetSubscriptionAttributes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import { queryMap } from '../protocols/query.js';
import type { XmlObject } from '../protocols/xml.js';
import { parseFilterPolicy } from './filter-policy.js';
import { sendConfirmation } from './sns-delivery.js';
import {
  authorizeTopic,
  entries,
  invalidParameter,
  notFound,
  required,
  type SnsOperation,
  type SnsRuntime,
  topicByArn,
} from './sns-runtime.js';
import type { Subscription } from './topic-registry.js';

const SQS_ARN_RE = /^arn:aws:sqs:[a-z0-9-]+:(\d{12}):[A-Za-z0-9_-]{1,80}$/;

/** Validates one subscription attribute, returning the value to store ('' removes it). */
function subscriptionAttribute(name: string, value: string): string {
  switch (name) {
    case 'RawMessageDelivery':
      if (value !== 'true' && value !== 'false')
        throw invalidParameter(
          'Attributes Reason: RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.',
        );
      return value;
    case 'FilterPolicy':
      if (value !== '') parseFilterPolicy(value);
      return value;
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(
          'Attributes Reason: FilterPolicyScope: Invalid value [' +
            value +
            ']. Please use either MessageBody or MessageAttributes',
        );
      }
      return value;
    case 'RedrivePolicy':
    case 'DeliveryPolicy':
    case 'SubscriptionRoleArn':
      return value;
    default:
      throw invalidParameter('AttributeName');
  }
}

function subscriptionByArn(rt: SnsRuntime, arn: string): Subscription {
  const sub = rt.registry.subscriptions.get(arn);
  if (!sub) throw notFound('Subscription does not exist');
  return sub;
}

/** The subscriber's and the topic owner's accounts may manage a subscription. */
function authorizeSubscription(caller: CallerIdentity, action: string, sub: Subscription): void {
  const topicOwner = sub.topicArn.split(':')[4];
  if (caller.accountId === sub.owner || caller.accountId === topicOwner) return;
  throw new AwsError(
    'AuthorizationError',
    `User: ${caller.arn} is not authorized to perform: SNS:${action} on resource: ${sub.arn}`,
    403,
  );
}

const subscribe: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'TopicArn'));
  const protocol = required(call.params, 'Protocol');
  // SNS offers the subscription's protocol and endpoint as condition keys, so a topic policy can
  // let an account subscribe only its own queues.
  authorizeTopic(rt, call.caller, 'Subscribe', topic, {
    'aws:SourceOwner': call.caller.accountId,
    'sns:Protocol': protocol,
    'sns:Endpoint': call.params.get('Endpoint') ?? '',
  });
  if (protocol !== 'sqs') {
    throw invalidParameter(
      `Protocol Reason: ${protocol} subscriptions are not supported by the bucketbridge sandbox (only sqs)`,
    );
  }
  const endpoint = call.params.get('Endpoint') ?? '';
  const queueAccount = SQS_ARN_RE.exec(endpoint)?.[1];
  if (!queueAccount) throw invalidParameter('SQS endpoint ARN');
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(queryMap(call.params, 'Attributes')))
    attributes[k] = subscriptionAttribute(k, v);
  const returnArn = call.params.get('ReturnSubscriptionArn') === 'true';

  const existing = rt.registry.subscriptionsOf(topic.arn).find((s) => s.endpoint === endpoint);
  if (existing) {
    const differs = Object.entries(attributes).some(([k, v]) => (existing.attributes[k] ?? '') !== v);
    if (differs)
      throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
    return { SubscriptionArn: existing.confirmed || returnArn ? existing.arn : 'pending confirmation' };
  }
  const confirmed = queueAccount === call.caller.accountId;
  const sub: Subscription = {
    arn: `${topic.arn}:${randomUUID()}`,
    topicArn: topic.arn,
    protocol: 'sqs',
    endpoint,
    owner: call.caller.accountId,
    principalArn: call.caller.arn,
    confirmed,
    token: confirmed ? undefined : randomBytes(64).toString('hex'),
    attributes: { RawMessageDelivery: 'false', ...attributes },
    confirmationWasAuthenticated: confirmed,
  };
  rt.registry.subscriptions.set(sub.arn, sub);
  if (!confirmed) sendConfirmation(rt, topic, sub);
  return { SubscriptionArn: confirmed || returnArn ? sub.arn : 'pending confirmation' };
};

const confirmSubscription: SnsOperation = (rt, call) => {
  const topicArn = required(call.params, 'TopicArn');
  const token = required(call.params, 'Token');
  topicByArn(rt, topicArn);
  const sub = [...rt.registry.subscriptions.values()].find(
    (s) => s.topicArn === topicArn && s.token === token,
  );
  if (!sub) throw invalidParameter('Token');
  sub.confirmed = true;
  sub.confirmationWasAuthenticated ||= call.params.get('AuthenticateOnUnsubscribe') === 'true';
  return { SubscriptionArn: sub.arn };
};

const unsubscribe: SnsOperation = (rt, call) => {
  const sub = subscriptionByArn(rt, required(call.params, 'SubscriptionArn'));
  authorizeSubscription(call.caller, 'Unsubscribe', sub);
  rt.registry.subscriptions.delete(sub.arn);
  const topic = rt.registry.topics.get(sub.topicArn);
  if (topic) topic.deletedSubscriptions += 1;
  return undefined;
};

function member(sub: Subscription): XmlObject {
  return {
    Owner: sub.owner,
    Endpoint: sub.endpoint,
    Protocol: sub.protocol,
    SubscriptionArn: sub.confirmed ? sub.arn : 'PendingConfirmation',
    TopicArn: sub.topicArn,
  };
}

const PAGE_SIZE = 100;

function page(subs: Subscription[], after: string | null): XmlObject {
  const start = after === null ? 0 : Number(Buffer.from(after, 'base64').toString('utf8')) || 0;
  const slice = subs.slice(start, start + PAGE_SIZE);
  return {
    Subscriptions: { member: slice.map(member) },
    NextToken:
      start + PAGE_SIZE < subs.length ? Buffer.from(String(start + PAGE_SIZE)).toString('base64') : undefined,
  };
}

const listSubscriptions: SnsOperation = (rt, call) => {
  const subs = [...rt.registry.subscriptions.values()].filter(
    (s) => s.owner === call.caller.accountId && s.topicArn.split(':')[3] === call.region,
  );
  return page(subs, call.params.get('NextToken'));
};

const listSubscriptionsByTopic: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'TopicArn'));
  authorizeTopic(rt, call.caller, 'ListSubscriptionsByTopic', topic);
  return page(rt.registry.subscriptionsOf(topic.arn), call.params.get('NextToken'));
};

const getSubscriptionAttributes: SnsOperation = (rt, call) => {
  const sub = subscriptionByArn(rt, required(call.params, 'SubscriptionArn'));
  authorizeSubscription(call.caller, 'GetSubscriptionAttributes', sub);
  const attributes: Record<string, string> = {
    ConfirmationWasAuthenticated: String(sub.confirmationWasAuthenticated),
    PendingConfirmation: String(!sub.confirmed),
    Owner: sub.owner,
    RawMessageDelivery: sub.attributes.RawMessageDelivery ?? 'false',
    TopicArn: sub.topicArn,
    Endpoint: sub.endpoint,
    Protocol: sub.protocol,
    SubscriptionPrincipal: sub.principalArn,
    SubscriptionArn: sub.arn,
  };
  for (const [k, v] of Object.entries(sub.attributes)) if (v !== '' && !(k in attributes)) attributes[k] = v;
  if (sub.attributes.FilterPolicy && !sub.attributes.FilterPolicyScope)
    attributes.FilterPolicyScope = 'MessageAttributes';
  return { Attributes: entries(attributes) };
};

const setSubscriptionAttributes: SnsOperation = (rt, call) => {
  const sub = subscriptionByArn(rt, required(call.params, 'SubscriptionArn'));
  authorizeSubscription(call.caller, 'SetSubscriptionAttributes', sub);
  const name = required(call.params, 'AttributeName');
  const value = subscriptionAttribute(name, call.params.get('AttributeValue') ?? '');
  if (value === '') delete sub.attributes[name];
  else sub.attributes[name] = value;
  return undefined;
};

export const SUBSCRIPTION_OPERATIONS: Record<string, SnsOperation> = {
  Subscribe: subscribe,
  ConfirmSubscription: confirmSubscription,
  Unsubscribe: unsubscribe,
  ListSubscriptions: listSubscriptions,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  GetSubscriptionAttributes: getSubscriptionAttributes,
  SetSubscriptionAttributes: setSubscriptionAttributes,
};
