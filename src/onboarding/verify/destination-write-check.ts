/**
 * `destination.write`: the role may write under the destination prefix. It writes one small probe
 * object, named so the customer can spot it: `<prefix>.bucketbridge-verify/<timestamp>-probe.txt`.
 * The role has no delete permission (by design), so the probe stays; the detail says so.
 *
 * With `destination.acl` set, the probe is written with that ACL, as outputs are. When the bucket
 * refuses ACLs (AccessControlListNotSupported), the probe is written again without one: whether
 * writing works is this check's question, the ACL setting is `destination.acl`'s.
 */
import { PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { awsErrorCode } from '../../aws/errors.js';
import { kmsDenial, kmsRemediation } from './kms-remediation.js';
import { isAccessDenied, s3Failure } from './s3-failure.js';
import { type Check, fail, pass } from './verify-types.js';

/** The probe's key: `2026-11-23T19-35-00-000Z` is sortable and safe in any tool. */
export function probeKey(prefix: string, now: Date): string {
  return `${prefix}.bucketbridge-verify/${now.toISOString().replace(/[:.]/g, '-')}-probe.txt`;
}

export const destinationWriteCheck: Check = {
  id: 'destination.write',
  dependsOn: ['buckets.region'],
  async run(context) {
    const { bucket, prefix, acl, kmsKeyArn } = context.connection.destination;
    const key = probeKey(prefix, context.now);
    const location = `s3://${bucket}/${key}`;
    const input: PutObjectCommandInput = {
      Bucket: bucket,
      Key: key,
      Body: `Written by bucketbridge verify for connection ${context.connection.name} at ${context.now.toISOString()} to prove it may write here. It may be deleted.\n`,
      ContentType: 'text/plain; charset=utf-8',
      ...(kmsKeyArn === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyArn }),
    };
    try {
      const s3 = await context.access.s3ForBucket(bucket);
      try {
        await s3.send(new PutObjectCommand(acl === undefined ? input : { ...input, ACL: acl }));
      } catch (error) {
        if (acl === undefined || awsErrorCode(error) !== 'AccessControlListNotSupported') throw error;
        context.facts.aclRefused = true;
        await s3.send(new PutObjectCommand(input));
      }
    } catch (error) {
      const denial = kmsDenial(error);
      if (denial)
        return fail(
          s3Failure('PutObject', location, error),
          kmsRemediation(context.config, context.connection, 'destination', denial.keyArn),
        );
      const kms = kmsKeyArn === undefined ? '' : ` and kms:GenerateDataKey on ${kmsKeyArn}`;
      const aclGrant = acl === undefined ? '' : ' and s3:PutObjectAcl (destination.acl is set)';
      return fail(
        s3Failure('PutObject', location, error),
        isAccessDenied(error)
          ? `Grant the role s3:PutObject on arn:aws:s3:::${bucket}/${prefix}*${aclGrant}${kms} (the generated permissions policy has it), and check the bucket policy does not deny it.`
          : 'Fix the cause named above, then run verify again.',
      );
    }
    context.facts.probeKey = key;
    return pass(
      `wrote the probe object ${location}${acl !== undefined && !context.facts.aclRefused ? ` with ACL ${acl}` : ''}; ` +
        'the role has no delete permission, so it stays: the customer may delete it',
    );
  },
};
