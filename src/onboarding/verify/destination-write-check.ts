/**
 * `destination.write`: the role may write under the destination prefix. It writes one small probe
 * object, named so the customer can spot it: `<prefix>.bucketbridge-verify/<timestamp>-probe.txt`,
 * then deletes it again: the generated policy grants s3:DeleteObject under exactly that folder
 * (`run` verifies every few hours; probes must not pile up). A role without that grant (onboarded
 * by an older version) keeps the probe; the detail says so and the check still passes, since
 * writing, its question, works.
 *
 * With `destination.acl` set, the probe is written with that ACL, as outputs are. When the bucket
 * refuses ACLs (AccessControlListNotSupported), the probe is written again without one: whether
 * writing works is this check's question, the ACL setting is `destination.acl`'s.
 */
import {
  DeleteObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { awsErrorCode } from '../../aws/errors.js';
import { kmsDenial, kmsRemediation } from './kms-remediation.js';
import { isAccessDenied, s3Failure } from './s3-failure.js';
import { type Check, fail, pass } from './verify-types.js';

/** The folder of probe objects under a destination prefix; the only place the role may delete. */
export function probeFolder(prefix: string): string {
  return `${prefix}.bucketbridge-verify/`;
}

/** The probe's key: `2026-11-23T19-35-00-000Z` is sortable and safe in any tool. */
export function probeKey(prefix: string, now: Date): string {
  return `${probeFolder(prefix)}${now.toISOString().replace(/[:.]/g, '-')}-probe.txt`;
}

export const destinationWriteCheck: Check = {
  id: 'destination.write',
  dependsOn: ['buckets.region'],
  async run(context) {
    const { bucket, prefix, acl, kmsKeyArn } = context.connection.destination;
    const key = probeKey(prefix, context.now);
    const location = `s3://${bucket}/${key}`;
    let s3: S3Client;
    const input: PutObjectCommandInput = {
      Bucket: bucket,
      Key: key,
      Body: `Written by bucketbridge verify for connection ${context.connection.name} at ${context.now.toISOString()} to prove it may write here. It may be deleted.\n`,
      ContentType: 'text/plain; charset=utf-8',
      ...(kmsKeyArn === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyArn }),
    };
    try {
      s3 = await context.access.s3ForBucket(bucket);
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
    const wrote = `wrote the probe object ${location}${acl !== undefined && !context.facts.aclRefused ? ` with ACL ${acl}` : ''}`;
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      return pass(
        `${wrote}; it stays, the role could not delete it (${s3Failure('DeleteObject', location, error)}): ` +
          `the generated policy grants s3:DeleteObject on arn:aws:s3:::${bucket}/${probeFolder(prefix)}* so that probes are cleaned up; the customer may delete it`,
      );
    }
    return pass(`${wrote} and deleted it`);
  },
};
