/**
 * The sandbox's authorizer against an independent IAM evaluator, @cloud-copilot/iam-simulate
 * (a devDependency, used only here): every combination of caller, resource policy and request
 * context below must get the same verdict (allowed, explicitly denied, implicitly denied).
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationDecision,
  evaluateAuthorization,
  globalConditionKeys,
} from '../../../../sandbox/authz/authorizer.js';
import type { CallerIdentity } from '../../../../sandbox/core/identity.js';
import type { AuthorizationRequest, PolicyDocument } from '../../../../sandbox/core/types.js';
import { anyPrincipal } from '../../../helpers/sandbox-test-kit.js';

const VENDOR = '111111111111';
const CUSTOMER = '222222222222';
const NOW = new Date('2026-11-23T12:00:00Z');

type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

const doc = (...Statement: PolicyDocument['Statement'][]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: Statement.flat() as PolicyDocument['Statement'],
});

function session(account: string, role: string): CallerIdentity {
  return {
    accountId: account,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/s1`,
    kind: 'assumed-role',
    accessKeyId: 'ASIAX',
    roleArn: `arn:aws:iam::${account}:role/${role}`,
    roleName: role,
    sessionName: 's1',
  };
}
const root = (account: string): CallerIdentity => ({
  accountId: account,
  arn: `arn:aws:iam::${account}:root`,
  kind: 'root',
  accessKeyId: `AKIA${account}`,
});
const service = (name: string): CallerIdentity => ({
  accountId: CUSTOMER,
  arn: name,
  kind: 'service',
  accessKeyId: '',
  servicePrincipal: name,
});

const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const rolePolicies: Record<string, PolicyDocument[]> = {
  [`arn:aws:iam::${VENDOR}:role/worker`]: [
    doc({ Effect: 'Allow', Action: ['s3:*', 'sqs:SendMessage', 'sts:AssumeRole'], Resource: '*' }),
  ],
  [`arn:aws:iam::${VENDOR}:role/denier`]: [
    allowAll,
    doc({ Effect: 'Deny', Action: ['s3:PutObject', 'sts:AssumeRole'], Resource: '*' }),
  ],
  [`arn:aws:iam::${CUSTOMER}:role/reader`]: [
    doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::src/*' }),
  ],
  [`arn:aws:iam::${CUSTOMER}:role/nothing`]: [],
};
const hooks = { rolePolicies: (arn: string) => rolePolicies[arn] ?? [] };

const callers: CallerIdentity[] = [
  root(VENDOR),
  root(CUSTOMER),
  root('333333333333'),
  session(VENDOR, 'worker'),
  session(VENDOR, 'denier'),
  session(VENDOR, 'bare'),
  session(CUSTOMER, 'reader'),
  session(CUSTOMER, 'nothing'),
];

/** What the simulator needs to know of the caller's identity side. */
function identityPoliciesOf(caller: CallerIdentity): PolicyDocument[] {
  if (caller.kind === 'root') return [allowAll];
  if (caller.kind === 'assumed-role') return hooks.rolePolicies(caller.roleArn!);
  return [];
}

function verdictOf(decision: AuthorizationDecision): Verdict {
  if (decision.allowed) return 'Allowed';
  return decision.reason.startsWith('explicit-deny') ? 'ExplicitlyDenied' : 'ImplicitlyDenied';
}

async function simulate(request: AuthorizationRequest): Promise<Verdict | string> {
  const context: Record<string, string | string[]> = {};
  const all = { ...request.context, ...globalConditionKeys(request.caller, NOW) };
  // A service principal always acts for an account; the sandbox fills aws:SourceAccount from it.
  if (request.caller.kind === 'service') all['aws:SourceAccount'] ??= request.caller.accountId;
  for (const [key, value] of Object.entries(all)) {
    // The simulator checks keys against what each action supports; pass the ones these cases use.
    if (
      value === undefined ||
      !/^(aws:(SourceArn|SourceAccount|PrincipalAccount|PrincipalArn|SecureTransport)|sts:ExternalId|s3:x-amz-acl|s3:prefix)$/.test(
        key,
      )
    )
      continue;
    context[key] = Array.isArray(value) ? value.map(String) : String(value);
  }
  const simulation: Simulation = {
    identityPolicies: identityPoliciesOf(request.caller).map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    request: {
      action: request.action,
      principal: request.caller.kind === 'service' ? request.caller.servicePrincipal! : request.caller.arn,
      resource: { accountId: request.resourceAccountId, resource: request.resource },
      contextVariables: context,
    },
  } as Simulation;
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') return `simulator error: ${JSON.stringify(result.errors)}`;
  return result.overallResult as Verdict;
}

interface Case {
  resource: string;
  action: string;
  policies: Array<PolicyDocument | undefined>;
  contexts: Array<Record<string, string | boolean | undefined>>;
  callers: CallerIdentity[];
}

