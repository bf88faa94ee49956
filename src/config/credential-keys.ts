/**
 * Credentials never belong in the configuration file: the vendor's come from the AWS credential
 * chain, the customer's access from an assumed role. A key that looks like one gets its own error.
 */
import type { RawProblem } from './raw-problem.js';

/** Key names (lower case, without `_` and `-`) that hold secrets or long-term keys. */
const CREDENTIAL_KEYS = new Set([
  'accesskeyid',
  'awsaccesskeyid',
  'accesskey',
  'secretaccesskey',
  'awssecretaccesskey',
  'secretkey',
  'secret',
  'sessiontoken',
  'awssessiontoken',
  'securitytoken',
  'password',
  'credentials',
]);

export const CREDENTIAL_HINT =
  'remove it: bucketbridge takes AWS credentials from the standard AWS credential chain ' +
  '(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance/task role), ' +
  'and customer access from assumeRoleFlag/assumeRoleArn';

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/** A problem for every credential-like key anywhere in the document (the value is never shown). */
export function credentialKeyProblems(raw: unknown, path: (string | number)[] = []): RawProblem[] {
  if (Array.isArray(raw)) return raw.flatMap((item, i) => credentialKeyProblems(item, [...path, i]));
  if (raw === null || typeof raw !== 'object') return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([key, value]) => {
    const here = [...path, key];
    if (isCredentialKey(key)) {
      return [
        {
          path: here,
          expected: 'no credentials in the configuration file',
          found: `\`${key}\``,
          hint: CREDENTIAL_HINT,
          at: 'key' as const,
        },
      ];
    }
    return credentialKeyProblems(value, here);
  });
}
