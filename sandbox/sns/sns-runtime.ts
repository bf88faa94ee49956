/**
 * What every SNS operation shares: the topic registry, the sandbox context, the signing
 * identity; reading query parameters; SNS's error forms; and authorization against a topic's
 * policy (SNS reports denials as `AuthorizationError`, not `AccessDenied`).
 */
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import type { PolicyDocument, SandboxContext } from '../core/types.js';
import type { XmlObject } from '../protocols/xml.js';
import type { SigningIdentity } from './signing-certificate.js';
import type { Topic, TopicRegistry } from './topic-registry.js';

export interface SnsRuntime {
  registry: TopicRegistry;
  ctx: SandboxContext;
  signing: SigningIdentity;
}

export interface SnsCall {
  caller: CallerIdentity;
  region: string;
  params: URLSearchParams;
}

/** An operation returns the content of its `<ActionResult>`, or undefined when AWS sends none. */
export type SnsOperation = (rt: SnsRuntime, call: SnsCall) => XmlObject | undefined;

/** InvalidParameter with SNS's `Invalid parameter: ...` wording. */
export function invalidParameter(detail: string): AwsError {
  return new AwsError('InvalidParameter', `Invalid parameter: ${detail}`);
}

export function notFound(message: string): AwsError {
  return new AwsError('NotFound', message, 404);
}

/** A required parameter, or InvalidParameter naming it. */
export function required(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null || v === '') throw invalidParameter(name);
  return v;
}

/** The topic an ARN names, or NotFound as SNS says it. */
export function topicByArn(rt: SnsRuntime, arn: string): Topic {
  const topic = rt.registry.topics.get(arn);
  if (!topic) throw notFound('Topic does not exist');
  return topic;
}

export function topicPolicy(topic: Topic): PolicyDocument | undefined {
  return topic.attributes.Policy ? (JSON.parse(topic.attributes.Policy) as PolicyDocument) : undefined;
}

/**
 * Authorizes `SNS:{action}` on a topic. Direct callers carry `aws:SourceOwner` = their account,
 * which the default topic policy compares with the owner; services pass their own keys.
 */
export function authorizeTopic(
  rt: SnsRuntime,
  caller: CallerIdentity,
  action: string,
  topic: Topic,
  context: Record<string, string | undefined> = { 'aws:SourceOwner': caller.accountId },
): void {
  try {
    rt.ctx.authz.authorize({
      caller,
      action: `SNS:${action}`,
      resource: topic.arn,
      resourceAccountId: topic.accountId,
      resourcePolicy: topicPolicy(topic),
      context,
    });
  } catch (error) {
    if (error instanceof AwsError && error.code === 'AccessDenied') {
      throw new AwsError('AuthorizationError', error.message, 403);
    }
    throw error;
  }
}

/** `key`/`value` entries of a query map, as SNS renders attribute maps in XML. */
export function entries(map: Record<string, string>): XmlObject {
  return { entry: Object.entries(map).map(([key, value]) => ({ key, value })) };
}
