/**
 * `source.read`: the role may read an object under the source prefix: HEAD, then a GET of its first
 * byte (the first key `source.list` found). Skipped when the prefix is empty.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { kmsDenial, kmsRemediation } from './kms-remediation.js';
import { isAccessDenied, s3Failure } from './s3-failure.js';
import { type Check, fail, pass, skip } from './verify-types.js';

export const sourceReadCheck: Check = {
  id: 'source.read',
  dependsOn: ['source.list'],
  async run(context) {
    const { bucket, prefix, kmsKeyArn } = context.connection.source;
    const key = context.facts.sampleKey;
    if (key === undefined) return skip(`no object under s3://${bucket}/${prefix} to read`);
    const location = `s3://${bucket}/${key}`;
    let operation = 'HeadObject';
    try {
      const s3 = await context.access.s3ForBucket(bucket);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      operation = 'GetObject';
      const size = head.ContentLength ?? 0;
      const got = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(size > 0 ? { Range: 'bytes=0-0' } : {}) }),
      );
      // Read the (at most one byte) body so the connection is released.
      await got.Body?.transformToByteArray();
      return pass(`read ${location} (${size} bytes; HEAD and the first byte)`);
    } catch (error) {
      const denial = kmsDenial(error);
      if (denial)
        return fail(
          s3Failure(operation, location, error),
          kmsRemediation(context.config, context.connection, 'source', denial.keyArn),
        );
      const kms = kmsKeyArn === undefined ? '' : ` and kms:Decrypt on ${kmsKeyArn}`;
      return fail(
        s3Failure(operation, location, error),
        isAccessDenied(error)
          ? `Grant the role s3:GetObject on arn:aws:s3:::${bucket}/${prefix}*${kms} (the generated permissions policy has it), and check the bucket policy does not deny it.`
          : 'Fix the cause named above, then run verify again.',
      );
    }
  },
};
