import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/resolved-config.js';

function connectionOf(connection: Record<string, unknown>, aws: Record<string, unknown> = {}) {
  return parseConfig({
    version: 2,
    vendor: { accountId: '111111111111', principals: ['arn:aws:iam::111111111111:root'] },
    aws,
    connections: [
      {
        name: 'acme',
        accountId: '222222222222',
        source: { bucket: 'acme-src' },
        destination: { bucket: 'acme-dst' },
        ...connection,
      },
    ],
  }).connections[0]!;
}

describe('the configuration resolved once', () => {
  it.each([
    ['1h', 3600],
    ['90m', 5400],
    ['3600s', 3600],
    [900, 900],
    ['12h', 43200],
    [undefined, 3600],
  ])('stsCredsExpirationTime %j is stsCredsExpirationSec %i', (value, seconds) => {
    const connection = connectionOf(value === undefined ? {} : { stsCredsExpirationTime: value });
    expect(connection.stsCredsExpirationSec).toBe(seconds);
    expect(connection).not.toHaveProperty('stsCredsExpirationTime');
  });

  it.each([
    ['30d', 30 * 86_400_000],
    ['90m', 5_400_000],
    [3600, 3_600_000],
  ])('source.ignoreOlderThan %j is source.ignoreOlderThanMs %i', (value, ms) => {
    const { source } = connectionOf({ source: { bucket: 'acme-src', ignoreOlderThan: value } });
    expect(source.ignoreOlderThanMs).toBe(ms);
    expect(source).not.toHaveProperty('ignoreOlderThan');
  });

  it.each([
    [{}, 'us-east-1', 'us-east-1'],
    [{}, 'eu-central-1', 'eu-central-1'],
    [{ region: 'eu-west-2' }, 'us-east-1', 'eu-west-2'],
  ])('connection %j with aws.region %s is in region %s', (connection, awsRegion, region) => {
    expect(connectionOf(connection, { region: awsRegion }).region).toBe(region);
  });

  it.each([
    ['acme', undefined, 'bucketbridge-acme'],
    ['team.eu_1', undefined, 'bucketbridge-team.eu_1'],
    ['a'.repeat(63), undefined, `bucketbridge-${'a'.repeat(51)}`],
    ['acme', 'acme-prod', 'acme-prod'],
  ])('connection %s with sessionName %j uses session %s', (name, sessionName, expected) => {
    const connection = connectionOf({ name, ...(sessionName ? { sessionName } : {}) });
    expect(connection.sessionName).toBe(expected);
    expect(connection.sessionName.length).toBeLessThanOrEqual(64);
  });

  it('gives a live connection its live settings with defaults, visibility timeout in seconds', () => {
    expect(connectionOf({ workflow: 'live' }).live).toEqual({
      mode: 'sns',
      rawMessageDelivery: false,
      backfill: false,
      includeRemoved: false,
      concurrency: 8,
      visibilityTimeoutSec: 300,
      maxReceiveCount: 5,
    });
    expect(
      connectionOf({ workflow: 'live', live: { visibilityTimeout: '1h30m' } }).live?.visibilityTimeoutSec,
    ).toBe(5400);
  });

  it('gives a batch connection no live settings', () => {
    expect(connectionOf({}).live).toBeUndefined();
  });

  it.each([
    [{ type: 'exec', command: 'cat' }, 600_000],
    [{ type: 'exec', command: 'cat', timeout: '90s' }, 90_000],
    [{ type: 'video' }, 7_200_000],
    [{ type: 'video', timeout: 30 }, 30_000],
  ])('processor %j runs for at most %i ms', (processor, timeoutMs) => {
    const resolved = connectionOf({ processor }).processor;
    expect(resolved).toMatchObject({ timeoutMs });
    expect(resolved).not.toHaveProperty('timeout');
  });
});
