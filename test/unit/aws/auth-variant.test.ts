import { describe, expect, it } from 'vitest';
import { authVariantOf, describeAuthVariant, stsRegionFor } from '../../../src/aws/auth-variant.js';
import { connection, ROLE_A, ROLE_B } from './sts-fakes.js';

describe('authVariantOf', () => {
  it('is the default chain when assumeRoleFlag is false, whatever else is set', () => {
    expect(authVariantOf(connection({ assumeRoleFlag: false, assumeRoleArn: [ROLE_B] }))).toEqual({
      kind: 'default-chain',
    });
  });

  it('is the role chain of the resolved connection when the flag is on', () => {
    expect(
      authVariantOf(connection({ assumeRoleArn: [ROLE_A, ROLE_B], stsCredsExpirationSec: 1800 })),
    ).toEqual({
      kind: 'assume-role',
      roleArns: [ROLE_A, ROLE_B],
      externalId: 'bb-3f9c2a71d0e84b5c',
      previousExternalIds: [],
      sessionName: 'bucketbridge-acme',
      durationSec: 1800,
    });
  });

  it('carries the previous external IDs of a rotation in progress, in order', () => {
    expect(authVariantOf(connection({ previousExternalIds: ['bb-old', 'bb-older'] }))).toMatchObject({
      externalId: 'bb-3f9c2a71d0e84b5c',
      previousExternalIds: ['bb-old', 'bb-older'],
    });
  });

  it('keeps a configured session name', () => {
    expect(authVariantOf(connection({ sessionName: 'acme-prod' }))).toMatchObject({
      sessionName: 'acme-prod',
    });
  });

  it('refuses the flag on with no role', () => {
    expect(() => authVariantOf(connection({ assumeRoleArn: [] }))).toThrow(
      'connection acme: assumeRoleFlag is true but assumeRoleArn is empty',
    );
  });

  it('describes each variant in one line without the external ID itself', () => {
    expect(describeAuthVariant({ kind: 'default-chain' })).toBe(
      'the default AWS credential chain (assumeRoleFlag is false)',
    );
    const text = describeAuthVariant(authVariantOf(connection({ assumeRoleArn: [ROLE_A, ROLE_B] })));
    expect(text).toBe(
      `AssumeRole ${ROLE_A} -> ${ROLE_B} as session bucketbridge-acme for 3600 s, with an external ID`,
    );
    expect(text).not.toContain('bb-3f9c2a71d0e84b5c');
  });
});

describe('the STS region', () => {
  it.each([
    ['arn:aws:iam::222222222222:role/R', 'eu-west-1', 'eu-west-1'],
    ['arn:aws-cn:iam::222222222222:role/R', 'us-east-1', 'cn-north-1'],
    ['arn:aws-cn:iam::222222222222:role/R', 'cn-northwest-1', 'cn-northwest-1'],
    ['arn:aws-us-gov:iam::222222222222:role/R', 'eu-west-1', 'us-gov-west-1'],
    ['arn:aws:iam::222222222222:role/R', 'cn-north-1', 'us-east-1'],
  ])('STS for %s with aws.region %s is called in %s', (roleArn, region, expected) => {
    expect(stsRegionFor(roleArn, region)).toBe(expected);
  });
});
