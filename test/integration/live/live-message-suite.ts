/**
 * What every wiring must do with what arrives on its queue, run once per wiring (sns enveloped,
 * sns raw, sqs): outputs for uploads (awkward keys too), the prefix filter, the test event, an
 * EventBridge body, malformed bodies reaching the dead-letter queue with their message id logged,
 * and an object deleted before it is processed.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { connectionQueues, drained, queueDepth, sendRaw } from './live-queues.js';
import type { LiveWorldOptions } from './live-world.js';
import { useLiveWorld } from './use-live-world.js';

export function defineMessageSuite(title: string, options: LiveWorldOptions): void {
  describe(title, () => {
    const live = useLiveWorld({ maxReceiveCount: 2, ...options });
    const { sandbox, world, run } = live;

    describe('objects uploaded to the source bucket', () => {
      it('have their outputs written, once each, including keys with spaces, +, % and unicode', async () => {
        const keys = [
          'in/plain.txt',
          'in/with space.txt',
          'in/a+b.txt',
          'in/100%.txt',
          'in/dößé/日本語 ✓.txt',
        ];
        for (const key of keys) await world.put(key, `content of ${key}`);
        for (const key of keys) {
          const out = `out/${key.slice('in/'.length)}`;
          await waitFor(`output ${out}`, async () => (await world.output(out)) === `content of ${key}`);
        }
        const rows = world.ledger().filter((row) => keys.includes(row.key));
        expect(rows.map((row) => [row.key, row.state])).toEqual([...keys].sort().map((key) => [key, 'done']));
        await waitFor('the queue to drain', () => drained(world));
      });

      it('outside the prefix are not processed', async () => {
        await world.put('elsewhere/x.txt', 'x');
        await world.put('in/marker-after-elsewhere.txt', 'm');
        await waitFor(
          'the marker output',
          async () => (await world.output('out/marker-after-elsewhere.txt')) === 'm',
        );
        expect(await world.output('out/../elsewhere/x.txt')).toBeUndefined();
        expect(world.ledger().some((row) => row.key === 'elsewhere/x.txt')).toBe(false);
      });
    });

    describe('bodies sent to the queue directly', () => {
      it('deletes an s3:TestEvent quietly', async () => {
        // Let the earlier tests' messages finish first: an output is visible before its message
        // is counted and deleted, and a late count would be taken for this event's.
        await waitFor('the queue to drain', () => drained(world));
        // The notification's set-up sent a test event too: count this one's line, not any line.
        const testEventLines = () =>
          world.logLines.filter((line) => line.includes('s3:TestEvent deleted')).length;
        const linesBefore = testEventLines();
        const before = run.stats()[0]!;
        await sendRaw(
          world,
          JSON.stringify({
            Service: 'Amazon S3',
            Event: 's3:TestEvent',
            Time: new Date().toISOString(),
            Bucket: world.sourceBucket,
            RequestId: 'R1',
            HostId: 'H1',
          }),
        );
        await waitFor('the test event to be deleted', () => testEventLines() > linesBefore);
        await waitFor('the queue to drain', () => drained(world));
        expect(run.stats()[0]!.processed).toBe(before.processed);
        expect(run.stats()[0]!.messagesDone).toBeGreaterThan(before.messagesDone);
      });

      it('processes an EventBridge "Object Created" event', async () => {
        await world.put('in/eventbridge.txt', 'from eventbridge');
        const head = await world.s3.send(
          new HeadObjectCommand({ Bucket: world.sourceBucket, Key: 'in/eventbridge.txt' }),
        );
        // The upload's own notification is processed too; the EventBridge copy finds it done.
        await waitFor(
          'the upload',
          async () => (await world.output('out/eventbridge.txt')) === 'from eventbridge',
        );
        await waitFor('the queue to drain', () => drained(world));
        const before = run.stats()[0]!;
        await sendRaw(
          world,
          JSON.stringify({
            version: '0',
            id: 'e1',
            'detail-type': 'Object Created',
            source: 'aws.s3',
            account: sandbox.accounts.customer.id,
            time: new Date().toISOString(),
            region: sandbox.region,
            resources: [`arn:aws:s3:::${world.sourceBucket}`],
            detail: {
              version: '0',
              bucket: { name: world.sourceBucket },
              object: {
                key: 'in/eventbridge.txt',
                size: 16,
                etag: head.ETag!.replaceAll('"', ''),
                sequencer: 'FF',
              },
              reason: 'PutObject',
            },
          }),
        );
        await waitFor('the EventBridge message', () => run.stats()[0]!.messagesDone > before.messagesDone);
        expect(run.stats()[0]!.skipped).toBe(before.skipped + 1);
        expect(world.ledger().find((row) => row.key === 'in/eventbridge.txt')).toMatchObject({
          state: 'done',
          attempts: 1,
        });
      });

      it('moves a malformed body to the dead-letter queue after maxReceiveCount receives, logging its message id', async () => {
        const { sqs, dlqUrl } = await connectionQueues(world);
        await sendRaw(world, 'this is { not json');
        await waitFor('the malformed message in the dead-letter queue', async () => {
          return (await queueDepth(sqs, dlqUrl)).visible === 1;
        });
        const warnings = world.logLines.filter((line) =>
          line.includes('malformed message left for the dead-letter queue'),
        );
        expect(warnings.length).toBe(2);
        expect(JSON.parse(warnings[0]!).reason).toMatch(/^the body is not JSON/);
        expect(JSON.parse(warnings[0]!).messageId).toMatch(/\S/);
        expect(run.stats()[0]!.malformed).toBe(2);
      });
    });

    describe('an object deleted before it is processed', () => {
      it('is recorded as failed with NoSuchKey and its message deleted', async () => {
        await run.stop(5000);
        await world.put('in/short-lived.txt', 'gone soon');
        await world.remove('in/short-lived.txt');
        await live.start();
        // The copy is refused first (AccessDenied without s3:ListBucket on the key), recorded as
        // such, and then re-recorded as gone once the worker has looked: wait for the last word.
        await waitFor('the ledger entry', () =>
          world
            .ledger()
            .some((row) => row.key === 'in/short-lived.txt' && /^NoSuchKey/.test(row.reason ?? '')),
        );
        const row = world.ledger().find((r) => r.key === 'in/short-lived.txt')!;
        expect(row.state).toBe('failed');
        expect(row.reason).toMatch(/^NoSuchKey/);
        await waitFor('the queue to drain', () => drained(world));
      });
    });
  });
}
