import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/config/resolved-config.js';
import {
  OnboardingInputError,
  resolveOnboardingContext,
} from '../../../src/onboarding/onboarding-context.js';
import { CUSTOMER_ACCOUNT, makeConfig, makeContext, rawConnection } from '../../fixtures/onboarding.js';

describe('the role session length', () => {
  it.each([
    ['15m', 900, 3600],
    ['1h', 3600, 3600],
    ['90m', 5400, 5400],
    ['12h', 43200, 43200],
  ])(
    'stsCredsExpirationTime %s: session %i s, role MaxSessionDuration %i s',
    (duration, sessionSec, maxSec) => {
      const context = makeContext({ stsCredsExpirationTime: duration });
      expect(context.sessionDurationSec).toBe(sessionSec);
      expect(context.maxSessionDurationSec).toBe(maxSec);
    },
  );
});

describe('resolving a connection', () => {
  it('names the role and topic after the defaults in the customer account', () => {
    const context = makeContext({ workflow: 'live' });
    expect(context.roleArn).toBe(`arn:aws:iam::${CUSTOMER_ACCOUNT}:role/BucketBridgeAccessRole`);
    expect(context.live).toEqual({
      mode: 'sns',
      topicName: 'BucketBridgeS3EventTopic',
      topicArn: `arn:aws:sns:eu-central-1:${CUSTOMER_ACCOUNT}:BucketBridgeS3EventTopic`,
    });
  });

  it('uses configured names', () => {
    const context = makeContext({
      workflow: 'live',
      onboarding: { roleName: 'VendorRole', topicName: 'Events' },
    });
    expect(context.roleName).toBe('VendorRole');
    expect(context.live).toMatchObject({ topicName: 'Events' });
  });

  it.each([
    [
      'no external ID',
      { externalId: undefined },
      'externalId: expected an external ID (the trust policy requires one), found none',
    ],
    [
      'a topic ARN in another account',
      { workflow: 'live', live: { topicArn: 'arn:aws:sns:eu-central-1:333333333333:t' } },
      "live.topicArn: expected a topic in the bucket owner's account 222222222222, found a topic in account 333333333333",
    ],
    [
      'a malformed topic ARN',
      { workflow: 'live', live: { topicArn: 'arn:aws:sqs:eu-central-1:222222222222:t' } },
      'live.topicArn: expected an SNS topic ARN such as arn:aws:sns:REGION:ACCOUNT:NAME, found "arn:aws:sqs:eu-central-1:222222222222:t"',
    ],
    [
      'a queue URL without account and name',
      { workflow: 'live', live: { mode: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/q' } },
      `live.queueUrl: expected the URL of the customer's queue, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (live.mode is sqs), found "https://sqs.eu-west-1.amazonaws.com/q"`,
    ],
  ])('rejects %s with a message naming the key', (_, overrides, message) => {
    const raw = rawConnection(overrides);
    if ('externalId' in overrides) delete raw.externalId;
    const config = makeConfig([raw]);
    const resolve = () => resolveOnboardingContext(config, config.connections[0] as Connection);
    expect(resolve).toThrow(OnboardingInputError);
    expect(resolve).toThrow(message);
  });
});
