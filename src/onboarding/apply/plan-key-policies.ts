/**
 * `onboard --apply` for SSE-KMS: merges our statements into the policy of each configured KMS key
 * (the role's on the source and destination keys, S3's on the key of an encrypted topic or queue;
 * once per key when they share one), by Sid as with bucket policies. KMS has one policy per key,
 * named `default`.
 */
import { GetKeyPolicyCommand, type KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import type { OnboardingContext } from '../onboarding-context.js';
import { buildEventKeyPolicy, buildKeyPolicy, keyRegion } from '../policies/key-policy.js';
import type { PolicyDocument } from '../policies/policy-document.js';
import { mergeStatements } from './merge-statements.js';

/** What the planner needs from the orchestrator, so this module does not import it back. */
export interface KeyPolicyPlanning<Change> {
  /** A KMS client in the key's region. */
  kmsFor(region: string): KMSClient;
  read<T>(step: string, call: () => Promise<T>): Promise<T>;
  change(resource: string, before: unknown, after: unknown, execute: () => Promise<unknown>): Change;
  /** Retries while IAM has not yet propagated a role created a moment ago. */
  retryNewPrincipal<T>(call: () => Promise<T>): Promise<T>;
}

export async function planKeyPolicies<Change>(
  context: OnboardingContext,
  planning: KeyPolicyPlanning<Change>,
): Promise<Change[]> {
  const ours = new Map<string, PolicyDocument[]>();
  for (const side of ['source', 'destination'] as const) {
    const document = buildKeyPolicy(context, side);
    const keyArn = context[side].kmsKeyArn;
    if (document === undefined || keyArn === undefined) continue;
    ours.set(keyArn, [...(ours.get(keyArn) ?? []), document]);
  }
  const eventKey = context.live?.kmsKeyArn;
  const eventDocument = buildEventKeyPolicy(context);
  if (eventKey !== undefined && eventDocument !== undefined)
    ours.set(eventKey, [...(ours.get(eventKey) ?? []), eventDocument]);
  const changes: Change[] = [];
  for (const [keyArn, documents] of ours) {
    const kms = planning.kmsFor(keyRegion(keyArn));
    const current = await planning.read(`Reading the key policy of ${keyArn}`, () =>
      kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' })),
    );
    const existing = current.Policy ? (JSON.parse(current.Policy) as PolicyDocument) : undefined;
    let merged = existing;
    for (const document of documents) merged = mergeStatements(merged, document).document;
    const after = merged!;
    changes.push(
      planning.change(`KMS key policy of ${keyArn}`, existing, after, () =>
        planning.retryNewPrincipal(() =>
          kms.send(
            new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(after) }),
          ),
        ),
      ),
    );
  }
  return changes;
}
