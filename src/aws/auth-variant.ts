/**
 * The two ways a connection reaches its customer's account, decided once from the configuration
 * keys the requirements name (`assumeRoleFlag`, `assumeRoleArn`, `externalId`, `sessionName`,
 * `stsCredsExpirationTime`), with every default applied here:
 *
 * - `default-chain`: the SDK's default credential chain, unchanged (assumeRoleFlag false);
 * - `assume-role`: AssumeRole through `roleArns` in order, each hop with the same external ID,
 *   session name and duration.
 */
import { type Connection, MAX_STS_DURATION_SEC, parseDurationSec } from '../config/schema.js';

/** The connection keys that decide its credentials. */
export type ConnectionAuth = Pick<
  Connection,
  'name' | 'assumeRoleFlag' | 'assumeRoleArn' | 'externalId' | 'sessionName' | 'stsCredsExpirationTime'
>;

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
      /** RoleSessionName on every hop; shows in the customer's CloudTrail. */
      sessionName: string;
      /** DurationSeconds on every hop. */
      durationSec: number;
    };

/** `bucketbridge-<connection>`, trimmed to the 64 characters and the alphabet STS accepts. */
export function defaultSessionName(connectionName: string): string {
  return `bucketbridge-${connectionName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** The session duration a connection asks for, in seconds. */
export function sessionDurationSec(connection: Pick<Connection, 'stsCredsExpirationTime'>): number {
  const seconds = parseDurationSec(connection.stsCredsExpirationTime);
  // The schema has validated the value; this guards a hand-built Connection in code.
  if (seconds === undefined || seconds > MAX_STS_DURATION_SEC) {
    throw new RangeError(
      `stsCredsExpirationTime ${String(connection.stsCredsExpirationTime)} is not 15m..12h`,
    );
  }
  return seconds;
}

/** The auth variant of a connection, defaults applied. */
export function authVariantOf(connection: ConnectionAuth): AuthVariant {
  if (!connection.assumeRoleFlag) return { kind: 'default-chain' };
  if (connection.assumeRoleArn.length === 0) {
    throw new RangeError(`connection ${connection.name}: assumeRoleFlag is true but assumeRoleArn is empty`);
  }
  return {
    kind: 'assume-role',
    roleArns: connection.assumeRoleArn,
    externalId: connection.externalId,
    sessionName: connection.sessionName ?? defaultSessionName(connection.name),
    durationSec: sessionDurationSec(connection),
  };
}

/** One line for people: what credentials a connection uses. Never includes the external ID's value. */
export function describeAuthVariant(variant: AuthVariant): string {
  if (variant.kind === 'default-chain') return 'the default AWS credential chain (assumeRoleFlag is false)';
  const chain = variant.roleArns.join(' -> ');
  const externalId = variant.externalId === undefined ? 'no external ID' : 'an external ID';
  return `AssumeRole ${chain} as session ${variant.sessionName} for ${variant.durationSec} s, with ${externalId}`;
}

const PARTITION_OF_REGION: Array<[RegExp, string]> = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^us-iso-/, 'aws-iso'],
];
const HOME_REGION: Record<string, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
};

/** The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOfRegion(region: string): string {
  return PARTITION_OF_REGION.find(([pattern]) => pattern.test(region))?.[1] ?? 'aws';
}

/**
 * The region to call STS in for a role: the configured one when it is in the role's partition,
 * else that partition's home region (a China role cannot be assumed through us-east-1).
 */
export function stsRegionFor(roleArn: string, region: string): string {
  const partition = /^arn:(aws[a-z-]*):/.exec(roleArn)?.[1] ?? 'aws';
  if (partitionOfRegion(region) === partition) return region;
  return HOME_REGION[partition] ?? region;
}
