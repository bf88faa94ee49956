/**
 * SSE-KMS buckets end to end on the sandbox, batch: keys usable by the customer's root only, so the
 * role can use them only through the key-policy statements `onboard --apply` merges. With the keys
 * configured, `verify` decrypts and encrypts for real and a batch reads an SSE-KMS source and writes
 * an SSE-KMS destination (a single PUT and a multipart upload) through the generated role; without
 * them, `verify` fails naming each key and the exact statement to add.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runBatchJob } from '../../../src/batch/batch-job.js';
import { verifyConnections } from '../../../src/onboarding/verify/verify.js';
import type { VerifyReport } from '../../../src/onboarding/verify/verify-types.js';
import {
  CUSTOMER_ACCOUNT,
  type OnboardedSetup,
  onboardOnSandbox,
  vendorCredentials,
} from '../../helpers/customer-setup.js';
import { useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';

const sandbox = useTestSandbox();
const dir = useTempFolder('bb-kms-');

function verify(setup: OnboardedSetup): Promise<VerifyReport> {
  return verifyConnections({
    config: setup.config,
    connections: [setup.connection],
    vendorCredentials: vendorCredentials(sandbox),
  });
}

function check(report: VerifyReport, id: string) {
  return report.connections[0]!.checks.find((c) => c.id === id)!;
}

/** The key-policy statement onboarding generates for the role, as verify must quote it. */
function statement(setup: OnboardedSetup, side: 'source' | 'destination'): string {
  return JSON.stringify({
    Sid:
      side === 'source'
        ? 'BucketBridgeAcmeDecryptSourceObjects'
        : 'BucketBridgeAcmeEncryptDestinationObjects',
    Effect: 'Allow',
    Principal: { AWS: setup.context.roleArn },
    Action: side === 'source' ? 'kms:Decrypt' : ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
  });
}

