/**
 * `bucketbridge run` as a process on the sandbox with three connections: a live one in sns mode,
 * a scheduled batch and one whose external ID is wrong. Outputs appear, the wrong one is failing
 * with AssumeRole's AccessDenied while the others run, /metrics is Prometheus text whose counters
 * equal what was uploaded, the status page shows three rows in headless Chromium, SIGHUP adds,
 * removes and refuses a broken file with a live upload during each reload processed exactly once,
 * and SIGTERM exits 0. Needs `npm run build`.
 */
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import {
  createServiceWorld,
  parsePrometheusText,
  type ServiceProcess,
  type ServiceWorld,
  sample,
} from './service-world.js';

let sandbox: TestSandbox;
let world: ServiceWorld;
let service: ServiceProcess;
const batchKeys = ['in/a.txt', 'in/b.txt', 'in/c.txt'];
const batchBodies = batchKeys.map((key) => `batch body of ${key}`);

beforeAll(async () => {
  sandbox = await startTestSandbox();
  world = await createServiceWorld(sandbox);
  for (const [i, key] of batchKeys.entries()) {
    await world.batch.put(key, batchBodies[i]!);
  }
  service = world.spawn(['--grace', '10s', '--poll-wait', '1s']);
}, 60_000);
afterAll(async () => {
  world?.close();
  await sandbox?.close();
});

const stateOf = async (name: string) => (await service.status()).connections.find((c) => c.name === name);

