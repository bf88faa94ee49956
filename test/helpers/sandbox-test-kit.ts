/**
 * Small pieces the sandbox's own suites (test/integration/sandbox, test/unit/sandbox) share: the
 * error an SDK call fails with, the settings of a client aimed at a conformance target, policy
 * documents and statements, and the AWS errors the unit tests expect.
 */
import type { PolicyStatement } from '../../sandbox/core/types.js';

/** A class of SDK service errors, e.g. `S3ServiceException`. */
type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * The error `promise` fails with, for asserting its name, status and message. An error of none
 * of `types` is rethrown, and a call that succeeds fails the test.
 */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  ...types: ErrorClass<E>[]
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (types.some((type) => error instanceof type)) return error as E;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Where a conformance suite sends its calls: the sandbox's or moto's endpoint, and whose keys. */
export interface ConformanceEndpoint {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** A client's settings for `target`, with one attempt so a test sees the first answer, not a retry's. */
export function singleAttemptConfig(target: ConformanceEndpoint) {
  return {
    endpoint: target.endpoint,
    region: target.region,
    credentials: target.credentials,
    maxAttempts: 1,
  };
}

/** An IAM policy document (version 2012-10-17) as the JSON text IAM, SNS and SQS take. */
export function policyJson(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * The topic-policy statement AWS's S3 guide gives so that S3 may publish one bucket's events to
 * `topicArn`: `aws:SourceArn` like the bucket's ARN and `aws:SourceAccount` the bucket owner's.
 */
export function s3PublishStatement(topicArn: string, bucketArn: string, bucketOwner: string): object {
  return {
    Effect: 'Allow',
    Principal: { Service: 's3.amazonaws.com' },
    Action: 'SNS:Publish',
    Resource: topicArn,
    Condition: {
      ArnLike: { 'aws:SourceArn': bucketArn },
      StringEquals: { 'aws:SourceAccount': bucketOwner },
    },
  };
}

/** A resource-policy statement for any principal (`Principal: "*"`), usually narrowed by `Condition`. */
export function anyPrincipal(
  Effect: PolicyStatement['Effect'],
  Action: string,
  Resource: string,
  Condition?: PolicyStatement['Condition'],
): PolicyStatement {
  return { Effect, Principal: '*', Action, Resource, ...(Condition ? { Condition } : {}) };
}

/** An AWS error as a sandbox unit test compares it: its code, message and HTTP status. */
export const awsError = (code: string, status: number, message: string) => ({ code, message, status });

/**
 * The ValidationError AWS answers when the input `field` (e.g. `RoleSessionName`) has a `value`
 * that breaks `rule`, worded as in "Member must have length less than or equal to 64".
 */
export function validationError(field: string, value: string, rule: string) {
  const member = field.charAt(0).toLowerCase() + field.slice(1);
  return awsError(
    'ValidationError',
    400,
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must ${rule}`,
  );
}
