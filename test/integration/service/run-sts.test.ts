/**
 * `bucketbridge_sts_assume_role_total` grows by one per connection per credential lifetime, not per
 * request. The sandbox caps every role session at 300 + LIFETIME_SEC seconds (the test-only knob
 * of docs/sandbox-limits.md), so the SDK, which refreshes 5 minutes ahead, gets LIFETIME_SEC seconds
 * of use from each. `run` runs a live connection on the customer's queue (a receive every second
 * with the role's credentials) and a batch scheduled every second (a listing each time). Over about
 * three lifetimes, each connection assumed its role about three times while making many more
 * requests, and each new session was fetched only once the previous one was due. Needs
 * `npm run build`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createServiceWorld, type ServiceProcess, type ServiceWorld, sample } from './service-world.js';

// Expiration carries whole seconds, so a session is replaced 4 to 6 s after the previous one: over
// 15 s that is 3 or 4 sessions, never 5.
const LIFETIME_SEC = 5;
const SESSION_SEC = 300 + LIFETIME_SEC;
let sandbox: TestSandbox;
let world: ServiceWorld;
let service: ServiceProcess;

beforeAll(async () => {
  sandbox = await startTestSandbox({ maxSessionSec: SESSION_SEC });
  world = await createServiceWorld(sandbox);
  const nightly = { ...world.connections.find((c) => c.name === 'nightly')!, schedule: '1s' };
  // The second customer's world is wired for sqs mode: its connection reads the customer's queue.
  const queueFile = parse(readFileSync(world.batch.configPath, 'utf8')) as {
    connections: Array<Record<string, unknown>>;
  };
  const orders = { ...queueFile.connections[0]!, name: 'orders' };
  world.write([nightly, orders], { service: { verifyEvery: 0 } });
  service = world.spawn(['--grace', '10s', '--poll-wait', '1s']);
}, 60_000);
afterAll(async () => {
  world?.close();
  await sandbox?.close();
});

/** The sandbox's sessions of one connection (its RoleSessionName), oldest first. */
function sessionsOf(connection: string) {
  return sandbox.server.credentials
    .snapshot()
    .sessions.filter((s) => s.identity.sessionName === `bucketbridge-${connection}`)
    .sort((a, b) => a.expiresAtMs - b.expiresAtMs);
}

describe('AssumeRole calls over three short credential lifetimes', () => {
  it('are about one per connection per lifetime, not one per request', async () => {
    const connections = ['nightly', 'orders'];
    await waitFor('both connections to assume their role', () =>
      connections.every((c) => sessionsOf(c).length >= 1),
    );
    sandbox.server.requestCounts(true);
    // The window: three lifetimes from the earlier of the two first sessions.
    const firstIssuedMs = Math.min(
      ...connections.map((c) => sessionsOf(c)[0]!.expiresAtMs - SESSION_SEC * 1000),
    );
    const windowEndMs = firstIssuedMs + 3 * LIFETIME_SEC * 1000;
    await waitFor('three credential lifetimes', () => Date.now() >= windowEndMs, 4 * LIFETIME_SEC * 1000);
    const requests = sandbox.server.requestCounts();
    const metrics = await service.metrics();

    for (const connection of connections) {
      const calls = sample(metrics, 'bucketbridge_sts_assume_role_total', { connection, result: 'success' });
      const sessions = sessionsOf(connection);
      // The metric counts exactly the sessions STS issued for the connection.
      expect(calls, connection).toBe(sessions.length);
      const failures = sample(metrics, 'bucketbridge_sts_assume_role_total', {
        connection,
        result: 'failure',
      });
      expect(failures ?? 0).toBe(0);
      expect(calls, connection).toBeGreaterThanOrEqual(2);
      expect(calls, connection).toBeLessThanOrEqual(4);
      // Each session was replaced only once it entered the SDK's 5-minute refresh window (up to a
      // second early: AssumeRole's Expiration carries whole seconds, as AWS's does).
      for (let i = 1; i < sessions.length; i++) {
        expect(sessions[i]!.expiresAtMs - sessions[i - 1]!.expiresAtMs, connection).toBeGreaterThanOrEqual(
          (LIFETIME_SEC - 1) * 1000,
        );
      }
    }
    // Far more requests signed with those sessions than AssumeRole calls.
    expect(requests['sqs:ReceiveMessage']).toBeGreaterThanOrEqual(6);
    expect(requests['s3:ListObjectsV2']).toBeGreaterThanOrEqual(6);

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
