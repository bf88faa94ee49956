/**
 * `buckets.region`: each bucket's region (HeadBucket's `x-amz-bucket-region`, else GetBucketLocation;
 * every later S3 call signs for it), and where the connection is processed: in the source bucket's
 * region when the vendor processes there (`processing.regions`), else from `processing.defaultRegion`,
 * which the customer should know about. The source bucket must be in the connection's `region`
 * (default `aws.region`): the topic, the stack and the notification are made there, and S3 notifies
 * a topic in the bucket's own region only.
 */
import { messageOf } from '../../aws/errors.js';
import { type Check, type CheckOutcome, fail, pass, warn } from './verify-types.js';

/** Where objects from a bucket in `bucketRegion` are processed, and whether that is the bucket's own region. */
export function processingRegionFor(
  bucketRegion: string,
  processing: { regions: readonly string[]; defaultRegion: string },
): { region: string; local: boolean } {
  return processing.regions.includes(bucketRegion)
    ? { region: bucketRegion, local: true }
    : { region: processing.defaultRegion, local: false };
}

export const bucketRegionsCheck: Check = {
  id: 'buckets.region',
  dependsOn: ['role.assume', 'role.duration'],
  async run(context): Promise<CheckOutcome> {
    const { connection, config, facts } = context;
    const buckets = [connection.source.bucket, connection.destination.bucket];
    for (const bucket of new Set(buckets)) {
      try {
        facts.bucketRegions.set(bucket, await context.access.bucketRegion(bucket));
      } catch (error) {
        return fail(
          messageOf(error),
          `Check that bucket ${bucket} exists and that the role may call s3:GetBucketLocation on it.`,
        );
      }
    }
    const sourceRegion = facts.bucketRegions.get(connection.source.bucket) ?? '';
    const destinationRegion = facts.bucketRegions.get(connection.destination.bucket) ?? '';
    const where = processingRegionFor(sourceRegion, config.processing);
    facts.processingRegion = where.region;
    if (sourceRegion !== connection.region) {
      return fail(
        `source ${connection.source.bucket} is in ${sourceRegion}, but the connection's region is ${connection.region}: ` +
          "the customer's topic, stack and notification are made in the connection's region, and S3 notifies a topic in the bucket's own region only",
        `Set \`region: ${sourceRegion}\` on connection ${connection.name} (connections[].region, default aws.region), then run \`bucketbridge onboard\` again.`,
      );
    }
    const located = `source ${connection.source.bucket} in ${sourceRegion}, destination ${connection.destination.bucket} in ${destinationRegion}`;
    if (!where.local) {
      return warn(
        `${located}; ${sourceRegion} is not among processing.regions (${config.processing.regions.join(', ')}): ` +
          `processed from defaultRegion ${where.region}: expect added latency, inter-region transfer cost, and data leaving its region`,
        `Keep the buckets in one of ${config.processing.regions.join(', ')} (or add ${sourceRegion} to processing.regions where the vendor runs workers there), or accept the cost and the cross-region transfer.`,
      );
    }
    if (destinationRegion !== where.region) {
      return warn(
        `${located}; processed in ${where.region}, and the outputs travel to ${destinationRegion}: inter-region transfer cost, and data leaving its region`,
        'Use a destination bucket in the same region as the source, or accept the cost and the cross-region transfer.',
      );
    }
    return pass(`${located}; processed in ${where.region}`);
  },
};
