/**
 * The SNS unit tests' harness: a fresh SQS and SNS service per test on a fake context whose
 * sendToQueue hook delivers into that SQS (as the server wires them), one shared signing key,
 * and helpers that speak the query protocol.
 */
import { beforeAll, beforeEach, expect } from 'vitest';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import { createSigningIdentity, type SigningIdentity } from '../../../../sandbox/sns/signing-certificate.js';
import { createSnsService, type SnsService } from '../../../../sandbox/sns/sns-service.js';
import { createSqsService, type SqsService } from '../../../../sandbox/sqs/sqs-service.js';
import { servicePolicy } from '../../../fixtures/queue-policies.js';
import {
  CUSTOMER,
  FakeClock,
  fakeContext,
  jsonRequest,
  queryRequest,
  rootCaller,
  VENDOR,
} from '../sqs/fakes.js';

export const vendor = rootCaller(VENDOR);
export const customer = rootCaller(CUSTOMER);

/** The text of the first `<element>` in an XML answer, unescaped. */
export function xmlValue(xml: string, element: string): string {
  const m = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (!m) throw new Error(`no <${element}> in ${xml}`);
  return m[1]!
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** A queue policy letting one topic deliver. */
export function queuePolicyAllowingTopic(queueArn: string, topicArn: string): object {
  return servicePolicy(queueArn, 'sns.amazonaws.com', 'sqs:SendMessage', topicArn);
}

export interface SnsHarness {
  sns: SnsService;
  sqs: SqsService;
  signing: SigningIdentity;
  call(caller: CallerIdentity, params: Record<string, string>): Promise<{ status: number; body: string }>;
  createTopic(caller: CallerIdentity, name: string, policy?: object): Promise<string>;
  /** Creates a queue through the SQS service; returns its URL and ARN. */
  createQueue(caller: CallerIdentity, name: string, policy?: object): Promise<{ url: string; arn: string }>;
  /** Sets `queue`'s policy so `topicArn` may deliver to it (`queuePolicyAllowingTopic`). */
  allowTopic(caller: CallerIdentity, queue: { url: string; arn: string }, topicArn: string): Promise<void>;
  /** Subscribes the SQS queue `queueArn` to `topicArn`, with subscription `attributes` if given. */
  subscribe(
    caller: CallerIdentity,
    topicArn: string,
    queueArn: string,
    attributes?: Record<string, string>,
  ): Promise<{ status: number; body: string }>;
  receiveAll(
    caller: CallerIdentity,
    url: string,
  ): Promise<Array<{ Body: string; MessageAttributes?: Record<string, unknown> }>>;
}

/** Registers the per-test setup and returns the harness the tests use. */
export function useSnsHarness(): SnsHarness {
  const h = {} as SnsHarness;
  beforeAll(() => {
    h.signing = createSigningIdentity();
  });
  beforeEach(() => {
    const clock = new FakeClock();
    const ctx = fakeContext(clock, {
      sendToQueue: (args) => {
        h.sqs.sendAsService(args);
      },
    });
    h.sqs = createSqsService(ctx, { clock });
    h.sns = createSnsService(ctx, { signing: h.signing });
  });
  h.call = async (caller, params) => {
    const res = await h.sns.handle(queryRequest('sns', caller, params));
    return { status: res.status, body: String(res.body) };
  };
  h.createTopic = async (caller, name, policy) => {
    const res = await h.call(caller, { Action: 'CreateTopic', Name: name });
    expect(res.status).toBe(200);
    const arn = xmlValue(res.body, 'TopicArn');
    if (policy) {
      const set = await h.call(caller, {
        Action: 'SetTopicAttributes',
        TopicArn: arn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(policy),
      });
      expect(set.status).toBe(200);
    }
    return arn;
  };
  h.createQueue = async (caller, name, policy) => {
    const attributes = policy ? { Policy: JSON.stringify(policy) } : {};
    const res = await h.sqs.handle(
      jsonRequest(caller, 'CreateQueue', { QueueName: name, Attributes: attributes }),
    );
    const url = JSON.parse(String(res.body)).QueueUrl as string;
    return { url, arn: `arn:aws:sqs:us-east-1:${caller.accountId}:${name}` };
  };
  h.allowTopic = async (caller, queue, topicArn) => {
    const res = await h.sqs.handle(
      jsonRequest(caller, 'SetQueueAttributes', {
        QueueUrl: queue.url,
        Attributes: { Policy: JSON.stringify(queuePolicyAllowingTopic(queue.arn, topicArn)) },
      }),
    );
    expect(res.status).toBe(200);
  };
  h.subscribe = (caller, topicArn, queueArn, attributes = {}) => {
    const params: Record<string, string> = {
      Action: 'Subscribe',
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
    };
    Object.entries(attributes).forEach(([key, value], i) => {
      params[`Attributes.entry.${i + 1}.key`] = key;
      params[`Attributes.entry.${i + 1}.value`] = value;
    });
    return h.call(caller, params);
  };
  h.receiveAll = async (caller, url) => {
    const res = await h.sqs.handle(
      jsonRequest(caller, 'ReceiveMessage', {
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    return JSON.parse(String(res.body)).Messages ?? [];
  };
  return h;
}
