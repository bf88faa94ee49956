/**
 * SNS topic operations: CreateTopic (idempotent), DeleteTopic, ListTopics, GetTopicAttributes,
 * SetTopicAttributes. A new topic gets AWS's default owner-only policy.
 */
import { AwsError } from '../core/errors.js';
import type { PolicyStatement } from '../core/types.js';
import { queryList, queryMap } from '../protocols/query.js';
import {
  authorizeTopic,
  entries,
  invalidParameter,
  required,
  type SnsOperation,
  topicByArn,
  topicPolicy,
} from './sns-runtime.js';
import { defaultTopicPolicy, type Topic } from './topic-registry.js';

const TOPIC_NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;
const PAGE_SIZE = 100;

/** Attributes SetTopicAttributes and CreateTopic accept. */
const SETTABLE = new Set([
  'Policy',
  'DisplayName',
  'DeliveryPolicy',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
  'DataProtectionPolicy',
]);

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** Validates one topic attribute, returning the value to store. */
function topicAttribute(name: string, value: string): string {
  if (name === 'FifoTopic' || name === 'ContentBasedDeduplication') {
    throw invalidParameter(
      'Attributes Reason: FIFO topics are not supported by the bucketbridge sandbox; create a standard topic',
    );
  }
  if (!SETTABLE.has(name)) throw invalidParameter(`AttributeName`);
  if (name === 'Policy') {
    try {
      const doc = JSON.parse(value) as { Statement?: unknown };
      if (typeof doc !== 'object' || doc === null || doc.Statement === undefined)
        throw new Error('no Statement');
      return JSON.stringify(doc);
    } catch {
      throw invalidParameter('Policy Error: null');
    }
  }
  if (name === 'SignatureVersion' && value !== '1' && value !== '2') {
    throw invalidParameter('Attributes Reason: SignatureVersion must be 1 or 2');
  }
  return value;
}

const createTopic: SnsOperation = (rt, call) => {
  const name = required(call.params, 'Name');
  if (name.endsWith('.fifo')) topicAttribute('FifoTopic', 'true');
  if (!TOPIC_NAME_RE.test(name)) throw invalidParameter('Topic Name');
  const accountId = call.caller.accountId;
  const arn = `arn:aws:sns:${call.region}:${accountId}:${name}`;
  rt.ctx.authz.authorize({
    caller: call.caller,
    action: 'SNS:CreateTopic',
    resource: arn,
    resourceAccountId: accountId,
  });
  const requested: Record<string, string> = {};
  for (const [k, v] of Object.entries(queryMap(call.params, 'Attributes')))
    requested[k] = topicAttribute(k, v);
  const tags = queryTags(call.params);
  const existing = rt.registry.topics.get(arn);
  if (existing) {
    const differs = Object.entries(requested).some(([k, v]) => (existing.attributes[k] ?? '') !== v);
    if (differs) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
    return { TopicArn: arn };
  }
  const topic: Topic = {
    arn,
    name,
    accountId,
    region: call.region,
    attributes: { Policy: JSON.stringify(defaultTopicPolicy(arn, accountId)), ...requested },
    tags,
    deletedSubscriptions: 0,
  };
  rt.registry.topics.set(arn, topic);
  return { TopicArn: arn };
};

function queryTags(params: URLSearchParams): Record<string, string> {
  return queryMap(params, 'Tags', { entry: 'member', key: 'Key', value: 'Value' });
}

const deleteTopic: SnsOperation = (rt, call) => {
  const arn = required(call.params, 'TopicArn');
  const topic = rt.registry.topics.get(arn);
  // Deleting a topic that does not exist succeeds, as in SNS.
  if (!topic) return undefined;
  authorizeTopic(rt, call.caller, 'DeleteTopic', topic);
  rt.registry.deleteTopic(arn);
  return undefined;
};

const listTopics: SnsOperation = (rt, call) => {
  const after = call.params.get('NextToken');
  const all = [...rt.registry.topics.values()]
    .filter((t) => t.accountId === call.caller.accountId && t.region === call.region)
    .map((t) => t.arn)
    .sort()
    .filter((arn) => after === null || arn > Buffer.from(after, 'base64').toString('utf8'));
  const page = all.slice(0, PAGE_SIZE);
  return {
    Topics: { member: page.map((TopicArn) => ({ TopicArn })) },
    NextToken:
      all.length > page.length ? Buffer.from(page[page.length - 1]!, 'utf8').toString('base64') : undefined,
  };
};

