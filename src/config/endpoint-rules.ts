/**
 * The endpoint options the AWS SDK refuses to combine, refused here first with the reason, so a
 * bad combination is a configuration error at load time rather than a failure on the first
 * request of every connection. Checked on final values (file, defaults and environment), since
 * the sandbox's endpoint usually comes from the environment. A unit test holds these rules
 * against the SDK's own endpoint resolvers.
 */
import type { EnvOverride } from './env-overrides.js';
import { partitionOfRegion } from './partition.js';
import type { RawProblem } from './raw-problem.js';
import type { ConfigFile } from './schema.js';
import { ENDPOINT_SERVICES } from './schema-aws.js';

/** Partitions in which S3 has no FIPS endpoints (the SDK: "Partition does not support FIPS"). */
const S3_PARTITIONS_WITHOUT_FIPS = new Set(['aws-cn']);

type AwsBlock = ConfigFile['aws'];

function overriddenEndpoints(aws: AwsBlock): string[] {
  const keys = aws.endpoint === undefined ? [] : ['aws.endpoint'];
  for (const service of ENDPOINT_SERVICES) {
    if (aws.endpoints[service] !== undefined) keys.push(`aws.endpoints.${service}`);
  }
  return keys;
}

function shown(value: boolean, key: string, overrides: readonly EnvOverride[]): string {
  const variable = overrides.find((o) => o.key === key)?.variable;
  return variable === undefined ? String(value) : `${value} (from ${variable})`;
}

/**
 * Problems with the endpoint options of a validated configuration, environment applied.
 * `regions` are the customer regions in use, each with the key that decided it.
 */
export function endpointProblems(
  aws: AwsBlock,
  regions: ReadonlyArray<{ key: string; region: string }>,
  overrides: readonly EnvOverride[] = [],
): RawProblem[] {
  const problems: RawProblem[] = [];
  const custom = overriddenEndpoints(aws);
  const switches = [
    ['useFipsEndpoint', aws.useFipsEndpoint, 'FIPS'],
    ['useDualstackEndpoint', aws.useDualstackEndpoint, 'dual-stack'],
  ] as const;
  for (const [setting, on, what] of switches) {
    if (!on || custom.length === 0) continue;
    problems.push({
      path: ['aws', setting],
      expected: `false while an endpoint is overridden (${custom.join(', ')})`,
      found: shown(on, `aws.${setting}`, overrides),
      hint: `the AWS SDK refuses ${what} together with a custom endpoint; a VPC interface endpoint has its own ${what} DNS name: put that name in aws.endpoints and turn ${setting} off`,
    });
  }
  if (aws.useFipsEndpoint) {
    const withoutFips = regions.filter((r) => S3_PARTITIONS_WITHOUT_FIPS.has(partitionOfRegion(r.region)));
    if (withoutFips.length > 0) {
      const where = withoutFips.map((r) => `${r.key} ${r.region}`).join(', ');
      problems.push({
        path: ['aws', 'useFipsEndpoint'],
        expected: `false: S3 has no FIPS endpoints in the ${partitionOfRegion(withoutFips[0]?.region ?? '')} partition (${where})`,
        found: shown(true, 'aws.useFipsEndpoint', overrides),
        hint: 'the AWS SDK refuses it ("Partition does not support FIPS"); run those connections from a configuration file without useFipsEndpoint',
      });
    }
  }
  return problems;
}
