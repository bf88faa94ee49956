/**
 * Which AWS partition a region is in: the one place that knows it, used by the configuration's
 * endpoint rules and by the ARNs `src/aws/arn.ts` writes.
 */

/** Region-name prefixes of the partitions other than `aws`, most specific first. */
const PARTITION_OF_REGION: ReadonlyArray<readonly [string, string]> = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
  ['eusc-', 'aws-eusc'],
];

/** The partition a region belongs to: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ... */
export function partitionOfRegion(region: string): string {
  return PARTITION_OF_REGION.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}
