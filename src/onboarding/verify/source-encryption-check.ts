/**
 * `source.encryption`: which KMS keys protect the source (the bucket's default encryption and the
 * sample object's SSE headers). A key the configuration does not name fails, with the key and the
 * statement to add; with the key named, the role decrypts the sample for real (a one-byte GET).
 */
import { GetBucketEncryptionCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { awsErrorCode } from '../../aws/errors.js';
import { kmsDenial, kmsRemediation } from './kms-remediation.js';
import { s3Failure } from './s3-failure.js';
import { type Check, fail, pass } from './verify-types.js';

/** Whether a key named as ID, alias or ARN is the configured key ARN. */
function sameKey(named: string, keyArn: string | undefined): boolean {
  if (keyArn === undefined) return false;
  return named === keyArn || keyArn.endsWith(`:key/${named}`);
}

export const sourceEncryptionCheck: Check = {
  id: 'source.encryption',
  dependsOn: ['source.list'],
  async run(context) {
    const { config, connection } = context;
    const { bucket, kmsKeyArn } = connection.source;
    const s3 = await context.access.s3ForBucket(bucket);
    const found: string[] = [];
    const inPlay: Array<{ keyId: string; where: string }> = [];
    try {
      const { ServerSideEncryptionConfiguration } = await s3.send(
        new GetBucketEncryptionCommand({ Bucket: bucket }),
      );
      const byDefault = ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
      found.push(`default encryption ${byDefault?.SSEAlgorithm ?? 'none'}`);
      if (byDefault?.KMSMasterKeyID)
        inPlay.push({ keyId: byDefault.KMSMasterKeyID, where: `the default encryption of s3://${bucket}` });
    } catch (error) {
      // The role need not read the bucket's configuration; the sample object still tells.
      found.push(`default encryption not readable (${awsErrorCode(error) ?? 'error'})`);
    }
    const key = context.facts.sampleKey;
    let sampleKeyId: string | undefined;
    if (key !== undefined) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        found.push(`s3://${bucket}/${key} ${head.ServerSideEncryption ?? 'unencrypted'}`);
        sampleKeyId = head.SSEKMSKeyId;
        if (sampleKeyId) inPlay.push({ keyId: sampleKeyId, where: `s3://${bucket}/${key}` });
      } catch (error) {
        return fail(
          s3Failure('HeadObject', `s3://${bucket}/${key}`, error),
          'Fix the cause named above (source.read says more), then run verify again.',
        );
      }
    }
    const unnamed = inPlay.find((k) => !sameKey(k.keyId, kmsKeyArn));
    if (unnamed)
      return fail(
        `${unnamed.where} is encrypted with KMS key ${unnamed.keyId}, which source.kmsKeyArn does not name${kmsKeyArn ? ` (it names ${kmsKeyArn})` : ''}`,
        kmsRemediation(config, connection, 'source', unnamed.keyId),
      );
    if (sampleKeyId === undefined || key === undefined)
      return pass(`no KMS key in play (${found.join('; ')})`);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }));
      await got.Body?.transformToByteArray();
      return pass(`decrypted s3://${bucket}/${key} with KMS key ${sampleKeyId} (kms:Decrypt through S3)`);
    } catch (error) {
      const denial = kmsDenial(error);
      return fail(
        s3Failure('GetObject', `s3://${bucket}/${key}`, error),
        denial
          ? kmsRemediation(config, connection, 'source', denial.keyArn)
          : 'Fix the cause named above, then run verify again.',
      );
    }
  },
};
