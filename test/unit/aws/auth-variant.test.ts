import { describe, expect, it } from 'vitest';
import {
  authVariantOf,
  defaultSessionName,
  describeAuthVariant,
  partitionOfRegion,
  sessionDurationSec,
  stsRegionFor,
} from '../../../src/aws/auth-variant.js';
import { connection, ROLE_A, ROLE_B } from './sts-fakes.js';

describe('authVariantOf', () => {
  it('is the default chain when assumeRoleFlag is false, whatever else is set', () => {
    expect(authVariantOf(connection({ assumeRoleFlag: false, assumeRoleArn: [ROLE_B] }))).toEqual({
      kind: 'default-chain',
    });
  });

  it('is the role chain with every default applied when the flag is on', () => {
    expect(
      authVariantOf(connection({ assumeRoleArn: [ROLE_A, ROLE_B], stsCredsExpirationTime: '30m' })),
    ).toEqual({
      kind: 'assume-role',
      roleArns: [ROLE_A, ROLE_B],
      externalId: 'bb-3f9c2a71d0e84b5c',
      sessionName: 'bucketbridge-acme',
      durationSec: 1800,
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

describe('session settings', () => {
  it.each([
    ['acme', 'bucketbridge-acme'],
    ['team.eu_1', 'bucketbridge-team.eu_1'],
    ['a'.repeat(63), `bucketbridge-${'a'.repeat(51)}`],
  ])('the default session name for connection %s is %s', (name, expected) => {
    expect(defaultSessionName(name)).toBe(expected);
    expect(expected.length).toBeLessThanOrEqual(64);
  });

  it.each([
    ['1h', 3600],
    ['90m', 5400],
    ['3600s', 3600],
    [900, 900],
    ['12h', 43200],
  ])('stsCredsExpirationTime %s asks for %i seconds', (value, seconds) => {
    expect(sessionDurationSec({ stsCredsExpirationTime: value })).toBe(seconds);
  });

  it('refuses a duration beyond 12h built in code past the schema', () => {
    expect(() => sessionDurationSec({ stsCredsExpirationTime: '13h' })).toThrow(
      'stsCredsExpirationTime 13h is not 15m..12h',
    );
  });
});

describe('partitions', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('region %s is in partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

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
