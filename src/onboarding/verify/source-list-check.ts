/** `source.list`: the role may list the source prefix (ListObjectsV2, one key). */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { isAccessDenied, s3Failure } from './s3-failure.js';
import { type Check, fail, pass } from './verify-types.js';

export const sourceListCheck: Check = {
  id: 'source.list',
  dependsOn: ['buckets.region'],
  async run(context) {
    const { bucket, prefix } = context.connection.source;
    const location = `s3://${bucket}/${prefix}`;
    try {
      const s3 = await context.access.s3ForBucket(bucket);
      const answer = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
      const first = answer.Contents?.[0]?.Key;
      if (first !== undefined) context.facts.sampleKey = first;
      return pass(
        first === undefined ? `listed ${location}: it is empty` : `listed ${location}: first key ${first}`,
      );
    } catch (error) {
      return fail(
        s3Failure('ListObjectsV2', location, error),
        isAccessDenied(error)
          ? `Grant the role s3:ListBucket on arn:aws:s3:::${bucket} with the condition StringLike s3:prefix = "${prefix}*" ` +
              '(the generated permissions policy has it), and check the bucket policy does not deny it.'
          : 'Fix the cause named above, then run verify again.',
      );
    }
  },
};
