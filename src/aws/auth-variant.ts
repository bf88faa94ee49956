/**
 * The two ways a connection reaches its customer's account, decided once from the configuration
 * keys the requirements name (`assumeRoleFlag`, `assumeRoleArn`, `externalId`, `sessionName`,
 * `stsCredsExpirationTime`), read from the resolved configuration (defaults already applied):
 *
 * - `default-chain`: the SDK's default credential chain, unchanged (assumeRoleFlag false);
 * - `assume-role`: AssumeRole through `roleArns` in order, each hop with the same external ID,
 *   session name and duration.
 */
import type { Connection } from '../config/resolved-config.js';
import { partitionOfRegion } from './arn.js';

/** The connection keys that decide its credentials. */
export type ConnectionAuth = Pick<
  Connection,
  'name' | 'assumeRoleFlag' | 'assumeRoleArn' | 'externalId' | 'sessionName' | 'stsCredsExpirationSec'
> &
  Partial<Pick<Connection, 'previousExternalIds'>>;

/** How a connection authenticates. */
export type AuthVariant =
  | {
      kind: 'default-chain';
    }
  | {
      kind: 'assume-role';
      /** Roles assumed in order; hop N signs with the session of hop N-1 (role chaining). */
      roleArns: readonly string[];
      /** Sent on every hop (AWS ignores it where the trust policy does not ask for it). */
      externalId: string | undefined;
      /**
       * Tried, in order, only when AssumeRole with `externalId` is refused (AccessDenied): during an
       * external-ID rotation the customer may not have applied the trust policy that names the new
       * one yet. Empty when no rotation is in progress.
       */
      previousExternalIds: readonly string[];
      /** RoleSessionName on every hop; shows in the customer's CloudTrail. */
      sessionName: string;
      /** DurationSeconds on every hop. */
      durationSec: number;
    };

/** The auth variant of a resolved connection. */
export function authVariantOf(connection: ConnectionAuth): AuthVariant {
  if (!connection.assumeRoleFlag) return { kind: 'default-chain' };
  if (connection.assumeRoleArn.length === 0) {
    throw new RangeError(`connection ${connection.name}: assumeRoleFlag is true but assumeRoleArn is empty`);
  }
  return {
    kind: 'assume-role',
    roleArns: connection.assumeRoleArn,
    externalId: connection.externalId,
    previousExternalIds: connection.externalId === undefined ? [] : (connection.previousExternalIds ?? []),
    sessionName: connection.sessionName,
    durationSec: connection.stsCredsExpirationSec,
  };
}

/** One line for people: what credentials a connection uses. Never includes the external ID's value. */
export function describeAuthVariant(variant: AuthVariant): string {
  if (variant.kind === 'default-chain') return 'the default AWS credential chain (assumeRoleFlag is false)';
  const chain = variant.roleArns.join(' -> ');
  const externalId = variant.externalId === undefined ? 'no external ID' : 'an external ID';
  return `AssumeRole ${chain} as session ${variant.sessionName} for ${variant.durationSec} s, with ${externalId}`;
}

const HOME_REGION: Record<string, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
};

/**
 * The region to call STS in for a role: the configured one when it is in the role's partition,
 * else that partition's home region (a China role cannot be assumed through us-east-1).
 */
export function stsRegionFor(roleArn: string, region: string): string {
  const partition = /^arn:(aws[a-z-]*):/.exec(roleArn)?.[1] ?? 'aws';
  if (partitionOfRegion(region) === partition) return region;
  return HOME_REGION[partition] ?? region;
}
