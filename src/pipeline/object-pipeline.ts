/**
 * The object pipeline: what happens to one object, whichever workflow found it. Batch (a bucket
 * listing) and live (queue events) both call `process(object)`; it claims the object in the ledger,
 * runs the processor with retries, and records the result only once every output is durable.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsErrorCode } from '../aws/index.js';
import type { Connection } from '../config/resolved-config.js';
import { backoffDelayMs, DEFAULT_RETRY, type RetryOptions, sleepMs } from '../core/retry.js';
import { ledgerVersionOf, type SourceObject, unquoteEtag } from '../core/source-object.js';
import type { ObjectFailureKind } from '../errors/index.js';
import type { Processor, ProcessorContext, ProcessorLog, WrittenOutput } from '../processors/processor.js';
import type { Ledger, LedgerKey, LedgerOwner } from '../state/ledger.js';
import { LedgerClaimLostError } from '../state/ledger-claim-lost-error.js';
import { abortAbandonedUploads } from './abort-abandoned-uploads.js';
import { classifyFailure, describeFailure, isChangedSinceListed } from './classify-failure.js';
import { assertStorableKey, keyParts, renderOutputKey } from './key-template.js';
import { AttemptScratch, createProcessorInput } from './object-reader.js';
import { type DestinationSettings, sourceMetadata, uploadStream } from './output-writer.js';
import { copiesInOneRequest, serverSideCopy } from './server-side-copy.js';

/** Options of the object pipeline. */
export interface ObjectPipelineOptions {
  /** The connection: its name keys the ledger; source prefix and destination settings shape outputs. */
  connection: Pick<Connection, 'name' | 'source' | 'destination'>;
  /** An S3 client for a bucket (in its region), e.g. `ConnectionAccess.s3ForBucket`. */
  s3ForBucket: (bucket: string) => Promise<S3Client>;
  processor: Processor;
  ledger: Ledger;
  /** This run's identity in the ledger. Default: a new UUID, this host and process. */
  owner?: LedgerOwner;
  /** Whether the same credentials read the source and write the destination (server-side copy). Default true. */
  serverSideCopy?: boolean;
  /** Attempts and backoff for transient failures. */
  retry?: RetryOptions;
  /** Ledger lease of a claim, in milliseconds, renewed every third of it while work runs. Default 600000. */
  leaseMs?: number;
  /** Process objects whose earlier attempt failed. Default false. */
  retryFailed?: boolean;
  log?: ProcessorLog;
  /** Where temporary files go. Default: the OS temporary directory. */
  tempRoot?: string;
  /** For tests: how to wait between attempts, and the jitter source. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/**
 * Why an object was not processed: a run already did it, an earlier failure is not retried without
 * `--retry-failed`, another run holds it, or it changed after it was listed (the version listed no
 * longer exists; the new one has its own listing entry or event).
 */
export type SkipReason = 'done' | 'failed-earlier' | 'in-progress-elsewhere' | 'changed-since-listed';

/** What became of one object. */
export type ObjectOutcome =
  | {
      status: 'processed';
      object: SourceObject;
      attempts: number;
      bytesIn: number;
      bytesOut: number;
      outputs: WrittenOutput[];
      details?: Record<string, unknown>;
    }
  | { status: 'skipped'; object: SourceObject; reason: SkipReason }
  | {
      status: 'failed';
      object: SourceObject;
      attempts: number;
      reason: string;
      /**
       * Why it failed, decided where the failure was caught: `transient` (it ran out of attempts;
       * another try later may succeed) or `permanent` (it will not). A misconfiguration is never an
       * outcome: it stops the run. Callers decide on this, never on `reason`'s text.
       */
      kind: ObjectFailureKind;
      /** The AWS error code, when the failure came from AWS. */
      code?: string;
    };

/** A failed outcome of `kind`, with the AWS error code of `error` when it has one. */
export function failedOutcome(
  object: SourceObject,
  attempts: number,
  kind: ObjectFailureKind,
  reason: string,
  error: unknown,
): Extract<ObjectOutcome, { status: 'failed' }> {
  const code = awsErrorCode(error);
  return { status: 'failed', object, attempts, reason, kind, ...(code === undefined ? {} : { code }) };
}

const silentLog: ProcessorLog = { debug() {}, info() {}, warn() {} };

export class ObjectPipeline {
  readonly owner: LedgerOwner;
  private readonly options: ObjectPipelineOptions;
  private readonly retry: Required<RetryOptions>;
  private readonly leaseMs: number;
  private readonly log: ProcessorLog;

  constructor(options: ObjectPipelineOptions) {
    this.options = options;
    this.owner = options.owner ?? { runId: randomUUID(), host: hostname(), pid: process.pid };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.leaseMs = options.leaseMs ?? 600_000;
    this.log = options.log ?? silentLog;
  }

