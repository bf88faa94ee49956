/**
 * AssumeRole's parameters, validated with STS's own messages (member constraints from the API
 * model, then the session-duration rules that depend on the role and the caller).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { AwsError } from '../core/errors.js';
import { integerParam, MemberConstraints, stringParam } from '../iam/member-constraints.js';

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  /** Requested session length in seconds, when the caller asked for one (default 3600). */
  durationSec?: number;
  externalId?: string;
  /** A session policy's JSON text: the session may do only what this and the role's policies allow. */
  policy?: string;
}

/** Role chaining (a role session assuming a role) is limited to one hour, whatever the role allows. */
export const CHAINED_SESSION_MAX_SEC = 3600;
export const DEFAULT_SESSION_SEC = 3600;

export function parseAssumeRoleInput(params: URLSearchParams): AssumeRoleInput {
  const checks = new MemberConstraints();
  const roleArn = stringParam(params, 'RoleArn');
  if (checks.required('roleArn', roleArn)) {
    checks.length('roleArn', roleArn, 20, 2048);
  }
  const roleSessionName = stringParam(params, 'RoleSessionName');
  if (checks.required('roleSessionName', roleSessionName)) {
    checks
      .length('roleSessionName', roleSessionName, 2, 64)
      .pattern('roleSessionName', roleSessionName, '[\\w+=,.@-]*');
  }
  const durationSec = integerParam(params, 'DurationSeconds', 'durationSeconds');
  checks.range('durationSeconds', durationSec, 900, 43200);
  const externalId = stringParam(params, 'ExternalId');
  checks.length('externalId', externalId, 2, 1224).pattern('externalId', externalId, '[\\w+=,.@:\\/-]*');
  const policy = stringParam(params, 'Policy');
  checks
    .length('policy', policy, 1, 2048)
    .pattern('policy', policy, '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+');
  checks.check();
  return { roleArn: roleArn!, roleSessionName: roleSessionName!, durationSec, externalId, policy };
}

/**
 * The session length to grant, or STS's ValidationError: a chained session may not ask for more
 * than an hour; any other may not ask for more than the role's MaxSessionDuration.
 */
export function sessionDurationSec(
  requestedSec: number | undefined,
  role: { maxSessionDurationSec: number },
  chained: boolean,
): number {
  const durationSec = requestedSec ?? DEFAULT_SESSION_SEC;
  if (chained && durationSec > CHAINED_SESSION_MAX_SEC) {
    throw new AwsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      400,
    );
  }
  if (durationSec > role.maxSessionDurationSec) {
    throw new AwsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    );
  }
  return durationSec;
}