async function metrics(): Promise<Map<string, number>> {
  const response = await fetch(`${await service.url()}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

/** Uploads a live object and waits until it is done in the ledger. */
async function liveUpload(key: string): Promise<void> {
  await world.live.put(key, `live body of ${key}`);
  await waitFor(
    `${key} to be processed`,
    async () => (await world.live.output(`out/${key.slice(3)}`)) !== undefined,
  );
}

describe('three connections in one process', () => {
  it('runs the batch and the live connection while the wrong one is failing with AccessDenied', async () => {
    await waitFor(
      'every connection to leave starting',
      async () => {
        const status = await service.status();
        return status.connections.length === 3 && status.connections.every((c) => c.state !== 'starting');
      },
      30_000,
    );
    await waitFor('the batch to finish', async () => (await stateOf('nightly'))?.state === 'idle', 30_000);
    await waitFor('the wrong connection to fail', async () => (await stateOf('wrong'))?.state === 'failing');
    expect((await fetch(`${await service.url()}/readyz`)).status).toBe(200);
    expect((await fetch(`${await service.url()}/healthz`)).status).toBe(200);

    const wrong = await stateOf('wrong');
    expect(wrong?.lastError?.code).toBe('AccessDenied');
    expect(wrong?.lastError?.message).toContain('is not authorized to perform: sts:AssumeRole');
    const nightly = await stateOf('nightly');
    expect(nightly).toMatchObject({ workflow: 'batch', state: 'idle', lastError: null });
    // Scheduled an hour after the run started.
    expect(Date.parse(nightly!.nextRunAt!) - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(await stateOf('acme')).toMatchObject({ workflow: 'live', state: 'running' });

    for (const [i, key] of batchKeys.entries()) {
      expect(await world.batch.output(`out/${key.slice(3)}`)).toBe(batchBodies[i]);
    }
    await liveUpload('in/live-1.txt');
    await liveUpload('in/live-2.txt');

    const m = await metrics();
    const batchBytes = batchBodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
    expect(sample(m, 'bucketbridge_objects_total', { connection: 'nightly', outcome: 'processed' })).toBe(3);
    expect(sample(m, 'bucketbridge_bytes_read_total', { connection: 'nightly' })).toBe(batchBytes);
    expect(sample(m, 'bucketbridge_bytes_written_total', { connection: 'nightly' })).toBe(batchBytes);
    await waitFor('both live messages deleted', async () => {
      const now = await metrics();
      return (
        sample(now, 'bucketbridge_queue_messages_total', { connection: 'acme', outcome: 'deleted' })! >= 2
      );
    });
    const after = await metrics();
    expect(sample(after, 'bucketbridge_objects_total', { connection: 'acme', outcome: 'processed' })).toBe(2);
    expect(sample(after, 'bucketbridge_object_duration_seconds_count', { connection: 'acme' })).toBe(2);
    expect(sample(after, 'bucketbridge_connection_up', { connection: 'acme' })).toBe(1);
    expect(sample(after, 'bucketbridge_connection_up', { connection: 'nightly' })).toBe(1);
    expect(sample(after, 'bucketbridge_connection_up', { connection: 'wrong' })).toBe(0);
    expect(
      sample(after, 'bucketbridge_sts_assume_role_total', { connection: 'nightly', result: 'success' }),
    ).toBe(1);
    expect(
      sample(after, 'bucketbridge_sts_assume_role_total', { connection: 'acme', result: 'success' }),
    ).toBe(1);
    expect(
      sample(after, 'bucketbridge_sts_assume_role_total', { connection: 'wrong', result: 'failure' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  }, 90_000);

  it('shows the three rows on the status page in headless Chromium', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${await service.url()}/`);
      await page.waitForSelector('tr[data-connection="wrong"]');
      // The first periodic verify runs once a connection has started (service.verifyEvery, default 6h).
      await page.locator('tr[data-connection="wrong"]', { hasText: 'failing: role.assume' }).waitFor();
      await page.locator('tr[data-connection="acme"]', { hasText: 'passed (' }).waitFor();
      const rows = await page.locator('tbody tr').allInnerTexts();
      expect(rows).toHaveLength(3);
      expect(rows.find((r) => r.startsWith('acme'))).toContain('running');
      expect(rows.find((r) => r.startsWith('nightly'))).toContain('3 processed');
      expect(rows.find((r) => r.startsWith('wrong'))).toMatch(/failing[\s\S]*AccessDenied/);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('SIGHUP', () => {
  const reloads = async (result: 'success' | 'failure') =>
    sample(await metrics(), 'bucketbridge_config_reloads_total', { result });

  it('after removing a connection stops it, with a live upload during the reload processed once', async () => {
    world.write(world.connections.filter((c) => c.name !== 'wrong'));
    service.child.kill('SIGHUP');
    await liveUpload('in/during-remove.txt');
    await waitFor('the removal', async () => (await service.status()).connections.length === 2);
    expect((await service.status()).generation).toBe(2);
    expect(await reloads('success')).toBe(1);
    // The live connection was unchanged: untouched.
    expect(service.logs('following the queue')).toHaveLength(1);
  }, 60_000);

  it('after breaking the file keeps the old configuration running and counts a failed reload', async () => {
    world.writeRaw('version: 2\nconnections: [ {name: broken\n');
    service.child.kill('SIGHUP');
    await waitFor('the refusal', async () => (await reloads('failure')) === 1);
    await liveUpload('in/during-broken.txt');
    const status = await service.status();
    expect(status.generation).toBe(2);
    expect(status.connections.map((c) => [c.name, c.state])).toEqual([
      ['acme', 'running'],
      ['nightly', 'idle'],
    ]);
    expect(service.logs('configuration refused; the running configuration stays')).toHaveLength(1);
  }, 60_000);

  it('after adding a connection starts it, and POST /-/reload does the same', async () => {
    world.write(world.connections);
    service.child.kill('SIGHUP');
    await liveUpload('in/during-add.txt');
    await waitFor('the addition', async () => (await stateOf('wrong'))?.state === 'failing');
    expect((await service.status()).generation).toBe(3);
    const posted = await fetch(`${await service.url()}/-/reload`, { method: 'POST' });
    expect(posted.status).toBe(200);
    expect((await service.status()).generation).toBe(4);
    expect(await reloads('success')).toBe(3);
    const live = (await world.live.ledger()).filter((row) => /^in\/(live|during)-/.test(row.key));
    expect(live.map((row) => [row.key, row.state, row.attempts])).toEqual(
      [
        'in/during-add.txt',
        'in/during-broken.txt',
        'in/during-remove.txt',
        'in/live-1.txt',
        'in/live-2.txt',
      ].map((key) => [key, 'done', 1]),
    );
  }, 60_000);
});

describe('SIGTERM', () => {
  it('exits 0 within the grace period', async () => {
    const sentMs = Date.now();
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    // Nothing is in flight: the stop waits only for the 1 s poll under way, far less than the 10 s grace.
    expect(Date.now() - sentMs).toBeLessThan(10_000);
    expect(service.logs('service: stopped')).toHaveLength(1);
  }, 30_000);
});