async function compare(c: Case) {
  const mismatches: string[] = [];
  const seen = new Set<Verdict>();
  let compared = 0;
  for (const policy of c.policies) {
    for (const context of c.contexts) {
      for (const caller of c.callers) {
        const request: AuthorizationRequest = {
          caller,
          action: c.action,
          resource: c.resource,
          resourceAccountId: CUSTOMER,
          resourcePolicy: policy,
          context: { 'aws:SecureTransport': false, ...context },
        };
        const ours = verdictOf(evaluateAuthorization(hooks, request, NOW));
        const theirs = await simulate(request);
        compared += 1;
        seen.add(ours);
        if (ours !== theirs) {
          mismatches.push(
            `${caller.arn} ${c.action} policy=${JSON.stringify(policy?.Statement)} ctx=${JSON.stringify(context)}: sandbox ${ours}, simulator ${theirs}`,
          );
        }
      }
    }
  }
  return { mismatches, seen, compared };
}

describe('the authorizer agrees with an independent IAM evaluator', () => {
  it('on S3 object requests with bucket policies', async () => {
    const object = 'arn:aws:s3:::src/data/k.txt';
    const result = await compare({
      resource: object,
      action: 's3:PutObject',
      callers,
      contexts: [{}, { 's3:x-amz-acl': 'bucket-owner-full-control' }, { 's3:x-amz-acl': 'public-read' }],
      policies: [
        undefined,
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR}:role/worker` },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::src/*',
        }),
        doc({ Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 's3:*', Resource: 'arn:aws:s3:::src/*' }),
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` },
          Action: 's3:PutObject',
          Resource: '*',
        }),
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:sts::${CUSTOMER}:assumed-role/nothing/s1` },
          Action: 's3:PutObject',
          Resource: '*',
        }),
        doc(
          anyPrincipal('Allow', 's3:Put*', 'arn:aws:s3:::src/data/*', {
            StringEquals: { 'aws:PrincipalAccount': VENDOR },
          }),
        ),
        doc(
          {
            Effect: 'Allow',
            Principal: { AWS: [VENDOR, CUSTOMER] },
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::src/*',
          },
          anyPrincipal('Deny', 's3:PutObject', 'arn:aws:s3:::src/*', {
            StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' },
          }),
        ),
        doc({
          Effect: 'Deny',
          NotPrincipal: { AWS: `arn:aws:iam::${VENDOR}:role/worker` },
          Action: 's3:PutObject',
          Resource: '*',
        }),
        doc({
          Effect: 'Allow',
          Principal: '*',
          NotAction: 's3:Delete*',
          Resource: '*',
          Condition: { StringEqualsIfExists: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
        }),
        doc(anyPrincipal('Deny', 's3:*', '*', { Bool: { 'aws:SecureTransport': 'false' } })),
      ],
    });
    expect(result.mismatches).toEqual([]);
    expect(result.compared).toBe(8 * 3 * 10);
    expect([...result.seen].sort()).toEqual(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied']);
  });

  it('on queue deliveries by service principals and cross-account sends', async () => {
    const topic = 'arn:aws:sns:us-east-1:222222222222:events';
    const result = await compare({
      resource: 'arn:aws:sqs:us-east-1:222222222222:events-q',
      action: 'sqs:SendMessage',
      callers: [...callers, service('s3.amazonaws.com'), service('sns.amazonaws.com')],
      contexts: [
        {},
        { 'aws:SourceArn': topic, 'aws:SourceAccount': CUSTOMER },
        { 'aws:SourceArn': 'arn:aws:s3:::src' },
      ],
      policies: [
        undefined,
        doc({
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: '*',
          Condition: { ArnEquals: { 'aws:SourceArn': topic } },
        }),
        doc(
          anyPrincipal('Allow', 'sqs:SendMessage', '*', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }),
        ),
        doc({
          Effect: 'Allow',
          Principal: { Service: ['s3.amazonaws.com', 'sns.amazonaws.com'] },
          Action: 'sqs:*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': CUSTOMER } },
        }),
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
          Action: 'sqs:SendMessage',
          Resource: '*',
        }),
        doc(anyPrincipal('Allow', 'sqs:SendMessage', '*', { Null: { 'aws:SourceArn': 'false' } })),
      ],
    });
    expect(result.mismatches).toEqual([]);
    expect(result.compared).toBe(10 * 3 * 6);
    expect(result.seen.has('Allowed') && result.seen.has('ImplicitlyDenied')).toBe(true);
  });

  it('on role trust policies with external IDs', async () => {
    const externalId = { StringEquals: { 'sts:ExternalId': 'ext-1' } };
    const result = await compare({
      resource: `arn:aws:iam::${CUSTOMER}:role/bucketbridge`,
      action: 'sts:AssumeRole',
      callers,
      contexts: [{}, { 'sts:ExternalId': 'ext-1' }, { 'sts:ExternalId': 'ext-2' }],
      policies: [
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
          Action: 'sts:AssumeRole',
          Condition: externalId,
        }),
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR}:role/worker` },
          Action: 'sts:AssumeRole',
          Condition: externalId,
        }),
        doc({
          Effect: 'Allow',
          Principal: { AWS: [CUSTOMER, `arn:aws:iam::${VENDOR}:role/denier`] },
          Action: 'sts:AssumeRole',
        }),
        doc({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${CUSTOMER}:role/nothing` },
          Action: 'sts:AssumeRole',
        }),
        doc(
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalAccount': [VENDOR, CUSTOMER] } },
          },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { Null: { 'sts:ExternalId': 'true' } },
          },
        ),
      ],
    });
    expect(result.mismatches).toEqual([]);
    expect(result.compared).toBe(8 * 3 * 5);
    expect([...result.seen].sort()).toEqual(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied']);
  });
});
