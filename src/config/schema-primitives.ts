/**
 * The building blocks of the configuration schema: patterns, limits and small field schemas that
 * both the file validation and the `init` prompts use, so a rule is written once.
 */
import { z } from 'zod';
import { formatDurationSec, parseDurationMs } from './duration.js';

/** AWS partitions an ARN may name. */
export const AWS_PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;
const PARTITION = `(?:${AWS_PARTITIONS.join('|')})`;

export const ACCOUNT_ID = /^\d{12}$/;
/** Role ARNs in any AWS partition, with an optional path: `arn:aws:iam::222222222222:role/path/Name`. */
export const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$`);
/** IAM principals allowed in a trust policy: account roots, roles and users. */
export const PRINCIPAL_ARN = new RegExp(
  `^arn:${PARTITION}:iam::\\d{12}:(?:root|role/[\\w+=,.@/-]{1,512}|user/[\\w+=,.@/-]{1,512})$`,
);
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** S3 bucket names as AWS accepts them for new buckets (lower case, 3..63, no adjacent dots). */
export const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d$/;
export const CONNECTION_NAME = /^[a-zA-Z0-9][\w.-]{0,62}$/;

export const MIN_STS_DURATION_SEC = 15 * 60;
export const MAX_STS_DURATION_SEC = 12 * 60 * 60;
/** AWS caps a session obtained with credentials of another assumed role (role chaining) at one hour. */
export const MAX_CHAINED_STS_DURATION_SEC = 60 * 60;

/**
 * Says which part of a would-be IAM ARN is wrong (partition, service, region, account or
 * resource), or undefined when the ARN is well formed. `kind` is the resource the ARN must name.
 */
export function explainIamArn(value: string, kind: 'role' | 'principal'): string | undefined {
  const parts = value.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) {
    return 'an ARN has six parts separated by colons: arn:PARTITION:iam::ACCOUNT:RESOURCE';
  }
  const [, partition = '', service = '', region = '', account = ''] = parts;
  const resource = parts.slice(5).join(':');
  if (!(AWS_PARTITIONS as readonly string[]).includes(partition)) {
    return `partition \`${partition}\` is not an AWS partition (${AWS_PARTITIONS.join(', ')})`;
  }
  if (service !== 'iam')
    return `service \`${service}\` is not \`iam\`: roles and principals are IAM resources`;
  if (region !== '') return `IAM ARNs have no region, but this one names \`${region}\``;
  if (!ACCOUNT_ID.test(account)) return `account \`${account}\` is not a 12-digit AWS account ID`;
  const resourceOk =
    kind === 'role'
      ? /^role\/[\w+=,.@/-]{1,512}$/.test(resource)
      : /^(?:root|role\/[\w+=,.@/-]{1,512}|user\/[\w+=,.@/-]{1,512})$/.test(resource);
  if (!resourceOk) {
    return kind === 'role'
      ? `resource \`${resource}\` is not a role: it must be role/NAME (letters, digits and +=,.@_-/)`
      : `resource \`${resource}\` is not root, role/NAME or user/NAME`;
  }
  return undefined;
}

export const accountIdSchema = z
  .string()
  .regex(ACCOUNT_ID, 'a 12-digit AWS account ID in quotes, e.g. "222222222222"');
export const regionSchema = z.string().regex(REGION, 'an AWS region name such as us-east-1');
export const bucketNameSchema = z
  .string()
  .regex(BUCKET_NAME, 'an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)');
export const roleArnSchema = z
  .string()
  .regex(ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::222222222222:role/BucketBridgeAccessRole');
export const principalArnSchema = z
  .string()
  .regex(
    PRINCIPAL_ARN,
    'an IAM principal ARN (account root, role or user) such as arn:aws:iam::111111111111:root',
  );
export const externalIdSchema = z
  .string()
  .regex(EXTERNAL_ID, '2 to 1224 characters of letters, digits and _+=,.@:/-');
export const sessionNameSchema = z
  .string()
  .regex(SESSION_NAME, '2 to 64 characters of letters, digits and _+=,.@-');

/** The text form of a duration: `90`, `30d`, `1h`, `90m`, `3600s`, `1h30m`. */
export const DURATION_TEXT = /^(?:\d+|(?=\d)(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?)$/;

/** What a duration value must look like, in the words every duration error uses. */
export const DURATION_EXPECTED = 'a duration such as 1h, 90m, 3600s or a number of seconds';

/**
 * A duration given as `1h`, `90m`, `3600s`, `1h30m` or a number of seconds, optionally limited to
 * [minSec, maxSec]. The value keeps the user's spelling; `resolveConfig` turns it into a number.
 */
export function durationSchema(limits: { minSec?: number; maxSec?: number } = {}) {
  const { minSec = 0, maxSec = Number.MAX_SAFE_INTEGER } = limits;
  const bounded = limits.minSec !== undefined || limits.maxSec !== undefined;
  return z
    .union(
      [
        z.string().regex(DURATION_TEXT, DURATION_EXPECTED),
        z.number().int(DURATION_EXPECTED).nonnegative(DURATION_EXPECTED),
      ],
      {
        error: DURATION_EXPECTED,
      },
    )
    .refine(
      (v) => {
        const ms = parseDurationMs(v);
        // A value that is not a duration at all has its own error already.
        return ms === undefined || (ms >= minSec * 1000 && ms <= maxSec * 1000);
      },
      {
        error: bounded
          ? `a duration from ${formatDurationSec(minSec)} to ${formatDurationSec(maxSec)}`
          : DURATION_EXPECTED,
      },
    )
    .meta({
      // Shown by editors that read JSON Schema extensions and by docs/configuration.md.
      'x-duration': bounded
        ? `${formatDurationSec(minSec)}..${limits.maxSec === undefined ? '' : formatDurationSec(maxSec)}`
        : 'any',
    });
}
