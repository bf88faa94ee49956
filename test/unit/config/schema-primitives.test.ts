import { describe, expect, it } from 'vitest';
import { connectionSchema } from '../../../src/config/schema.js';
import { durationSchema, explainIamArn, ROLE_ARN } from '../../../src/config/schema-primitives.js';

describe('stsCredsExpirationTime accepts 15m..12h', () => {
  const field = connectionSchema.shape.stsCredsExpirationTime;
  it.each(['15m', '900', 900, '1h', '12h', '43200s', '11h59m60s'])('accepts %j', (value) => {
    expect(field.safeParse(value).success).toBe(true);
  });
  it.each(['14m59s', 899, '12h1s', '13h', '0'])('rejects %j as out of range', (value) => {
    const result = field.safeParse(value);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['a duration from 15m to 12h']);
  });
  it.each(['soon', '1 h', true, -1])('rejects %j as not a duration', (value) => {
    const result = field.safeParse(value);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'a duration such as 1h, 90m, 3600s or a number of seconds',
    ]);
  });
  it('defaults to 1h', () => {
    expect(field.parse(undefined)).toBe('1h');
  });
  it('an unbounded duration has no range', () => {
    expect(durationSchema().safeParse('400h').success).toBe(true);
  });
});

describe('role ARNs are checked part by part', () => {
  it.each([
    ['arn:aws:iam::222222222222:role/BucketBridgeAccessRole', undefined],
    ['arn:aws-cn:iam::222222222222:role/service-role/Path/Name', undefined],
    ['arn:aws-us-gov:iam::222222222222:role/R', undefined],
    ['arn:aws-iso-b:iam::222222222222:role/R', undefined],
    [
      'BucketBridgeAccessRole',
      'an ARN has six parts separated by colons: arn:PARTITION:iam::ACCOUNT:RESOURCE',
    ],
    [
      'arn:aws:iam::222222222222',
      'an ARN has six parts separated by colons: arn:PARTITION:iam::ACCOUNT:RESOURCE',
    ],
    [
      'arn:aws-moon:iam::222222222222:role/R',
      'partition `aws-moon` is not an AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc)',
    ],
    [
      'arn:aws:sts::222222222222:role/R',
      'service `sts` is not `iam`: roles and principals are IAM resources',
    ],
    ['arn:aws:iam:us-east-1:222222222222:role/R', 'IAM ARNs have no region, but this one names `us-east-1`'],
    ['arn:aws:iam::2222:role/R', 'account `2222` is not a 12-digit AWS account ID'],
    [
      'arn:aws:iam::222222222222:root',
      'resource `root` is not a role: it must be role/NAME (letters, digits and +=,.@_-/)',
    ],
    [
      'arn:aws:iam::222222222222:role/',
      'resource `role/` is not a role: it must be role/NAME (letters, digits and +=,.@_-/)',
    ],
    [
      'arn:aws:iam::222222222222:role/has space',
      'resource `role/has space` is not a role: it must be role/NAME (letters, digits and +=,.@_-/)',
    ],
  ])('%s: %s', (arn, reason) => {
    expect(explainIamArn(arn, 'role')).toBe(reason);
    // The explanation and the schema's pattern agree on what is valid.
    expect(ROLE_ARN.test(arn)).toBe(reason === undefined);
  });

  it.each([
    ['arn:aws:iam::111111111111:root', undefined],
    ['arn:aws:iam::111111111111:user/ci', undefined],
    ['arn:aws:iam::111111111111:group/ops', 'resource `group/ops` is not root, role/NAME or user/NAME'],
  ])('principal %s: %s', (arn, reason) => {
    expect(explainIamArn(arn, 'principal')).toBe(reason);
  });
});