describe('SSE-KMS source and destination with the keys configured', () => {
  let setup: OnboardedSetup;
  let keys: { source: string; destination: string };
  beforeAll(async () => {
    setup = await onboardOnSandbox(sandbox, { kms: { source: 'named', destination: 'named' } });
    keys = {
      source: setup.connection.source.kmsKeyArn!,
      destination: setup.connection.destination.kmsKeyArn!,
    };
  });

  it('onboard --apply merged the role statement into each key policy, keeping the customer statement', async () => {
    const kms = new KMSClient(sandbox.sdkConfig('customer'));
    for (const side of ['source', 'destination'] as const) {
      const { Policy } = await kms.send(
        new GetKeyPolicyCommand({ KeyId: keys[side], PolicyName: 'default' }),
      );
      const sids = (JSON.parse(Policy!) as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid);
      expect(sids).toEqual([
        'RootOnly',
        side === 'source'
          ? 'BucketBridgeAcmeDecryptSourceObjects'
          : 'BucketBridgeAcmeEncryptDestinationObjects',
      ]);
      expect(JSON.stringify(JSON.parse(Policy!).Statement[1])).toBe(statement(setup, side));
    }
  });

  it('verify passes, decrypting the SSE-KMS sample and writing the SSE-KMS probe through S3', async () => {
    const report = await verify(setup);
    expect(report.connections[0]!.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(check(report, 'source.encryption')).toMatchObject({
      status: 'pass',
      detail: `decrypted s3://${setup.connection.source.bucket}/in/sample.txt with KMS key ${keys.source} (kms:Decrypt through S3)`,
    });
    expect(report.ok).toBe(true);
  });

  /** Runs a batch of the onboarded connection with `processor`, its own ledger. */
  async function batch(name: string, processor: Record<string, unknown>) {
    const configPath = join(dir, `${name}.yaml`);
    const [connection] = setup.configInput.connections as Array<Record<string, unknown>>;
    writeFileSync(
      configPath,
      stringify({
        ...setup.configInput,
        ledger: `sqlite:./${name}-ledger.db`,
        connections: [{ ...connection, processor }],
      }),
    );
    return runBatchJob({
      configPath,
      connectionName: 'acme',
      vendorCredentials: vendorCredentials(sandbox),
      env: {},
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
  }

  async function expectDestinationKey(key: string): Promise<void> {
    const head = await setup.clients.s3.send(
      new HeadObjectCommand({ Bucket: setup.connection.destination.bucket, Key: key }),
    );
    expect([key, head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual([key, 'aws:kms', keys.destination]);
  }

  it('a batch copies the encrypted source to the destination under its key (server-side copy)', async () => {
    expect(await batch('copy', { type: 'copy' })).toMatchObject({ processed: 1, failed: 0 });
    await expectDestinationKey('out/sample.txt');
  });

  it('a batch streams a 12 MiB output as a multipart upload under the destination key', async () => {
    // Random bytes do not compress: the gzip output needs more than one 8 MiB part.
    const big = randomBytes(12 * 1024 * 1024);
    await setup.clients.s3.send(
      new PutObjectCommand({ Bucket: setup.connection.source.bucket, Key: 'in/big.bin', Body: big }),
    );
    expect(await batch('gzip', { type: 'gzip' })).toMatchObject({ processed: 2, failed: 0 });
    await expectDestinationKey('out/sample.txt.gz');
    await expectDestinationKey('out/big.bin.gz');
    const parts = await setup.clients.s3.send(
      new HeadObjectCommand({
        Bucket: setup.connection.destination.bucket,
        Key: 'out/big.bin.gz',
        PartNumber: 1,
      }),
    );
    expect(parts.PartsCount).toBe(2);
  });
});

describe('SSE-KMS buckets whose keys the configuration does not name', () => {
  it('verify fails source.encryption and destination.write, each naming the key and the exact statement', async () => {
    const setup = await onboardOnSandbox(sandbox, { kms: { source: 'unnamed', destination: 'unnamed' } });
    const keyOf = async (bucket: string) => {
      const head = await setup.clients.s3.send(
        new HeadObjectCommand({ Bucket: bucket, Key: 'in/sample.txt' }),
      );
      return head.SSEKMSKeyId!;
    };
    const sourceKey = await keyOf(setup.connection.source.bucket);
    expect(sourceKey).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${CUSTOMER_ACCOUNT}:key/`));
    const report = await verify(setup);
    expect(report.ok).toBe(false);
    const encryption = check(report, 'source.encryption');
    expect(encryption).toEqual({
      id: 'source.encryption',
      status: 'fail',
      detail: `the default encryption of s3://${setup.connection.source.bucket} is encrypted with KMS key ${sourceKey}, which source.kmsKeyArn does not name`,
      remediation:
        `Set source.kmsKeyArn: ${sourceKey} in connection "acme" and run bucketbridge onboard again (it grants the role's IAM side). ` +
        `Add this statement to the key policy of ${sourceKey}: ${statement(setup, 'source')}`,
    });
    expect(check(report, 'source.read').status).toBe('fail');
    const { ServerSideEncryptionConfiguration } = await setup.clients.s3.send(
      new GetBucketEncryptionCommand({ Bucket: setup.connection.destination.bucket }),
    );
    const destinationKey =
      ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault!.KMSMasterKeyID!;
    const write = check(report, 'destination.write');
    expect(write.status).toBe('fail');
    expect(write.detail).toContain(
      `is not authorized to perform: kms:GenerateDataKey on resource: ${destinationKey} because no resource-based policy allows the kms:GenerateDataKey action`,
    );
    expect(write.remediation).toBe(
      `Set destination.kmsKeyArn: ${destinationKey} in connection "acme" and run bucketbridge onboard again (it grants the role's IAM side). ` +
        `Add this statement to the key policy of ${destinationKey}: ${statement(setup, 'destination')}`,
    );
  });
});
