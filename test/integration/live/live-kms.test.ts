/**
 * Live on SSE-KMS buckets (sns and sqs modes): the source and destination are encrypted by default
 * with keys only the customer's root may use, plus the key-policy statements onboarding generates;
 * an object uploaded to the source is read (kms:Decrypt) and its output written under the
 * destination key (kms:GenerateDataKey) through the generated role.
 */
import { GetBucketEncryptionCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { useLiveWorld } from './use-live-world.js';

for (const mode of ['sns', 'sqs'] as const) {
  describe(`live on SSE-KMS buckets, ${mode} mode`, () => {
    const { world } = useLiveWorld({ mode, kms: true });

    it('processes an encrypted upload into an output encrypted with the destination key', async () => {
      await world.put('in/secret.txt', 'encrypted at rest');
      const source = await world.s3.send(
        new HeadObjectCommand({ Bucket: world.sourceBucket, Key: 'in/secret.txt' }),
      );
      expect(source.ServerSideEncryption).toBe('aws:kms');
      await waitFor(
        'output out/secret.txt',
        async () => (await world.output('out/secret.txt')) === 'encrypted at rest',
      );
      const output = await world.s3.send(
        new HeadObjectCommand({ Bucket: world.destinationBucket, Key: 'out/secret.txt' }),
      );
      const { ServerSideEncryptionConfiguration } = await world.s3.send(
        new GetBucketEncryptionCommand({ Bucket: world.destinationBucket }),
      );
      const destinationKey =
        ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault!.KMSMasterKeyID;
      expect([output.ServerSideEncryption, output.SSEKMSKeyId]).toEqual(['aws:kms', destinationKey]);
      expect(destinationKey).not.toBe(source.SSEKMSKeyId);
      expect(world.ledger().map((row) => [row.key, row.state])).toEqual([['in/secret.txt', 'done']]);
    });
  });
}
