/**
 * The IAM policy document shapes the builders produce, and the few helpers they share. Documents are
 * plain objects built in a fixed key order so that the files written from them diff well.
 */

/** A condition block: operator → condition key → value(s). */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

/** A principal: `*`, or a map such as `{ AWS: [...] }` or `{ Service: 's3.amazonaws.com' }`. */
export type PolicyPrincipal = '*' | Record<string, string | string[]>;

export interface PolicyStatement {
  /** Statement id. Builders always set one, stable across runs, so that `--apply` can merge by Sid. */
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: PolicyCondition;
}

export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: PolicyStatement[];
}

/** The IAM policy language version every builder writes (policy variables need it). */
export const POLICY_VERSION = '2012-10-17';

/**
 * Escapes the characters IAM treats as special in resource and StringLike patterns (`*`, `?` and
 * `$`), so that a prefix from the configuration matches only itself. See "IAM policy elements:
 * Variables and tags" (`${*}`, `${?}`, `${$}`).
 */
export function iamLiteral(text: string): string {
  return text.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/** A bucket's ARN. */
export function bucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/**
 * The ARN pattern of every object under a prefix. `policyPrefix` is already escaped for IAM
 * (see {@link iamLiteral}); an empty prefix means the whole bucket.
 */
export function objectsArn(partition: string, bucket: string, policyPrefix: string): string {
  return `${bucketArn(partition, bucket)}/${policyPrefix}*`;
}

/** The folder of verify's probe objects under a destination prefix (the role's only delete). */
export const PROBE_FOLDER = '.bucketbridge-verify/';

/** The objects of verify's probe folder: `arn:aws:s3:::bucket/<prefix>.bucketbridge-verify/*`. */
export function probeObjectsArn(partition: string, bucket: string, policyPrefix: string): string {
  return objectsArn(partition, bucket, `${policyPrefix}${PROBE_FOLDER}`);
}

/**
 * A Sid-safe form of a connection name: IAM accepts only ASCII letters and digits in a Sid, so
 * `acme-videos_2` becomes `AcmeVideos2`.
 */
export function sidPart(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** A document serialised the way every written file is: two-space indentation, final newline. */
export function toPolicyJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