const getTopicAttributes: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'TopicArn'));
  authorizeTopic(rt, call.caller, 'GetTopicAttributes', topic);
  const subs = rt.registry.subscriptionsOf(topic.arn);
  const attributes: Record<string, string> = {
    Policy: topic.attributes.Policy ?? '',
    Owner: topic.accountId,
    SubscriptionsPending: String(subs.filter((s) => !s.confirmed).length),
    TopicArn: topic.arn,
    EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(subs.filter((s) => s.confirmed).length),
    DisplayName: topic.attributes.DisplayName ?? '',
    SubscriptionsDeleted: String(topic.deletedSubscriptions),
  };
  for (const [k, v] of Object.entries(topic.attributes)) if (!(k in attributes)) attributes[k] = v;
  if (!topic.attributes.Policy) delete attributes.Policy;
  return { Attributes: entries(attributes) };
};

const setTopicAttributes: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'TopicArn'));
  authorizeTopic(rt, call.caller, 'SetTopicAttributes', topic);
  const name = required(call.params, 'AttributeName');
  const value = call.params.get('AttributeValue') ?? '';
  if (value === '' && name !== 'DisplayName') {
    if (!SETTABLE.has(name)) throw invalidParameter('AttributeName');
    delete topic.attributes[name];
  } else {
    topic.attributes[name] = topicAttribute(name, value);
  }
  return undefined;
};

const listTagsForResource: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'ResourceArn'));
  authorizeTopic(rt, call.caller, 'ListTagsForResource', topic);
  return { Tags: { member: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) } };
};

const tagResource: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'ResourceArn'));
  authorizeTopic(rt, call.caller, 'TagResource', topic);
  const tags = queryTags(call.params);
  if (Object.keys(tags).length === 0) throw new AwsError('InvalidParameter', 'Invalid parameter: Tags');
  Object.assign(topic.tags, tags);
  return {};
};

function topicStatements(topic: Topic): PolicyStatement[] {
  const policy = topicPolicy(topic);
  if (!policy) return [];
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

/** AddPermission: a statement labelled `Label` granting whole accounts the listed actions. */
const addPermission: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'TopicArn'));
  authorizeTopic(rt, call.caller, 'AddPermission', topic);
  const label = required(call.params, 'Label');
  const accounts = queryList(call.params, 'AWSAccountId');
  const actions = queryList(call.params, 'ActionName');
  if (accounts.length === 0) throw invalidParameter('AWSAccountId');
  if (actions.length === 0) throw invalidParameter('ActionName');
  const statements = topicStatements(topic);
  if (statements.some((st) => st.Sid === label)) throw invalidParameter('Statement already exists');
  statements.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
    Action: actions.map((a) => `SNS:${a}`),
    Resource: topic.arn,
  });
  const policy = topicPolicy(topic);
  topic.attributes.Policy = JSON.stringify({
    Version: policy?.Version ?? '2008-10-17',
    Id: policy?.Id ?? '__default_policy_ID',
    Statement: statements,
  });
  return undefined;
};

const removePermission: SnsOperation = (rt, call) => {
  const topic = topicByArn(rt, required(call.params, 'TopicArn'));
  authorizeTopic(rt, call.caller, 'RemovePermission', topic);
  const label = required(call.params, 'Label');
  const policy = topicPolicy(topic);
  if (policy) {
    topic.attributes.Policy = JSON.stringify({
      ...policy,
      Statement: topicStatements(topic).filter((st) => st.Sid !== label),
    });
  }
  return undefined;
};

export const TOPIC_OPERATIONS: Record<string, SnsOperation> = {
  CreateTopic: createTopic,
  DeleteTopic: deleteTopic,
  ListTopics: listTopics,
  GetTopicAttributes: getTopicAttributes,
  SetTopicAttributes: setTopicAttributes,
  ListTagsForResource: listTagsForResource,
  TagResource: tagResource,
  AddPermission: addPermission,
  RemovePermission: removePermission,
};
