/**
 * Tiny fakes for unit-testing the SQS and SNS services without the server: a hand-driven clock,
 * a sandbox context with the real authorizer, and ServiceRequest builders for both protocols.
 */
import { Readable } from 'node:stream';
import { createAuthorizer } from '../../../../sandbox/authz/authorizer.js';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import type { CrossServiceHooks, SandboxContext, ServiceRequest } from '../../../../sandbox/core/types.js';
import type { Clock } from '../../../../sandbox/sqs/clock.js';

export const VENDOR = '111111111111';
export const CUSTOMER = '222222222222';
export const ENDPOINT = 'http://127.0.0.1:4566';

/** A clock that moves only when told to, firing due timers in order. */
export class FakeClock implements Clock {
  private t = Date.UTC(2026, 0, 1, 12, 0, 0);
  private timers: Array<{ due: number; fn: () => void; seq: number }> = [];
  private seq = 0;

  nowMs(): number {
    return this.t;
  }

  setTimer(fn: () => void, delayMs: number): () => void {
    const timer = { due: this.t + Math.max(0, delayMs), fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Pending timers (long polls waiting). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing each timer due on the way and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      const next = [...this.timers].sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next || next.due > target) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.due;
      next.fn();
    }
    this.t = target;
    await settle();
  }
}

/** Lets pending promise callbacks run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function rootCaller(accountId: string): CallerIdentity {
  return { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, accessKeyId: `AKIA${accountId}` };
}

export function roleCaller(accountId: string, roleName: string, session = 's1'): CallerIdentity {
  return {
    kind: 'assumed-role',
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}`,
    roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
    roleName,
    sessionName: session,
    accessKeyId: 'ASIAEXAMPLE',
  };
}

/**
 * Cross-service hooks for a unit test of one service: the given overrides; otherwise no delivery,
 * no roles, and a call to another service (SQS, SNS, KMS) throws.
 */
export function unwiredHooks(overrides: Partial<CrossServiceHooks> = {}): CrossServiceHooks {
  const unwired = (name: string) => () => {
    throw new Error(`${name} not wired in this test`);
  };
  return {
    sendToQueue: unwired('sendToQueue'),
    publishToTopic: unwired('publishToTopic'),
    canDeliver: () => false,
    useKmsKey: unwired('useKmsKey'),
    rolePolicies: () => [],
    getRole: () => undefined,
    ...overrides,
  };
}

/** A context whose cross-service hooks are the given overrides (others throw if used). */
export function fakeContext(clock: FakeClock, hooks: Partial<CrossServiceHooks> = {}): SandboxContext {
  const allHooks = unwiredHooks(hooks);
  return {
    defaultRegion: 'us-east-1',
    endpoint: () => ENDPOINT,
    accounts: [
      { name: 'vendor', id: VENDOR, accessKeyId: 'AKIAVENDOR', secretAccessKey: 'x' },
      { name: 'customer', id: CUSTOMER, accessKeyId: 'AKIACUSTOMER', secretAccessKey: 'y' },
    ],
    credentials: {
      lookup: () => undefined,
      issueSession: () => {
        throw new Error('not used');
      },
    },
    authz: createAuthorizer(allHooks, { now: () => new Date(clock.nowMs()) }),
    hooks: allHooks,
    now: () => new Date(clock.nowMs()),
  };
}

function request(
  service: 'sqs' | 'sns',
  caller: CallerIdentity,
  body: string,
  headers: Record<string, string>,
  path = '/',
): ServiceRequest {
  const buffer = Buffer.from(body, 'utf8');
  return {
    service,
    method: 'POST',
    url: new URL(`${ENDPOINT}${path}`),
    headers,
    region: 'us-east-1',
    caller,
    requestId: 'req-1',
    body: Readable.from([buffer]),
    readBody: async () => buffer,
    secureTransport: false,
  };
}

/** An SQS JSON 1.0 request (`X-Amz-Target: AmazonSQS.{action}`). */
export function jsonRequest(caller: CallerIdentity, action: string, input: object): ServiceRequest {
  return request('sqs', caller, JSON.stringify(input), {
    'x-amz-target': `AmazonSQS.${action}`,
    'content-type': 'application/x-amz-json-1.0',
  });
}

/** A query-protocol request (`Action=...` form body). */
export function queryRequest(
  service: 'sqs' | 'sns',
  caller: CallerIdentity,
  params: Record<string, string>,
  path = '/',
): ServiceRequest {
  const version = service === 'sqs' ? '2012-11-05' : '2010-03-31';
  const body = new URLSearchParams({ Version: version, ...params }).toString();
  return request(service, caller, body, { 'content-type': 'application/x-www-form-urlencoded' }, path);
}
