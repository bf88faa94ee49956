import { describe, expect, it } from 'vitest';
import { matchWildcard } from '../../../../sandbox/authz/wildcard.js';

describe('IAM wildcard matching', () => {
  it.each([
    ['*', '', true],
    ['*', 'arn:aws:s3:::bucket/a/b', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:::b?cket', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:::b?cket', 'arn:aws:s3:::bcket', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['logs/2024.*', 'logs/2024x01', false],
    ['logs/2024.*', 'logs/2024.01', true],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['Arn:aws:S3:::X', 'arn:aws:s3:::x', false],
  ])('pattern %j against %j is %s', (pattern, value, expected) => {
    expect(matchWildcard(pattern, value)).toBe(expected);
  });

  it('ignores case only when asked to (actions are case-insensitive)', () => {
    expect(matchWildcard('S3:get*', 's3:GetObject', { ignoreCase: true })).toBe(true);
    expect(matchWildcard('S3:get*', 's3:GetObject')).toBe(false);
  });
});
