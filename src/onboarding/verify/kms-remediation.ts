/**
 * What `verify` tells the customer when a KMS key stands in the way: the key, the statement its
 * key policy needs (the one `onboard` writes to `<side>-key-policy.json`), and the configuration
 * key that makes `onboard` grant the role its IAM side.
 */
import { messageOf } from '../../aws/errors.js';
import type { Config, Connection } from '../../config/resolved-config.js';
import { resolveOnboardingContext } from '../onboarding-context.js';
import { type KeySide, keyPolicyStatement } from '../policies/key-policy.js';

/** The KMS action and key an S3 AccessDenied names (`… perform: kms:Decrypt on resource: arn:aws:kms:…`). */
export function kmsDenial(error: unknown): { action: string; keyArn: string } | undefined {
  const match = /perform: (kms:\w+) on resource: (arn:[\w-]+:kms:[^\s"]+)/.exec(messageOf(error));
  return match ? { action: match[1]!, keyArn: match[2]! } : undefined;
}

/** The remediation for a key the connection must be able to use on one side. */
export function kmsRemediation(
  config: Config,
  connection: Connection,
  side: KeySide,
  keyArn: string,
): string {
  let statement: string;
  try {
    statement = JSON.stringify(
      keyPolicyStatement(resolveOnboardingContext(config, connection), side, keyArn),
    );
  } catch {
    // The configuration cannot be onboarded as it is; the key and the actions are still worth naming.
    statement = `an Allow of ${side === 'source' ? 'kms:Decrypt' : 'kms:GenerateDataKey and kms:Decrypt'} for the connection's role`;
  }
  const configured = connection[side].kmsKeyArn === keyArn;
  const configure = configured
    ? ''
    : `Set ${side}.kmsKeyArn: ${keyArn} in connection "${connection.name}" and run bucketbridge onboard again (it grants the role's IAM side). `;
  return `${configure}Add this statement to the key policy of ${keyArn}: ${statement}`;
}
