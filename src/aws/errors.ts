/**
 * The errors of the AWS layer. Each has one meaning, carries its context and a failure kind,
 * and has a message written for the person who must fix it.
 */

import type { FailureKind } from '../errors/failure-kind.js';
import { UserFacingError } from '../errors/user-facing-error.js';

export type { FailureKind };

/** Why an AssumeRole hop failed. */
export type AssumeRoleFailure =
  | 'access-denied'
  | 'duration-above-role-maximum'
  | 'duration-above-chaining-limit'
  | 'caller-token-expired'
  | 'caller-key-unknown'
  | 'caller-signature-mismatch'
  | 'caller-clock-skew'
  | 'region-disabled'
  | 'other';

/** Context of an {@link AssumeRoleError}. */
export interface AssumeRoleErrorContext {
  /** The role that could not be assumed. */
  roleArn: string;
  /** The identity that called AssumeRole, when known (an ARN). */
  caller?: string | undefined;
  /** 0-based position of the role in `assumeRoleArn`. */
  hop: number;
  reason: AssumeRoleFailure;
  kind: FailureKind;
  /** The SDK's error. */
  cause: unknown;
}

/** A role of a connection's chain could not be assumed. The message says why and what to change. */
export class AssumeRoleError extends UserFacingError {
  override readonly name = 'AssumeRoleError';
  readonly roleArn: string;
  readonly caller: string | undefined;
  readonly hop: number;
  readonly reason: AssumeRoleFailure;
  readonly kind: FailureKind;
  constructor(message: string, context: AssumeRoleErrorContext) {
    super(message, { cause: context.cause });
    this.roleArn = context.roleArn;
    this.caller = context.caller;
    this.hop = context.hop;
    this.reason = context.reason;
    this.kind = context.kind;
  }
}

/** Why the vendor's own credentials (or the ones a request was signed with) were refused. */
export type CredentialsFailure =
  | 'no-credentials'
  | 'token-expired'
  | 'key-unknown'
  | 'signature-mismatch'
  | 'clock-skew';

/** Credentials are missing or were refused by AWS. Always a misconfiguration unless stated. */
export class CredentialsError extends UserFacingError {
  override readonly name = 'CredentialsError';
  readonly reason: CredentialsFailure;
  readonly kind: FailureKind;
  constructor(message: string, reason: CredentialsFailure, options: { cause: unknown; kind?: FailureKind }) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.kind = options.kind ?? 'misconfiguration';
  }
}

/** The AWS error code of an SDK error (`name`, or `Code`/`code` on older shapes), or undefined. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [e.Code, e.name, e.code]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== '') return candidate;
  }
  return undefined;
}

/** The HTTP status an SDK error carries, when it came from a response. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { $metadata?: { httpStatusCode?: unknown }; $response?: { statusCode?: unknown } };
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A bucket's region could not be found (it does not exist, or the credentials may not look). */
export class BucketRegionError extends UserFacingError {
  override readonly name = 'BucketRegionError';
  readonly bucket: string;
  readonly kind: FailureKind;
  constructor(message: string, context: { bucket: string; kind: FailureKind; cause: unknown }) {
    super(message, { cause: context.cause });
    this.bucket = context.bucket;
    this.kind = context.kind;
  }
}
