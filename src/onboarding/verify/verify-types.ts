/**
 * The shapes `verify` is made of: a check's result (the contract of `--json`), the context every
 * check reads, and what a check declares about itself (its id and the checks it depends on).
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ConnectionAccess } from '../../aws/connection-access.js';
import type { Config, Connection } from '../../config/resolved-config.js';

/** `pass`: as it should be; `fail`: the connection will not work or is unsafe; `warn`: works, but read this; `skip`: not run. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One check's outcome, as printed in the table and in the `--json` document. */
export interface CheckResult {
  /** Stable identifier, e.g. `role.assume` (docs/onboarding.md lists them). */
  id: string;
  status: CheckStatus;
  /** What was found, in plain words. */
  detail: string;
  /** What to change when the status is fail or warn; empty otherwise. */
  remediation: string;
}

/** What a check returns; the runner adds the id. */
export type CheckOutcome = Omit<CheckResult, 'id'>;

/** Facts one check finds and later checks use (each written by exactly one check). */
export interface VerifyFacts {
  /** Region of each bucket, by name (from `buckets.region`). */
  bucketRegions: Map<string, string>;
  /** Where the connection's objects are processed (from `buckets.region`). */
  processingRegion?: string;
  /** First key found under the source prefix (from `source.list`); undefined when empty. */
  sampleKey?: string;
  /** The destination refused the configured ACL with AccessControlListNotSupported (from `destination.write`). */
  aclRefused?: boolean;
  /** The probe object `destination.write` wrote. */
  probeKey?: string;
}

/** Everything a check may read. */
export interface VerifyContext {
  config: Config;
  connection: Connection;
  /** The connection's credentials (the configured role chain) and clients. */
  access: ConnectionAccess;
  /** The vendor's own credentials (the default chain unless injected). */
  vendorCredentials: AwsCredentialIdentityProvider;
  facts: VerifyFacts;
  /** The time the run started, used in the probe object's name. */
  now: Date;
  /** External IDs retired by `onboard --retire-external-id` that the role must now refuse (`--retired-external-id`). */
  retiredExternalIds?: readonly string[];
}

/** One check: its id, the checks whose failure makes it pointless, and the work. */
export interface Check {
  id: string;
  /** Ids of checks that must pass (or warn) first; when one did not, this one is skipped. */
  dependsOn: readonly string[];
  /** Runs only when this returns a reason string: the check is skipped with it (e.g. batch connections for live checks). */
  notApplicable?(context: VerifyContext): string | undefined;
  /**
   * Reported at all only when this returns true: checks of a step few connections are in (an
   * external-ID rotation), so that every other report keeps its shape.
   */
  onlyWhen?(context: VerifyContext): boolean;
  run(context: VerifyContext): Promise<CheckOutcome>;
}

/** The result for one connection. */
export interface ConnectionReport {
  name: string;
  /** Where the connection's objects are processed; undefined when the bucket's region is unknown. */
  processingRegion: string | null;
  checks: CheckResult[];
}

/** The whole `verify` result: the `--json` document. */
export interface VerifyReport {
  connections: ConnectionReport[];
  /** True when no check failed. */
  ok: boolean;
}

export const pass = (detail: string): CheckOutcome => ({ status: 'pass', detail, remediation: '' });
export const fail = (detail: string, remediation: string): CheckOutcome => ({
  status: 'fail',
  detail,
  remediation,
});
export const warn = (detail: string, remediation: string): CheckOutcome => ({
  status: 'warn',
  detail,
  remediation,
});
export const skip = (detail: string): CheckOutcome => ({ status: 'skip', detail, remediation: '' });
