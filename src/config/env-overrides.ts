/**
 * Environment variables that override the file, so one file serves real AWS and a local stand-in
 * and follows the region the AWS tools already use. Precedence, highest first:
 *
 * - endpoint: BUCKETBRIDGE_ENDPOINT, then AWS_ENDPOINT_URL, then `aws.endpoint` in the file.
 * - one service's endpoint: AWS_ENDPOINT_URL_S3 (_STS, _SQS, _SNS), then `aws.endpoints.s3` ...
 * - region:   AWS_REGION, then AWS_DEFAULT_REGION, then `aws.region` in the file (default us-east-1).
 * - AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT (`true` or `false`, as the SDK reads them),
 *   then `aws.useFipsEndpoint`, `aws.useDualstackEndpoint`.
 *
 * Empty variables are ignored. Credentials are not configuration: the AWS SDK reads them itself
 * from its credential chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).
 */
import type { ConfigProblem } from '../errors/index.js';
import { describeValue } from './describe-value.js';
import type { ConfigFile } from './schema.js';
import { ENDPOINT_SERVICES } from './schema-aws.js';
import { regionSchema } from './schema-primitives.js';

export const ENDPOINT_VARIABLES = ['BUCKETBRIDGE_ENDPOINT', 'AWS_ENDPOINT_URL'] as const;
export const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
/** The SDK's own switches, read with the SDK's rule: exactly `true` or `false`. */
const SWITCH_VARIABLES = [
  ['AWS_USE_FIPS_ENDPOINT', 'useFipsEndpoint'],
  ['AWS_USE_DUALSTACK_ENDPOINT', 'useDualstackEndpoint'],
] as const;
const HTTP_URL_EXPECTED = 'an http(s) URL such as http://127.0.0.1:4566';

function firstSet(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A configuration key whose value came from the environment. */
export interface EnvOverride {
  /** `aws.endpoint`, `aws.endpoints.s3`, `aws.region`, `aws.useFipsEndpoint`, ... */
  key: string;
  /** The variable that set it, e.g. `AWS_REGION`. */
  variable: string;
}

/** The config with the environment's overrides applied, or the problems with the variables' values. */
export function applyEnvOverrides(
  config: ConfigFile,
  env: NodeJS.ProcessEnv,
): { config: ConfigFile; problems: ConfigProblem[]; overrides: EnvOverride[] } {
  const problems: ConfigProblem[] = [];
  const overrides: EnvOverride[] = [];
  const aws = { ...config.aws, endpoints: { ...config.aws.endpoints } };
  const urlProblem = (name: string, key: string, value: string): void => {
    problems.push({
      file: `environment variable ${name}`,
      path: key,
      expected: HTTP_URL_EXPECTED,
      found: describeValue(value),
    });
  };
  const endpoint = firstSet(env, ENDPOINT_VARIABLES);
  if (endpoint) {
    if (isHttpUrl(endpoint.value)) {
      aws.endpoint = endpoint.value;
      overrides.push({ key: 'aws.endpoint', variable: endpoint.name });
    } else urlProblem(endpoint.name, 'aws.endpoint', endpoint.value);
  }
  for (const service of ENDPOINT_SERVICES) {
    const name = `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
    const serviceEndpoint = firstSet(env, [name]);
    if (!serviceEndpoint) continue;
    const key = `aws.endpoints.${service}`;
    if (isHttpUrl(serviceEndpoint.value)) {
      aws.endpoints[service] = serviceEndpoint.value;
      overrides.push({ key, variable: name });
    } else urlProblem(name, key, serviceEndpoint.value);
  }
  const region = firstSet(env, REGION_VARIABLES);
  if (region) {
    if (regionSchema.safeParse(region.value).success) {
      aws.region = region.value;
      overrides.push({ key: 'aws.region', variable: region.name });
    } else {
      problems.push({
        file: `environment variable ${region.name}`,
        path: 'aws.region',
        expected: 'an AWS region name such as us-east-1',
        found: describeValue(region.value),
      });
    }
  }
  for (const [name, setting] of SWITCH_VARIABLES) {
    const value = firstSet(env, [name])?.value;
    if (value === undefined) continue;
    if (value === 'true' || value === 'false') {
      aws[setting] = value === 'true';
      overrides.push({ key: `aws.${setting}`, variable: name });
    } else {
      problems.push({
        file: `environment variable ${name}`,
        path: `aws.${setting}`,
        expected: '"true" or "false" (the AWS SDK accepts nothing else)',
        found: describeValue(value),
      });
    }
  }
  return { config: { ...config, aws }, problems, overrides };
}
