import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AwsSettings } from '../../../src/aws/client-factory.js';
import { fromConnection } from '../../../src/aws/credentials.js';
import {
  AssumeRoleCommand,
  connection,
  countingVendor,
  fakeSts,
  ROLE_A,
  ROLE_B,
  VENDOR,
} from './sts-fakes.js';

const settings: AwsSettings = { region: 'eu-central-1', maxAttempts: 3 };

describe('with assumeRoleFlag false', () => {
  it('uses the vendor credentials unchanged and never calls STS', async () => {
    const { sts } = fakeSts();
    const vendor = countingVendor();
    const provider = fromConnection({
      connection: connection({ assumeRoleFlag: false, assumeRoleArn: [ROLE_B] }),
      settings,
      vendorCredentials: vendor,
    });
    expect(provider).toBe(vendor);
    await expect(provider()).resolves.toEqual(VENDOR);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    sts.restore();
  });
});

describe('with assumeRoleFlag true', () => {
  let fake: ReturnType<typeof fakeSts>;
  beforeEach(() => {
    fake = fakeSts();
  });
  afterEach(() => {
    fake.sts.restore();
    vi.useRealTimers();
  });

  it('assumes each role in order, hop N signed with the credentials of hop N-1', async () => {
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: [ROLE_A, ROLE_B] }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const credentials = await provider();
    expect(fake.issued.map((s) => [s.roleArn, s.signedWith])).toEqual([
      [ROLE_A, VENDOR.accessKeyId],
      [ROLE_B, fake.issued[0]?.credentials.accessKeyId],
    ]);
    expect(credentials).toMatchObject({
      accessKeyId: fake.issued[1]?.credentials.accessKeyId,
      secretAccessKey: fake.issued[1]?.credentials.secretAccessKey,
      sessionToken: fake.issued[1]?.credentials.sessionToken,
    });
  });

  it('passes the external ID, session name and duration on every hop', async () => {
    const provider = fromConnection({
      connection: connection({
        assumeRoleArn: [ROLE_A, ROLE_B],
        sessionName: 'bb-acme-prod',
        stsCredsExpirationSec: 2700,
      }),
      settings,
      vendorCredentials: countingVendor(),
    });
    await provider();
    expect(fake.issued.map((session) => session.input)).toEqual([
      {
        RoleArn: ROLE_A,
        RoleSessionName: 'bb-acme-prod',
        DurationSeconds: 2700,
        ExternalId: 'bb-3f9c2a71d0e84b5c',
      },
      {
        RoleArn: ROLE_B,
        RoleSessionName: 'bb-acme-prod',
        DurationSeconds: 2700,
        ExternalId: 'bb-3f9c2a71d0e84b5c',
      },
    ]);
  });

  it('sends no ExternalId when the connection has none, and names the session after the connection', async () => {
    const provider = fromConnection({
      connection: connection({ externalId: undefined, stsCredsExpirationSec: 5400 }),
      settings,
      vendorCredentials: countingVendor(),
    });
    await provider();
    expect(fake.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE_B,
      RoleSessionName: 'bucketbridge-acme',
      DurationSeconds: 5400,
    });
  });

  it('calls STS in the configured region through the configured endpoint', async () => {
    const provider = fromConnection({
      connection: connection(),
      settings: { region: 'ap-southeast-2', endpoint: 'http://127.0.0.1:4566', maxAttempts: 7 },
      vendorCredentials: countingVendor(),
    });
    await provider();
    const client = fake.sts.commandCalls(AssumeRoleCommand)[0]?.thisValue as {
      config: {
        region: () => Promise<string>;
        endpoint: () => Promise<{ hostname: string; port: number }>;
        maxAttempts: () => Promise<number>;
      };
    };
    await expect(client.config.region()).resolves.toBe('ap-southeast-2');
    await expect(client.config.endpoint()).resolves.toMatchObject({ hostname: '127.0.0.1', port: 4566 });
    await expect(client.config.maxAttempts()).resolves.toBe(7);
  });

  it("calls STS in the role's partition when the configured region is in another", async () => {
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: ['arn:aws-cn:iam::222222222222:role/BucketBridgeAccessRole'] }),
      settings: { region: 'us-east-1', maxAttempts: 1 },
      vendorCredentials: countingVendor(),
    });
    await provider();
    const client = fake.sts.commandCalls(AssumeRoleCommand)[0]?.thisValue as {
      config: { region: () => Promise<string> };
    };
    await expect(client.config.region()).resolves.toBe('cn-north-1');
  });

  it('fetches credentials once and reuses them for every later request', async () => {
    const vendor = countingVendor();
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: [ROLE_A, ROLE_B] }),
      settings,
      vendorCredentials: vendor,
    });
    const first = await provider();
    const concurrent = await Promise.all([provider(), provider(), provider()]);
    for (let i = 0; i < 5; i += 1) await provider();
    expect(fake.issued).toHaveLength(2);
    expect(vendor.calls).toBe(1);
    for (const c of concurrent) expect(c).toBe(first);
  });

  it('shares one AssumeRole between concurrent first callers', async () => {
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: countingVendor(),
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => provider()));
    expect(fake.issued).toHaveLength(1);
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it('refreshes when less than 5 minutes remain, and not a moment before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-01-01T00:00:00Z');
    vi.setSystemTime(start);
    const provider = fromConnection({
      connection: connection(),
      settings,
      vendorCredentials: countingVendor(),
    });
    const first = await provider();
    expect(first.expiration).toEqual(new Date('2026-01-01T01:00:00Z'));

    vi.setSystemTime(new Date('2026-01-01T00:55:00.000Z')); // exactly 5 minutes left
    expect(await provider()).toBe(first);
    expect(fake.issued).toHaveLength(1);

    vi.setSystemTime(new Date('2026-01-01T00:55:00.001Z')); // just under 5 minutes left
    const second = await provider();
    expect(fake.issued).toHaveLength(2);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(second.expiration).toEqual(new Date('2026-01-01T01:55:00.001Z'));

    vi.setSystemTime(new Date('2026-01-01T01:30:00Z'));
    expect(await provider()).toBe(second);
    expect(fake.issued).toHaveLength(2);
  });

  it('refreshes every hop of a chain, each signed with the refreshed credentials of the hop before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const provider = fromConnection({
      connection: connection({ assumeRoleArn: [ROLE_A, ROLE_B] }),
      settings,
      vendorCredentials: countingVendor(),
    });
    await provider();
    vi.setSystemTime(new Date('2026-01-01T00:58:00Z'));
    await provider();
    expect(fake.issued.map((s) => s.roleArn)).toEqual([ROLE_A, ROLE_B, ROLE_A, ROLE_B]);
    expect(fake.issued[3]?.signedWith).toBe(fake.issued[2]?.credentials.accessKeyId);
  });
});
