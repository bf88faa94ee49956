import { describe, expect, it } from 'vitest';
import { buildArn, parseArn, partitionOfRegion } from '../../../src/aws/arn.js';

describe('partitionOfRegion, the one region-to-partition function', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['eu-west-2', 'aws'],
    ['ap-southeast-2', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('region %s is in partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe('ARNs', () => {
  it.each([
    [
      { service: 'sns', region: 'eu-west-2', accountId: '222222222222', resource: 'Events' },
      'arn:aws:sns:eu-west-2:222222222222:Events',
    ],
    [
      { service: 'sqs', region: 'cn-north-1', accountId: '222222222222', resource: 'q.fifo' },
      'arn:aws-cn:sqs:cn-north-1:222222222222:q.fifo',
    ],
    [
      { partition: 'aws-us-gov', service: 'iam', region: '', accountId: '222222222222', resource: 'role/R' },
      'arn:aws-us-gov:iam::222222222222:role/R',
    ],
  ])('%j is written %s and reads back', (parts, arn) => {
    expect(buildArn(parts)).toBe(arn);
    expect(parseArn(arn)).toMatchObject(parts);
  });

  it.each([
    ['arn:aws:sns:eu-west-1:222222222222'],
    ['arn:aws:sns:eu-west-1:2222:topic'],
    ['sns:eu-west-1:222222222222:topic'],
    ['arn:other:sns:eu-west-1:222222222222:topic'],
  ])('%s is not an ARN', (text) => {
    expect(parseArn(text)).toBeUndefined();
  });

  it('keeps colons inside the resource', () => {
    expect(parseArn('arn:aws:logs:us-east-1:222222222222:log-group:app:*')).toMatchObject({
      resource: 'log-group:app:*',
    });
  });
});
