/**
 * Regions in `verify`: buckets in eu-central-1 are found there and every S3 call signs for that
 * region (no PermanentRedirect, no AuthorizationHeaderMalformed); where the connection is processed
 * follows `processing.regions`, with the default region's warning when the bucket is outside them.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { type OnboardedSetup, onboardOnSandbox } from '../../helpers/customer-setup.js';
import { verifySetup } from '../../helpers/onboarding.js';
import { useTestSandbox } from '../../helpers/sandbox.js';

const sandbox = useTestSandbox();

const verify = (setup: OnboardedSetup) => verifySetup(sandbox, setup);

const S3_CHECKS = ['source.list', 'source.read', 'source.encryption', 'destination.write', 'destination.acl'];

describe('verify with buckets in eu-central-1', () => {
  it('processed from the default region when eu-central-1 is not among processing.regions: warns and says why it matters', async () => {
    const setup = await onboardOnSandbox(sandbox, {
      bucketRegion: 'eu-central-1',
      processing: { regions: ['us-east-1'], defaultRegion: 'us-east-1' },
    });
    const report = await verify(setup);
    const connection = report.connections[0]!;
    const regionCheck = connection.checks.find((c) => c.id === 'buckets.region')!;
    expect(regionCheck.status).toBe('warn');
    expect(regionCheck.detail).toBe(
      `source ${setup.connection.source.bucket} in eu-central-1, destination ${setup.connection.destination.bucket} in eu-central-1; ` +
        'eu-central-1 is not among processing.regions (us-east-1): processed from defaultRegion us-east-1: ' +
        'expect added latency, inter-region transfer cost, and data leaving its region',
    );
    expect(connection.processingRegion).toBe('us-east-1');
    // A warning is not a failure.
    expect(report.ok).toBe(true);
    for (const id of S3_CHECKS) expect(connection.checks.find((c) => c.id === id)!.status, id).toBe('pass');
    expect(JSON.stringify(report)).not.toMatch(/PermanentRedirect|AuthorizationHeaderMalformed/);
  });

  it('processed in eu-central-1 when the vendor processes there', async () => {
    const setup = await onboardOnSandbox(sandbox, {
      bucketRegion: 'eu-central-1',
      processing: { regions: ['us-east-1', 'eu-central-1'], defaultRegion: 'us-east-1' },
    });
    const report = await verify(setup);
    const connection = report.connections[0]!;
    expect(connection.checks.find((c) => c.id === 'buckets.region')!).toMatchObject({
      status: 'pass',
      detail: `source ${setup.connection.source.bucket} in eu-central-1, destination ${setup.connection.destination.bucket} in eu-central-1; processed in eu-central-1`,
    });
    expect(connection.processingRegion).toBe('eu-central-1');
    expect(report.ok).toBe(true);
  });

  it('a client signing for us-east-1 is redirected by such a bucket (what verify avoids)', async () => {
    const setup = await onboardOnSandbox(sandbox, { bucketRegion: 'eu-central-1', sampleKey: null });
    const s3 = new S3Client({ ...sandbox.sdkConfig('customer'), region: 'us-east-1' });
    await expect(
      s3.send(new ListObjectsV2Command({ Bucket: setup.connection.source.bucket })),
    ).rejects.toMatchObject({ name: 'PermanentRedirect' });
  });
});