  /** The output key the connection's template gives for a source key (throws OutputKeyError). */
  outputKeyFor(key: string): string {
    const { source, destination } = this.options.connection;
    return renderOutputKey(key, {
      template: destination.keyTemplate,
      sourcePrefix: source.prefix,
      destinationPrefix: destination.prefix,
    });
  }

  /** The ledger key of an object, asking S3 for its ETag when the caller did not know it. */
  async ledgerKeyOf(object: SourceObject, signal?: AbortSignal): Promise<LedgerKey> {
    let version = ledgerVersionOf(object);
    if (version === undefined) {
      const s3 = await this.options.s3ForBucket(object.bucket);
      const head = await s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }), {
        abortSignal: signal,
      });
      object.etag = unquoteEtag(head.ETag);
      object.size ??= head.ContentLength;
      version = object.etag ?? 'unknown';
    }
    return { connection: this.options.connection.name, bucket: object.bucket, key: object.key, version };
  }

  /**
   * Processes one object: claim, process with retries, record. Resolves with the outcome; rejects
   * only when the run must stop (a misconfiguration, or `signal` aborted), leaving the claim to
   * be taken over by the next run.
   */
  async process(object: SourceObject, signal?: AbortSignal): Promise<ObjectOutcome> {
    let ledgerKey: LedgerKey;
    try {
      ledgerKey = await this.ledgerKeyOf(object, signal);
    } catch (error) {
      if (classifyFailure(error) !== 'permanent' || signal?.aborted) throw error;
      return failedOutcome(object, 1, 'permanent', describeFailure(error), error);
    }
    const claim = await this.options.ledger.claim(ledgerKey, {
      owner: this.owner,
      leaseMs: this.leaseMs,
      retryFailed: this.options.retryFailed ?? false,
    });
    if (claim.outcome !== 'claimed') {
      const reason: SkipReason = claim.outcome === 'failed' ? 'failed-earlier' : claim.outcome;
      return { status: 'skipped', object, reason };
    }
    const work = new AbortController();
    const onRunAbort = () => work.abort(signal?.reason);
    signal?.addEventListener('abort', onRunAbort, { once: true });
    const heartbeat = setInterval(() => {
      this.options.ledger.renew(ledgerKey, this.owner, this.leaseMs).then(
        (held) => {
          if (!held) work.abort(new LedgerClaimLostError(ledgerKey, this.owner));
        },
        (error: unknown) =>
          this.log.warn({ err: error, key: object.key }, 'could not renew the ledger lease'),
      );
    }, this.leaseMs / 3);
    heartbeat.unref();
    try {
      if (claim.abandonedOutputs.length > 0) await this.abortAbandoned(claim.abandonedOutputs, work.signal);
      return await this.attemptUntilSettled(object, ledgerKey, work.signal);
    } finally {
      clearInterval(heartbeat);
      signal?.removeEventListener('abort', onRunAbort);
    }
  }

  private async abortAbandoned(
    outputs: Array<{ bucket: string; key: string }>,
    signal: AbortSignal,
  ): Promise<void> {
    const takenOverAt = new Date();
    for (const output of outputs) {
      const s3 = await this.options.s3ForBucket(output.bucket);
      try {
        const aborted = await abortAbandonedUploads(s3, output, takenOverAt, signal);
        if (aborted > 0) this.log.info({ ...output, aborted }, 'aborted incomplete uploads of a crashed run');
      } catch (error) {
        // The least-privilege role may not list multipart uploads. An incomplete upload is never
        // visible as an object, so the output is still written whole or not at all; what is lost
        // is only the clean-up, which a lifecycle rule (AbortIncompleteMultipartUpload) does too.
        if (classifyFailure(error) !== 'permanent' || signal.aborted) throw error;
        this.log.warn(
          { ...output, reason: describeFailure(error) },
          'could not clean up incomplete uploads of a crashed run; a bucket lifecycle rule AbortIncompleteMultipartUpload removes them',
        );
      }
    }
  }

  private async attemptUntilSettled(
    object: SourceObject,
    ledgerKey: LedgerKey,
    signal: AbortSignal,
  ): Promise<ObjectOutcome> {
    const { ledger } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.attempt(object, ledgerKey, signal);
        await ledger.markDone(ledgerKey, this.owner, {
          outputs: result.outputs,
          bytesIn: result.bytesIn,
          bytesOut: result.bytesOut,
          attempts: attempt,
        });
        return { status: 'processed', object, attempts: attempt, ...result };
      } catch (error) {
        // Stopping the run is not a failure of the object: its claim is taken over by the next run.
        if (signal.aborted && !(signal.reason instanceof LedgerClaimLostError)) throw error;
        const failure = signal.reason instanceof LedgerClaimLostError ? signal.reason : error;
        if (isChangedSinceListed(failure)) {
          await ledger.release(ledgerKey, this.owner);
          this.log.info(
            { key: object.key, etag: object.etag },
            'skipped: the object changed after it was listed',
          );
          return { status: 'skipped', object, reason: 'changed-since-listed' };
        }
        const kind = classifyFailure(failure);
        if (kind === 'misconfiguration') throw failure;
        const reason = describeFailure(failure);
        if (kind === 'transient' && attempt < this.retry.maxAttempts) {
          const delayMs = backoffDelayMs(attempt, this.retry, this.options.random);
          this.log.debug({ key: object.key, attempt, delayMs, reason }, 'retrying after a transient failure');
          await (this.options.sleep ?? sleepMs)(delayMs, signal);
          continue;
        }
        const final = kind === 'transient' ? `${reason} (gave up after ${attempt} attempts)` : reason;
        if (!(failure instanceof LedgerClaimLostError)) {
          await ledger.markFailed(ledgerKey, this.owner, final, attempt);
        }
        return failedOutcome(object, attempt, kind, final, failure);
      }
    }
  }

  private async attempt(object: SourceObject, ledgerKey: LedgerKey, signal: AbortSignal) {
    const { connection, ledger, processor } = this.options;
    const { destination } = connection;
    const scratch = new AttemptScratch(this.options.tempRoot);
    const outputs: WrittenOutput[] = [];
    let bytesIn = 0;
    let sourceContentType: string | undefined;
    const sourceS3 = await this.options.s3ForBucket(object.bucket);
    const destinationS3 = await this.options.s3ForBucket(destination.bucket);
    const outputKey = this.outputKeyFor(object.key);
    const processorObject = {
      bucket: object.bucket,
      key: object.key,
      relativeKey: keyParts(object.key, connection.source.prefix).relkey,
      ...(object.etag === undefined ? {} : { etag: object.etag }),
      ...(object.size === undefined ? {} : { size: object.size }),
      ...(object.lastModified === undefined ? {} : { lastModified: object.lastModified }),
    };
    const metadata = sourceMetadata(object.key, object.etag);
    const settings: DestinationSettings = destination;
    const input = createProcessorInput({
      s3: sourceS3,
      object: processorObject,
      scratch,
      signal,
      onBytes: (bytes) => {
        bytesIn += bytes;
      },
      onOpened: (opened) => {
        sourceContentType ??= opened.contentType;
      },
    });
    const prepareOutput = async (key: string | undefined, atomicWrite = false) => {
      const target = key ?? outputKey;
      if (key !== undefined) assertStorableKey(key, object.key);
      // Noted so that a crash mid-upload leaves the next run a multipart upload to abort; a write
      // in one request is whole or absent, so there is nothing to note.
      if (!atomicWrite) {
        await ledger.notePendingOutput(ledgerKey, this.owner, { bucket: destination.bucket, key: target });
      }
      return target;
    };
    const context: ProcessorContext = {
      connection: connection.name,
      destinationBucket: destination.bucket,
      outputKey,
      signal,
      log: this.log,
      tempDir: () => scratch.path(),
      writeOutput: async (request) => {
        const key = await prepareOutput(request.key);
        const bytes = await uploadStream({
          s3: destinationS3,
          bucket: destination.bucket,
          key,
          body: request.body,
          contentType: request.contentType ?? sourceContentType ?? 'application/octet-stream',
          ...(request.contentEncoding === undefined ? {} : { contentEncoding: request.contentEncoding }),
          metadata: { ...request.metadata, ...metadata },
          destination: settings,
          signal,
          expectedBytes: request.expectedBytes ?? object.size,
        });
        const written = { bucket: destination.bucket, key, bytes };
        outputs.push(written);
        return written;
      },
      copyInput: async (key) => {
        if (this.options.serverSideCopy === false) return undefined;
        const target = await prepareOutput(key, copiesInOneRequest(processorObject));
        const bytes = await serverSideCopy({
          s3: destinationS3,
          source: processorObject,
          destination: { bucket: destination.bucket, key: target },
          settings,
          signal,
        });
        bytesIn += bytes;
        const written = { bucket: destination.bucket, key: target, bytes };
        outputs.push(written);
        return written;
      },
    };
    try {
      const result = await processor.process(input, context);
      const bytesOut = outputs.reduce((sum, output) => sum + output.bytes, 0);
      return { outputs, bytesIn, bytesOut, ...(result?.details ? { details: result.details } : {}) };
    } finally {
      await scratch.dispose();
    }
  }
}
