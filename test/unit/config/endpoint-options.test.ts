import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/aws/client-factory.js';
import { validateConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors/index.js';
import { VALID_CONFIG, withReplaced } from '../../fixtures/config.js';

const VPCE_S3 = 'https://bucket.vpce-0a1b2c3d-4e5f6a7b.s3.us-east-1.vpce.amazonaws.com';
const VPCE_SQS = 'https://vpce-0a1b2c3d-4e5f6a7b.sqs.us-east-1.vpce.amazonaws.com';

/** VALID_CONFIG with these lines added to its `aws` block (two-space indented YAML). */
function withAws(lines: string): string {
  return withReplaced(VALID_CONFIG, '  region: us-east-1\n', `  region: us-east-1\n${lines}`);
}

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    validateConfigText('bb.yaml', text, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('aws endpoint options in the configuration', () => {
  it('defaults: no overrides, FIPS and dual-stack off', () => {
    const { aws } = validateConfigText('bb.yaml', VALID_CONFIG, { env: {} }).config;
    expect(aws).toMatchObject({ endpoints: {}, useFipsEndpoint: false, useDualstackEndpoint: false });
  });

  it('reads per-service endpoints and the switches from the file', () => {
    const text = withAws(
      `  endpoints:\n    s3: ${VPCE_S3}\n    sqs: ${VPCE_SQS}\n  useDualstackEndpoint: false\n`,
    );
    const { aws } = validateConfigText('bb.yaml', text, { env: {} }).config;
    expect(aws.endpoints).toEqual({ s3: VPCE_S3, sqs: VPCE_SQS });
  });

  it('the environment sets them as the SDK would read it, and wins over the file', () => {
    const text = withAws('  useFipsEndpoint: false\n');
    const { aws } = validateConfigText('bb.yaml', text, {
      env: { AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' },
    }).config;
    expect(aws).toMatchObject({ useFipsEndpoint: true, useDualstackEndpoint: true });
    const { config, overrides } = validateConfigText('bb.yaml', VALID_CONFIG, {
      env: { AWS_ENDPOINT_URL_SNS: 'https://sns.example.internal' },
    });
    expect(config.aws.endpoints).toEqual({ sns: 'https://sns.example.internal' });
    expect(overrides).toContainEqual({ key: 'aws.endpoints.sns', variable: 'AWS_ENDPOINT_URL_SNS' });
  });

  const badInputs: Array<[string, string, NodeJS.ProcessEnv, string]> = [
    [
      'an endpoint that is not a URL',
      withAws('  endpoints:\n    sts: sts.internal\n'),
      {},
      'bb.yaml:8:10: aws.endpoints.sts: expected an http(s) URL such as https://vpce-0a1b2c3d-4e5f6a7b.sts.us-east-1.vpce.amazonaws.com, found "sts.internal"',
    ],
    [
      'an unknown service',
      withAws('  endpoints:\n    kinesis: https://kinesis.internal\n'),
      {},
      'bb.yaml:8:5: aws.endpoints.kinesis: expected a known key, found `kinesis` (allowed here: `s3`, `sts`, `sqs`, `sns`)',
    ],
    [
      'a switch that is not a boolean',
      withAws('  useFipsEndpoint: yes please\n'),
      {},
      'bb.yaml:7:20: aws.useFipsEndpoint: expected true or false, found "yes please"',
    ],
    [
      'a switch variable that is not exactly true or false',
      VALID_CONFIG,
      { AWS_USE_DUALSTACK_ENDPOINT: 'yes' },
      'environment variable AWS_USE_DUALSTACK_ENDPOINT: aws.useDualstackEndpoint: expected "true" or "false" (the AWS SDK accepts nothing else), found "yes"',
    ],
    [
      'a per-service endpoint variable that is not a URL',
      VALID_CONFIG,
      { AWS_ENDPOINT_URL_S3: 'vpce' },
      'environment variable AWS_ENDPOINT_URL_S3: aws.endpoints.s3: expected an http(s) URL such as http://127.0.0.1:4566, found "vpce"',
    ],
    [
      'FIPS with a per-service endpoint',
      withAws(`  useFipsEndpoint: true\n  endpoints:\n    sqs: ${VPCE_SQS}\n`),
      {},
      'bb.yaml:7:20: aws.useFipsEndpoint: expected false while an endpoint is overridden (aws.endpoints.sqs), found true (the AWS SDK refuses FIPS together with a custom endpoint; a VPC interface endpoint has its own FIPS DNS name: put that name in aws.endpoints and turn useFipsEndpoint off)',
    ],
    [
      "dual-stack from the environment with the sandbox's endpoint",
      VALID_CONFIG,
      { AWS_USE_DUALSTACK_ENDPOINT: 'true', BUCKETBRIDGE_ENDPOINT: 'http://127.0.0.1:4566' },
      'bb.yaml:6:3: aws.useDualstackEndpoint: expected false while an endpoint is overridden (aws.endpoint), found true (from AWS_USE_DUALSTACK_ENDPOINT) (the AWS SDK refuses dual-stack together with a custom endpoint; a VPC interface endpoint has its own dual-stack DNS name: put that name in aws.endpoints and turn useDualstackEndpoint off)',
    ],
    [
      'FIPS for a connection in a China region',
      withReplaced(
        withAws('  useFipsEndpoint: true\n'),
        '    workflow: batch\n',
        '    workflow: batch\n    region: cn-north-1\n',
      ),
      {},
      'bb.yaml:7:20: aws.useFipsEndpoint: expected false: S3 has no FIPS endpoints in the aws-cn partition (connections[0].region cn-north-1), found true (the AWS SDK refuses it ("Partition does not support FIPS"); run those connections from a configuration file without useFipsEndpoint)',
    ],
  ];

  it.each(badInputs)('refuses %s, naming where and why', (_name, text, env, message) => {
    expect(problemsOf(text, env)).toBe(message);
  });
});

describe('the endpoint rules agree with the SDK', () => {
  // The rules above refuse exactly what the SDK's own endpoint resolvers refuse; if an SDK
  // upgrade changes its rules, these cases say so.
  const clients = [S3Client, STSClient, SQSClient, SNSClient];
  const resolve = (Client: (typeof clients)[number], params: Record<string, unknown>) =>
    new Client({ region: 'us-east-1' }).config.endpointProvider(params as never);

  it.each(clients.map((c) => [c.name, c] as const))(
    '%s refuses FIPS or dual-stack with a custom endpoint',
    (_n, Client) => {
      const custom = { Region: 'us-east-1', Endpoint: 'https://vpce.example.com' };
      expect(() => resolve(Client, { ...custom, UseFIPS: true, UseDualStack: false })).toThrow(/FIPS/);
      expect(() => resolve(Client, { ...custom, UseFIPS: false, UseDualStack: true })).toThrow(
        /[Dd]ual-?[Ss]tack/,
      );
      expect(
        resolve(Client, { Region: 'eu-west-1', UseFIPS: true, UseDualStack: true }).url.hostname,
      ).toMatch(/fips/);
    },
  );

  it('S3 alone refuses FIPS in the China partition', () => {
    const china = { Region: 'cn-north-1', UseFIPS: true, UseDualStack: false };
    expect(() => resolve(S3Client, china)).toThrow('Partition does not support FIPS');
    for (const Client of [STSClient, SQSClient, SNSClient]) {
      expect(resolve(Client, china).url.hostname).toMatch(/fips/);
    }
  });
});

describe('the options reach the SDK clients', () => {
  const settings = {
    region: 'us-east-1',
    maxAttempts: 3,
    endpoint: 'http://127.0.0.1:4566',
    endpoints: { s3: VPCE_S3 },
    useFipsEndpoint: false,
    useDualstackEndpoint: true,
  };

  it("a service's own endpoint wins and keeps virtual-hosted addressing; the others use aws.endpoint", async () => {
    const s3 = createClient(S3Client, { settings });
    expect((await s3.config.endpoint?.())?.hostname).toBe(new URL(VPCE_S3).hostname);
    expect(s3.config.forcePathStyle).toBe(false);
    const sqs = createClient(SQSClient, { settings });
    expect((await sqs.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    expect(await sqs.config.useDualstackEndpoint()).toBe(true);
    expect(await sqs.config.useFipsEndpoint()).toBe(false);
  });

  it('without overrides the SDK resolves the FIPS endpoint itself', async () => {
    const sts = createClient(STSClient, {
      settings: { region: 'us-east-1', maxAttempts: 3, useFipsEndpoint: true },
      region: 'us-west-2',
    });
    expect(sts.config.endpoint).toBeUndefined();
    expect(await sts.config.useFipsEndpoint()).toBe(true);
    const resolved = sts.config.endpointProvider({
      Region: 'us-west-2',
      UseFIPS: true,
      UseDualStack: false,
    } as never);
    expect(resolved.url.hostname).toBe('sts-fips.us-west-2.amazonaws.com');
  });
});
