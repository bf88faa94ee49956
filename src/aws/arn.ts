/**
 * ARNs: the one place that knows how an ARN is written, so a customer in China or GovCloud gets
 * `arn:aws-cn:...` everywhere alike. Which partition a region is in is decided in
 * `config/partition.ts` (the configuration's endpoint rules need it too) and re-exported here.
 */
import { partitionOfRegion } from '../config/partition.js';

export { partitionOfRegion };

/** The parts of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`). */
export interface ArnParts {
  partition: string;
  service: string;
  /** Empty for global services (IAM, S3 buckets). */
  region: string;
  /** Empty for S3 buckets. */
  accountId: string;
  /** Everything after the fifth colon, colons included. */
  resource: string;
}

/** An ARN in the partition of `region` (or the given `partition` for regionless ARNs). */
export function buildArn(parts: Omit<ArnParts, 'partition'> & { partition?: string }): string {
  const partition = parts.partition ?? partitionOfRegion(parts.region);
  return `arn:${partition}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}

/** The parts of an ARN, or undefined when the text does not have its six parts. */
export function parseArn(arn: string): ArnParts | undefined {
  const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = match;
  return { partition, service, region, accountId, resource };
}
