/**
 * Drift detection of `bucketbridge run` as a process on the sandbox: with `service.verifyEvery: 1s`
 * the customer removes the bucket's notification while the service runs; `/api/status`, the
 * `bucketbridge_verify_failed_checks` gauge and one warning name the failing check, and putting the
 * notification back is noticed too. Every verify's probe object is deleted again. Needs
 * `npm run build`.
 */
import {
  GetBucketNotificationConfigurationCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createServiceWorld, type ServiceProcess, type ServiceWorld, sample } from './service-world.js';

let sandbox: TestSandbox;
let world: ServiceWorld;
let service: ServiceProcess;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  world = await createServiceWorld(sandbox);
  world.write(
    world.connections.filter((c) => c.name !== 'wrong'),
    { service: { verifyEvery: '1s' } },
  );
  service = world.spawn(['--grace', '10s', '--poll-wait', '1s']);
}, 60_000);
afterAll(async () => {
  world?.close();
  await sandbox?.close();
});

const lastVerify = async (name: string) =>
  (await service.status()).connections.find((c) => c.name === name)?.lastVerify ?? null;

const failedChecksGauge = async (name: string) =>
  sample(await service.metrics(), 'bucketbridge_verify_failed_checks', { connection: name });

describe('drift detection (service.verifyEvery)', () => {
  it('passes for both connections once they have started', async () => {
    await waitFor('both connections verified', async () => {
      const [acme, nightly] = [await lastVerify('acme'), await lastVerify('nightly')];
      return acme?.passed === true && nightly?.passed === true;
    });
    expect(await lastVerify('acme')).toMatchObject({ passed: true, failedChecks: [] });
    expect(Date.parse((await lastVerify('acme'))!.at)).not.toBeNaN();
    expect(await failedChecksGauge('acme')).toBe(0);
    expect(await failedChecksGauge('nightly')).toBe(0);
  }, 60_000);

  it('names the check that started failing when the customer removes the notification, once', async () => {
    const s3 = world.live.s3;
    const bucket = world.live.sourceBucket;
    const { $metadata: _, ...notification } = await s3.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: bucket }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: {} }),
    );
    await waitFor('the failing check in /api/status', async () =>
      ((await lastVerify('acme'))?.failedChecks ?? []).includes('notification.config'),
    );
    expect(await lastVerify('acme')).toMatchObject({ passed: false, failedChecks: ['notification.config'] });
    expect(await failedChecksGauge('acme')).toBe(1);
    expect(await lastVerify('nightly')).toMatchObject({ passed: true });
    const started = service.logs('drift: verify check started failing');
    expect(started.map((l) => [l.level, l.connection, l.check])).toEqual([
      ['warn', 'acme', 'notification.config'],
    ]);
    expect(started[0]!.remediation).toContain('bucketbridge onboard --apply');

    // Verified again at least twice while it stays broken: still one warning.
    const failingSince = (await lastVerify('acme'))!.at;
    await waitFor('two more verifies', async () => {
      const now = await lastVerify('acme');
      return now !== null && Date.parse(now.at) >= Date.parse(failingSince) + 1500;
    });
    expect(service.logs('drift: verify check started failing')).toHaveLength(1);

    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: notification as never,
      }),
    );
    await waitFor('the recovery', async () => (await lastVerify('acme'))?.passed === true);
    expect(await failedChecksGauge('acme')).toBe(0);
    expect(
      service.logs('drift: verify check passes again').map((l) => [l.level, l.connection, l.check]),
    ).toEqual([['info', 'acme', 'notification.config']]);
  }, 60_000);

  it('leaves no probe object behind after many verifies', async () => {
    for (const w of [world.live, world.batch]) {
      const listed = await w.s3.send(
        new ListObjectsV2Command({ Bucket: w.destinationBucket, Prefix: 'out/.bucketbridge-verify/' }),
      );
      expect(listed.KeyCount).toBe(0);
    }
    expect(service.logs('drift: periodic verify done').length).toBeGreaterThan(4);
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});
