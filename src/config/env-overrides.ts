/**
 * Environment variables that override the file, so one file serves real AWS and a local stand-in
 * and follows the region the AWS tools already use. Precedence, highest first:
 *
 * - endpoint: BUCKETBRIDGE_ENDPOINT, then AWS_ENDPOINT_URL, then `aws.endpoint` in the file.
 * - region:   AWS_REGION, then AWS_DEFAULT_REGION, then `aws.region` in the file (default us-east-1).
 *
 * Empty variables are ignored. Credentials are not configuration: the AWS SDK reads them itself
 * from its credential chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).
 */
import type { ConfigProblem } from '../errors/index.js';
import { describeValue } from './describe-value.js';
import type { ConfigFile } from './schema.js';
import { regionSchema } from './schema-primitives.js';

export const ENDPOINT_VARIABLES = ['BUCKETBRIDGE_ENDPOINT', 'AWS_ENDPOINT_URL'] as const;
export const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

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
  /** `aws.endpoint` or `aws.region`. */
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
  const aws = { ...config.aws };
  const endpoint = firstSet(env, ENDPOINT_VARIABLES);
  if (endpoint) {
    if (isHttpUrl(endpoint.value)) {
      aws.endpoint = endpoint.value;
      overrides.push({ key: 'aws.endpoint', variable: endpoint.name });
    } else {
      problems.push({
        file: `environment variable ${endpoint.name}`,
        path: 'aws.endpoint',
        expected: 'an http(s) URL such as http://127.0.0.1:4566',
        found: describeValue(endpoint.value),
      });
    }
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
  return { config: { ...config, aws }, problems, overrides };
}
