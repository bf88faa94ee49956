/**
 * One failure model: what batch and live do with each kind of failure. Every error below has the
 * same message text; only its AWS code differs, so no decision can rest on the text.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchReportBuilder, batchRunFailure } from '../../../src/batch/batch-report.js';
import { runBatch } from '../../../src/batch/run-batch.js';
import { exitCodeFor } from '../../../src/cli/report-error.js';
import { createObjectFilter } from '../../../src/core/object-filter.js';
import type { SourceObject } from '../../../src/core/source-object.js';
import { LiveStats } from '../../../src/live/live-stats.js';
import { createMessageHandler } from '../../../src/live/message-handler.js';
import { MessageRetryError } from '../../../src/live/message-retry-error.js';
import type { ObjectOutcome } from '../../../src/pipeline/object-pipeline.js';
import { SqliteLedger } from '../../../src/state/sqlite-ledger.js';
import { awsError } from '../../fixtures/aws-error.js';
import { connection, copyPipeline } from '../../helpers/copy-pipeline.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const failures = {
  transient: { code: 'SlowDown', status: 503 },
  permanent: { code: 'AccessDenied', status: 403 },
  misconfiguration: { code: 'InvalidAccessKeyId', status: 403 },
} as const;

function failureOf(kind: keyof typeof failures) {
  const { code, status } = failures[kind];
  return awsError(code, status);
}

describe('one failure model', () => {
  let ledger: SqliteLedger;
  beforeEach(() => {
    s3Mock.reset();
    ledger = new SqliteLedger({ path: ':memory:' });
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"out"' });
  });
  afterEach(() => ledger.close());

  /** A pipeline whose reads of `in/bad.txt` fail with `kind`; other objects copy fine. */
  function failingPipeline(kind: keyof typeof failures) {
    s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      if (input.Key === 'in/bad.txt') throw failureOf(kind);
      return { Body: Readable.from([Buffer.from('hello')]), ContentLength: 5 };
    });
    return copyPipeline(s3, ledger, { retry: { maxAttempts: 2 }, sleep: async () => undefined });
  }

  async function batchOf(kind: keyof typeof failures) {
    const outcomes: ObjectOutcome[] = [];
    async function* objects(): AsyncGenerator<SourceObject> {
      yield { bucket: 'src', key: 'in/bad.txt', etag: 'e1' };
      yield { bucket: 'src', key: 'in/good.txt', etag: 'e2' };
    }
    const result = await runBatch({
      objects: objects(),
      pipeline: failingPipeline(kind),
      concurrency: 1,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    return { outcomes, result, exitCode: exitCodeOfRun(outcomes, result.stoppedBy) };
  }

  /** The exit code `bucketbridge batch` ends with after these outcomes, as its one handler decides. */
  function exitCodeOfRun(outcomes: ObjectOutcome[], stoppedBy: unknown): number {
    const report = new BatchReportBuilder(connection.name, false);
    for (const outcome of outcomes) report.add(outcome);
    if (stoppedBy !== undefined) report.stop(String(stoppedBy));
    const failure = batchRunFailure(report.finish());
    return failure === undefined ? 0 : exitCodeFor(failure);
  }

  async function liveOf(kind: keyof typeof failures) {
    const pipeline = failingPipeline(kind);
    const handler = createMessageHandler({
      bucket: 'src',
      filter: createObjectFilter(connection.source),
      process: (object, signal) => pipeline.process(object, signal),
      currentVersion: async () => ({ etag: 'e1' }),
      recordGone: async () => undefined,
      log: { debug() {}, info() {}, warn() {} },
      stats: new LiveStats('acme', 'q'),
    });
    const body = JSON.stringify({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: 'src' },
            object: { key: 'in/bad.txt', size: 5, eTag: 'e1', sequencer: '0A' },
          },
        },
      ],
    });
    return handler({ MessageId: 'm-1', ReceiptHandle: 'rh', Body: body }, new AbortController().signal);
  }

  describe('transient (retried with backoff, then given up)', () => {
    it('batch records the object as failed with its kind and code and goes on; the run exits 1', async () => {
      const { outcomes, result, exitCode } = await batchOf('transient');
      expect(result.stoppedBy).toBeUndefined();
      expect(exitCode).toBe(1);
      expect(outcomes.map((o) => [o.object.key, o.status])).toEqual([
        ['in/bad.txt', 'failed'],
        ['in/good.txt', 'processed'],
      ]);
      expect(outcomes[0]).toMatchObject({ kind: 'transient', code: 'SlowDown', attempts: 2 });
    });

    it('live leaves the message for redelivery (the dead-letter queue ends it after its receives)', async () => {
      await expect(liveOf('transient')).rejects.toBeInstanceOf(MessageRetryError);
    });
  });

  describe('permanent (recorded)', () => {
    it('batch records the object as failed after one attempt and goes on; the run exits 1', async () => {
      const { outcomes, result, exitCode } = await batchOf('permanent');
      expect(result.stoppedBy).toBeUndefined();
      expect(exitCode).toBe(1);
      expect(outcomes.map((o) => o.status)).toEqual(['failed', 'processed']);
      expect(outcomes[0]).toMatchObject({ kind: 'permanent', code: 'AccessDenied', attempts: 1 });
      expect(await ledger.listFailed('acme')).toHaveLength(1);
    });

    it('live deletes the message: the failure is in the ledger', async () => {
      await expect(liveOf('permanent')).resolves.toBeUndefined();
    });
  });

  describe('misconfiguration (stop and say what to fix)', () => {
    it('batch stops before the next object, with the error that stopped it; the run exits 1', async () => {
      const { outcomes, result, exitCode } = await batchOf('misconfiguration');
      expect(exitCode).toBe(1);
      expect(result.stoppedBy).toMatchObject({ name: 'InvalidAccessKeyId' });
      expect(outcomes).toEqual([]);
      expect(await ledger.listFailed('acme')).toEqual([]);
    });

    it('live neither deletes nor records: the error reaches the connection, the message stays', async () => {
      const error = await liveOf('misconfiguration').catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(MessageRetryError);
      expect(error).toMatchObject({ name: 'InvalidAccessKeyId' });
    });
  });
});
