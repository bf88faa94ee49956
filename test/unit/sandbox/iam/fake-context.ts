/**
 * A sandbox context for unit tests of IAM and STS: the real authorizer and IAM service wired by
 * hooks as the server wires them, a credential store that issues sessions in memory, a settable
 * clock, and a builder for query-protocol requests.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createAuthorizer } from '../../../../sandbox/authz/authorizer.js';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import type {
  CredentialStore,
  SandboxContext,
  ServiceRequest,
  ServiceResponse,
  SessionCredentials,
} from '../../../../sandbox/core/types.js';
import { createIamService, type IamService } from '../../../../sandbox/iam/iam-service.js';
import { createStsService } from '../../../../sandbox/sts/sts-service.js';
import { unwiredHooks } from '../sqs/fakes.js';

export const VENDOR = '111111111111';
export const CUSTOMER = '222222222222';

export function rootOf(accountId: string): CallerIdentity {
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    kind: 'root',
    accessKeyId: `AKIA${accountId}ROOT`,
  };
}

export interface Issued {
  durationSec: number;
  credentials: SessionCredentials;
}

export interface FakeSandbox {
  ctx: SandboxContext;
  iam: IamService;
  sts: ReturnType<typeof createStsService>;
  issued: Issued[];
  /** The identity a session's access key resolves to, as the server would pass it as `caller`. */
  sessionCaller(accessKeyId: string): CallerIdentity;
  call(
    service: 'iam' | 'sts',
    caller: CallerIdentity,
    params: Record<string, string>,
  ): Promise<ServiceResponse>;
}

export function createFakeSandbox(nowMs = Date.parse('2026-11-23T12:00:00Z')): FakeSandbox {
  const issued: Issued[] = [];
  const sessions = new Map<string, CallerIdentity>();
  const credentials: CredentialStore = {
    lookup: () => undefined,
    issueSession(identity, durationSec) {
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      const expiration = new Date(nowMs + durationSec * 1000);
      const session: SessionCredentials = {
        accessKeyId,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(64).toString('base64'),
        expiration,
        identity: { ...identity, accessKeyId, expiresAt: expiration },
      };
      sessions.set(accessKeyId, session.identity);
      issued.push({ durationSec, credentials: session });
      return session;
    },
  };
  let iam: IamService | undefined;
  const hooks = unwiredHooks({
    rolePolicies: (arn) => iam?.rolePolicies(arn) ?? [],
    getRole: (arn) => iam?.getRole(arn),
  });
  const now = () => new Date(nowMs);
  const ctx: SandboxContext = {
    defaultRegion: 'us-east-1',
    endpoint: () => 'http://127.0.0.1:1',
    accounts: [VENDOR, CUSTOMER].map((id, i) => ({
      name: i === 0 ? 'vendor' : 'customer',
      id,
      accessKeyId: `AKIA${id}ROOT`,
      secretAccessKey: 'secret',
    })),
    credentials,
    authz: createAuthorizer(hooks, { now }),
    hooks,
    now,
  };
  iam = createIamService(ctx);
  const sts = createStsService(ctx);
  let counter = 0;
  return {
    ctx,
    iam,
    sts,
    issued,
    sessionCaller(accessKeyId) {
      const identity = sessions.get(accessKeyId);
      if (!identity) throw new Error(`no session ${accessKeyId}`);
      return identity;
    },
    call(service, caller, params) {
      const body = Buffer.from(new URLSearchParams(params).toString());
      const request: ServiceRequest = {
        service,
        method: 'POST',
        url: new URL('http://127.0.0.1:1/'),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        region: 'us-east-1',
        caller,
        requestId: `req-${++counter}`,
        body: Readable.from([body]),
        readBody: async () => body,
        secureTransport: false,
      };
      return (service === 'iam' ? iam! : sts).handle(request);
    },
  };
}

/** The text of one XML element of a response body (first occurrence), or undefined. */
export function xmlText(response: ServiceResponse, element: string): string | undefined {
  const match = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(String(response.body));
  return match?.[1];
}

/** Runs a call expected to fail; returns the AwsError's code, message and status. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; message: string; status: number };
    return { code: e.code, message: e.message, status: e.status };
  }
  throw new Error('expected the call to fail');
}

export const trustPolicy = (principal: unknown, condition?: unknown): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });

export const allowPolicy = (action: string | string[], resource: string | string[] = '*'): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
  });
