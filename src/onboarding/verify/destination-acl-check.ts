/**
 * `destination.acl`: the ACL setting agrees with the destination's ownership controls. A bucket with
 * BucketOwnerEnforced (the S3 default since 2023) refuses every write that carries an ACL, so a
 * connection with `destination.acl` would fail on each output. Ownership controls are read with
 * GetBucketOwnershipControls where the role may; otherwise the probe write's answer tells.
 */
import { GetBucketOwnershipControlsCommand } from '@aws-sdk/client-s3';
import { type Check, fail, pass } from './verify-types.js';

async function readOwnership(context: Parameters<Check['run']>[0]): Promise<string | undefined> {
  const { bucket } = context.connection.destination;
  try {
    const s3 = await context.access.s3ForBucket(bucket);
    const answer = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    return answer.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
  } catch {
    // The generated policy does not grant s3:GetBucketOwnershipControls: infer from the probe write.
    return undefined;
  }
}

export const destinationAclCheck: Check = {
  id: 'destination.acl',
  dependsOn: ['destination.write'],
  async run(context) {
    const { bucket, acl } = context.connection.destination;
    const ownership = await readOwnership(context);
    const seen = ownership === undefined ? '' : ` (ownership controls: ${ownership})`;
    if (acl === undefined) {
      return pass(`no ACL is set on outputs${seen}: works with any ownership setting`);
    }
    const enforced = ownership === 'BucketOwnerEnforced' || context.facts.aclRefused === true;
    if (enforced) {
      return fail(
        `destination.acl is ${acl} but bucket ${bucket} has ACLs disabled (BucketOwnerEnforced${ownership === undefined ? ': PutObject with an ACL answered AccessControlListNotSupported' : ''}): every output would be refused`,
        `Remove \`acl\` from the connection's destination (with BucketOwnerEnforced the bucket owner owns every object anyway), or change the bucket's ownership controls to BucketOwnerPreferred.`,
      );
    }
    return pass(`bucket ${bucket} accepts the ACL ${acl} on outputs${seen}`);
  },
};
