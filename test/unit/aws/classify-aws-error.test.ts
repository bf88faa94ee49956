import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../src/aws/classify-aws-error.js';
import {
  AssumeRoleError,
  BucketRegionError,
  CredentialsError,
  type FailureKind,
} from '../../../src/aws/errors.js';
import { awsError } from './sts-fakes.js';

function networkError(code: string): Error {
  return Object.assign(new Error(`socket: ${code}`), { code });
}

describe('classifyAwsError', () => {
  it.each<[string, unknown, FailureKind]>([
    ['S3 SlowDown', awsError('SlowDown', 'Please reduce your request rate.', 503), 'transient'],
    ['STS Throttling', awsError('Throttling', 'Rate exceeded', 400), 'transient'],
    ['SQS throttling', awsError('ThrottlingException', 'Rate exceeded', 400), 'transient'],
    ['S3 InternalError', awsError('InternalError', 'We encountered an internal error.', 500), 'transient'],
    ['an unnamed 503', awsError('UnknownError', '', 503), 'transient'],
    ['an unnamed 429', awsError('UnknownError', '', 429), 'transient'],
    [
      'S3 RequestTimeout',
      awsError('RequestTimeout', 'Your socket connection to the server was not read from', 400),
      'transient',
    ],
    ['the SDK TimeoutError', awsError('TimeoutError', 'Connection timed out after 5000 ms', 0), 'transient'],
    ['a connection reset', networkError('ECONNRESET'), 'transient'],
    ['a refused connection', networkError('ECONNREFUSED'), 'transient'],
    ['a DNS hiccup', networkError('EAI_AGAIN'), 'transient'],
    [
      'a token that expired in flight',
      awsError('ExpiredToken', 'The provided token has expired.', 400),
      'transient',
    ],
    ['S3 AccessDenied', awsError('AccessDenied', 'Access Denied'), 'permanent'],
    ['S3 NoSuchKey', awsError('NoSuchKey', 'The specified key does not exist.', 404), 'permanent'],
    ['S3 NoSuchBucket', awsError('NoSuchBucket', 'The specified bucket does not exist', 404), 'permanent'],
    [
      'S3 InvalidObjectState (Glacier)',
      awsError('InvalidObjectState', 'The operation is not valid for the object storage class', 403),
      'permanent',
    ],
    ['a plain programming error', new TypeError('x is undefined'), 'permanent'],
    [
      'an unknown key',
      awsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'),
      'misconfiguration',
    ],
    [
      'a wrong secret',
      awsError('SignatureDoesNotMatch', 'The request signature we calculated does not match'),
      'misconfiguration',
    ],
    [
      'an unknown STS key',
      awsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'misconfiguration',
    ],
    [
      'no credentials at all',
      awsError('CredentialsProviderError', 'Could not load credentials from any providers', 0),
      'misconfiguration',
    ],
    [
      'an AssumeRoleError keeps its own kind',
      new AssumeRoleError('x', {
        roleArn: 'arn:aws:iam::1:role/x',
        hop: 0,
        reason: 'other',
        kind: 'transient',
        cause: undefined,
      }),
      'transient',
    ],
    [
      'a denied AssumeRole is a misconfiguration, not a permanent item failure',
      new AssumeRoleError('x', {
        roleArn: 'arn:aws:iam::1:role/x',
        hop: 0,
        reason: 'access-denied',
        kind: 'misconfiguration',
        cause: undefined,
      }),
      'misconfiguration',
    ],
    [
      'a CredentialsError',
      new CredentialsError('x', 'no-credentials', { cause: undefined }),
      'misconfiguration',
    ],
    [
      'a missing bucket',
      new BucketRegionError('x', { bucket: 'b', kind: 'permanent', cause: undefined }),
      'permanent',
    ],
  ])('%s is %s', (_label, error, kind) => {
    expect(classifyAwsError(error)).toBe(kind);
  });
});
