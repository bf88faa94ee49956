import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectPipelineOptions } from '../../../src/pipeline/object-pipeline.js';
import type { Processor } from '../../../src/processors/processor.js';
import { ProcessorError } from '../../../src/processors/processor-error.js';
import { SqliteLedger } from '../../../src/state/sqlite-ledger.js';
import { awsError } from '../../fixtures/aws-error.js';
import { connection, copyPipeline } from '../../helpers/copy-pipeline.js';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const object = { bucket: 'src', key: 'in/a b+c%.txt', etag: 'e1', size: 5 };

function body(text: string) {
  return Readable.from([Buffer.from(text)]);
}

describe('the object pipeline', () => {
  let ledger: SqliteLedger;
  const waits: number[] = [];

  beforeEach(() => {
    s3Mock.reset();
    ledger = new SqliteLedger({ path: ':memory:' });
    waits.length = 0;
    s3Mock
      .on(GetObjectCommand)
      .callsFake(() => ({ Body: body('hello'), ContentLength: 5, ContentType: 'text/plain' }));
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"out"' });
  });
  afterEach(() => ledger.close());

  function pipeline(overrides: Partial<ObjectPipelineOptions> = {}) {
    return copyPipeline(s3, ledger, {
      owner: { runId: 'run-1', host: 'h', pid: process.pid },
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    });
  }

  describe('writing outputs', () => {
    it('writes the output under the mapped key with the source key and ETag as metadata, then marks it done', async () => {
      const outcome = await pipeline().process({ ...object });
      expect(outcome).toMatchObject({ status: 'processed', attempts: 1, bytesIn: 5, bytesOut: 5 });
      const put = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
      expect(put).toMatchObject({
        Bucket: 'dst',
        Key: 'out/a b+c%.txt',
        ContentType: 'text/plain',
        Metadata: { 'bucketbridge-source-key': 'in%2Fa%20b%2Bc%25.txt', 'bucketbridge-source-etag': 'e1' },
      });
      expect(put.ACL).toBeUndefined();
      expect(put.ServerSideEncryption).toBeUndefined();
      expect(s3Mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({ IfMatch: 'e1' });
      expect(
        await ledger.get({ connection: 'acme', bucket: 'src', key: object.key, version: 'e1' }),
      ).toMatchObject({
        state: 'done',
        outputs: [{ bucket: 'dst', key: 'out/a b+c%.txt', bytes: 5 }],
      });
    });

    it('sets the ACL, SSE-KMS and storage class only when the destination configures them', async () => {
      const configured = {
        ...connection,
        destination: {
          ...connection.destination,
          acl: 'bucket-owner-full-control' as const,
          kmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/k',
          storageClass: 'STANDARD_IA',
        },
      };
      await pipeline({ connection: configured }).process({ ...object });
      expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
        ACL: 'bucket-owner-full-control',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:us-east-1:222222222222:key/k',
        StorageClass: 'STANDARD_IA',
      });
    });

    it('copies inside S3 when allowed with one CopyObject, pinning the listed version', async () => {
      s3Mock.on(CopyObjectCommand).resolves({});
      const outcome = await pipeline({ serverSideCopy: true }).process({ ...object });
      expect(outcome).toMatchObject({ status: 'processed', bytesIn: 5, bytesOut: 5 });
      expect(s3Mock.commandCalls(CopyObjectCommand)[0]!.args[0].input).toEqual({
        Bucket: 'dst',
        Key: 'out/a b+c%.txt',
        CopySource: 'src/in/a%20b%2Bc%25.txt',
        CopySourceIfMatch: 'e1',
        MetadataDirective: 'COPY',
      });
      expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
      expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('asks HeadObject first when the size is unknown, and resends the headers it gave', async () => {
      s3Mock.on(HeadObjectCommand).resolves({
        ContentLength: 5,
        ContentType: 'text/csv',
        CacheControl: 'no-cache',
        Metadata: { a: '1' },
      });
      s3Mock.on(CopyObjectCommand).resolves({});
      const { size: _unknown, ...unsized } = object;
      const outcome = await pipeline({ serverSideCopy: true }).process(unsized);
      expect(outcome).toMatchObject({ status: 'processed', bytesIn: 5, bytesOut: 5 });
      expect(s3Mock.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({ IfMatch: 'e1' });
      expect(s3Mock.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({
        CopySourceIfMatch: 'e1',
        MetadataDirective: 'REPLACE',
        ContentType: 'text/csv',
        CacheControl: 'no-cache',
        Metadata: { a: '1' },
      });
    });

    it.each([
      ['a streamed read (GetObject)', false],
      ['a server-side copy (CopyObject)', true],
    ])(
      'skips an object changed since it was listed, when %s answers 412, and forgets its claim',
      async (_what, serverSideCopy) => {
        const changed = awsError(
          'PreconditionFailed',
          412,
          'At least one of the pre-conditions you specified did not hold',
        );
        s3Mock.on(GetObjectCommand).rejects(changed);
        s3Mock.on(CopyObjectCommand).rejects(changed);
        const outcome = await pipeline({ serverSideCopy }).process({ ...object });
        expect(outcome).toEqual({ status: 'skipped', object, reason: 'changed-since-listed' });
        expect(waits).toEqual([]);
        expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
        expect(
          await ledger.get({ connection: 'acme', bucket: 'src', key: object.key, version: 'e1' }),
        ).toBeUndefined();
      },
    );
  });

  describe('idempotency', () => {
    it('skips an object a previous run finished, without reading it', async () => {
      await pipeline().process({ ...object });
      s3Mock.resetHistory();
      const outcome = await pipeline({ owner: { runId: 'run-2', host: 'h', pid: process.pid } }).process({
        ...object,
      });
      expect(outcome).toMatchObject({ status: 'skipped', reason: 'done' });
      expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('processes a new version of a key it already did', async () => {
      await pipeline().process({ ...object });
      const outcome = await pipeline().process({ ...object, etag: 'e2' });
      expect(outcome.status).toBe('processed');
    });

    it('asks S3 for the ETag when the caller did not know it', async () => {
      s3Mock.on(HeadObjectCommand).resolves({ ETag: '"from-head"', ContentLength: 5 });
      await pipeline().process({ bucket: 'src', key: 'in/x' });
      expect(
        (await ledger.get({ connection: 'acme', bucket: 'src', key: 'in/x', version: 'from-head' }))?.state,
      ).toBe('done');
    });

    it('aborts the incomplete uploads a crashed run left for the object before writing it again', async () => {
      // A process of this host that no longer exists: its claim is taken over at once.
      const crashed = { runId: 'crashed', host: hostname(), pid: 999_999_999 };
      const ledgerKey = { connection: 'acme', bucket: 'src', key: object.key, version: 'e1' };
      await ledger.claim(ledgerKey, { owner: crashed, leaseMs: 60_000 });
      await ledger.notePendingOutput(ledgerKey, crashed, { bucket: 'dst', key: 'out/a b+c%.txt' });
      s3Mock.on(ListMultipartUploadsCommand).resolves({
        Uploads: [
          { Key: 'out/a b+c%.txt', UploadId: 'old', Initiated: new Date(Date.now() - 60_000) },
          { Key: 'out/a b+c%.txt.other', UploadId: 'unrelated', Initiated: new Date(Date.now() - 60_000) },
        ],
      });
      s3Mock.on(AbortMultipartUploadCommand).resolves({});
      const outcome = await pipeline().process({ ...object });
      expect(outcome.status).toBe('processed');
      const aborts = s3Mock.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input);
      expect(aborts).toEqual([{ Bucket: 'dst', Key: 'out/a b+c%.txt', UploadId: 'old' }]);
    });
    it("still writes the object when the role may not list a crashed run's uploads, and says so", async () => {
      const crashed = { runId: 'crashed', host: hostname(), pid: 999_999_999 };
      const ledgerKey = { connection: 'acme', bucket: 'src', key: object.key, version: 'e1' };
      await ledger.claim(ledgerKey, { owner: crashed, leaseMs: 60_000 });
      await ledger.notePendingOutput(ledgerKey, crashed, { bucket: 'dst', key: 'out/a b+c%.txt' });
      s3Mock.on(ListMultipartUploadsCommand).rejects(awsError('AccessDenied', 403, 'not authorized'));
      const warnings: string[] = [];
      const log = {
        debug() {},
        info() {},
        warn: (_fields: unknown, message: string) => warnings.push(message),
      };
      const outcome = await pipeline({ log }).process({ ...object });
      expect(outcome.status).toBe('processed');
      expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
      expect(warnings).toEqual([
        'could not clean up incomplete uploads of a crashed run; a bucket lifecycle rule AbortIncompleteMultipartUpload removes them',
      ]);
    });
  });

  describe('failures', () => {
    it('retries transient failures with backoff and processes the object once', async () => {
      s3Mock
        .on(GetObjectCommand)
        .rejectsOnce(awsError('SlowDown', 503))
        .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
        .callsFake(() => ({ Body: body('hello'), ContentLength: 5 }));
      const outcome = await pipeline().process({ ...object });
      expect(outcome).toMatchObject({ status: 'processed', attempts: 3 });
      expect(waits).toEqual([100, 200]);
      expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
      expect(
        (await ledger.get({ connection: 'acme', bucket: 'src', key: object.key, version: 'e1' }))?.attempts,
      ).toBe(3);
    });

    it('records a permanent failure with its reason at once, without retrying', async () => {
      s3Mock.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));
      const outcome = await pipeline().process({ ...object });
      expect(outcome).toEqual({
        status: 'failed',
        object,
        attempts: 1,
        reason: 'AccessDenied: it went wrong',
        kind: 'permanent',
        code: 'AccessDenied',
      });
      expect(waits).toEqual([]);
      const [failed] = await ledger.listFailed('acme');
      expect(failed).toMatchObject({
        key: object.key,
        reason: 'AccessDenied: it went wrong',
        attempts: 1,
      });
    });

    it('gives up on a transient failure after the configured attempts and says so', async () => {
      s3Mock.on(GetObjectCommand).rejects(awsError('SlowDown', 503));
      const outcome = await pipeline({ retry: { maxAttempts: 3 } }).process({ ...object });
      expect(outcome).toMatchObject({
        status: 'failed',
        attempts: 3,
        reason: 'SlowDown: it went wrong (gave up after 3 attempts)',
      });
    });

    it('skips an object that failed earlier unless retryFailed is set', async () => {
      s3Mock
        .on(GetObjectCommand)
        .rejectsOnce(awsError('AccessDenied', 403))
        .callsFake(() => ({ Body: body('hello'), ContentLength: 5 }));
      await pipeline().process({ ...object });
      expect(await pipeline().process({ ...object })).toMatchObject({
        status: 'skipped',
        reason: 'failed-earlier',
      });
      expect(await pipeline({ retryFailed: true }).process({ ...object })).toMatchObject({
        status: 'processed',
      });
    });

    it('stops the run on a misconfiguration without marking the object failed', async () => {
      s3Mock.on(GetObjectCommand).rejects(awsError('InvalidAccessKeyId', 403));
      await expect(pipeline().process({ ...object })).rejects.toThrow('it went wrong');
      expect(
        (await ledger.get({ connection: 'acme', bucket: 'src', key: object.key, version: 'e1' }))?.state,
      ).toBe('claimed');
    });

    it('removes the temporary files of an attempt that failed', async () => {
      let inputPath = '';
      const processor: Processor = {
        name: 'needs-a-file',
        async process(input) {
          inputPath = await input.localFile();
          expect(existsSync(inputPath)).toBe(true);
          throw new ProcessorError('the tool rejected the file');
        },
      };
      const outcome = await pipeline({ processor }).process({ ...object });
      expect(outcome).toMatchObject({ status: 'failed', reason: 'the tool rejected the file' });
      expect(inputPath).not.toBe('');
      expect(existsSync(inputPath)).toBe(false);
    });

    it('writes nothing and marks the object failed when the processor fails mid-stream', async () => {
      const processor: Processor = {
        name: 'breaks',
        async process(_input, context) {
          const broken = new Readable({
            read() {
              this.destroy(new ProcessorError('converter crashed'));
            },
          });
          await context.writeOutput({ body: broken });
          return undefined;
        },
      };
      const outcome = await pipeline({ processor }).process({ ...object });
      expect(outcome).toMatchObject({ status: 'failed', reason: 'converter crashed' });
      expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    });
  });
});
