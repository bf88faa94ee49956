/**
 * One connection following its queue: the wiring (the vendor's queue subscribed to the customer's
 * topic, or the customer's own queue), the consumer, the message handler over the connection's
 * pipeline, the optional backfill, periodic statistics, and a graceful stop.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ConfirmSubscriptionCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  type AssumeRoleObserver,
  type ConnectionAccess,
  httpStatusOf,
  LiveTargetError,
  parseArn,
  resolveLiveTarget,
} from '../aws/index.js';
import type { Config, Connection, LiveSettings } from '../config/resolved-config.js';
import { createObjectFilter } from '../core/object-filter.js';
import type { RetryOptions } from '../core/retry.js';
import type { SourceObject } from '../core/source-object.js';
import { ConfigError } from '../errors/index.js';
import type { Logger } from '../observe/logger.js';
import { buildPipeline } from '../pipeline/build-pipeline.js';
import type { ObjectOutcome } from '../pipeline/object-pipeline.js';
import { ObjectWorkerPool, workersFor } from '../pipeline/object-worker-pool.js';
import { sqsMessageQueue } from '../sources/message-queue.js';
import { MalformedMessageError } from '../sources/s3-event-parser.js';
import { defaultFailureBackoffSec, SqsConsumer, type SqsConsumerOptions } from '../sources/sqs-consumer.js';
import type { Ledger } from '../state/ledger.js';
import { startBackfill } from './backfill.js';
import { queueUrlOfArn, redriveTargetOf } from './dead-letter-queue.js';
import { LiveStats, type LiveStatsSnapshot } from './live-stats.js';
import { createMessageHandler } from './message-handler.js';
import { SerialPerKey } from './serial-per-key.js';
import { approximateMessageCount, ensureVendorQueue } from './vendor-queue.js';

/** Consumer settings tests and embedders may tune; the rest comes from `live` settings. */
export type ConsumerTuning = Partial<
  Pick<
    SqsConsumerOptions,
    | 'waitTimeSec'
    | 'prefetch'
    | 'heartbeatIntervalSec'
    | 'failureBackoffSec'
    | 'receiveErrorBackoffMs'
    | 'authErrorBackoffMs'
  >
>;

/** Options of {@link startLiveConnection}. */
export interface LiveConnectionOptions {
  config: Config;
  configPath: string;
  connection: Connection;
  ledger: Ledger;
  logger: Logger;
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** How often the statistics are logged, in milliseconds. Default 60000; 0 turns it off. */
  statsIntervalMs?: number;
  /** Retry settings of the pipeline for transient failures. */
  retry?: RetryOptions | undefined;
  consumer?: ConsumerTuning | undefined;
  /** Called with every object outcome (events and backfill) and how long it took, in seconds. */
  onOutcome?: (outcome: ObjectOutcome, durationSec: number) => void;
  /** Called with what became of each message: deleted, handed back, or handed back for the last time. */
  onMessage?: (outcome: MessageOutcome) => void;
  /** Called when receiving fails (`error`) and when it succeeds again (`undefined`). */
  onQueueHealth?: (error: unknown) => void;
  /** Told of every AssumeRole call of this connection (the main thread's; worker threads' are not told). */
  onAssumeRole?: AssumeRoleObserver | undefined;
  /**
   * Worker threads processing this connection's objects, 1..64; `live.concurrency` is shared
   * between them. 1 processes in this thread. Default 1.
   */
  workers?: number | undefined;
}

/**
 * What became of a message: `deleted` once its objects are settled; `retried` when handed back;
 * `dead_lettered` when handed back at `maxReceiveCount` receives (the redrive policy moves it).
 */
export type MessageOutcome = 'deleted' | 'retried' | 'dead_lettered';

export interface LiveConnection {
  readonly name: string;
  readonly queueUrl: string;
  /** The dead-letter queue, when known (always in sns mode). */
  readonly deadLetterQueueUrl: string | undefined;
  /** Resolves when the backfill listing is finished (at once without `backfill`). */
  readonly backfillDone: Promise<void>;
  stats(): LiveStatsSnapshot;
  /**
   * Stops receiving and listing, lets in-flight work finish for up to `graceMs`, then aborts the
   * rest and makes its messages visible again. Idempotent.
   */
  stop(graceMs: number): Promise<void>;
}

export async function startLiveConnection(options: LiveConnectionOptions): Promise<LiveConnection> {
  const { config, connection, logger } = options;
  const live = connection.live;
  if (live === undefined) throw new RangeError(`connection ${connection.name} is not a live connection`);
  const log = logger.child({ connection: connection.name });
  const built = await buildPipeline({
    config,
    configPath: options.configPath,
    connection,
    ledger: options.ledger,
    logger: log,
    vendorCredentials: options.vendorCredentials,
    // A transient failure hands the message back; its redelivery must be able to claim again.
    retryFailed: true,
    retry: options.retry,
    onAssumeRole: options.onAssumeRole,
  });
  const { access, pipeline } = built;
  // With worker threads the queue, the ledger and the statistics stay here; objects go to them.
  // They start in the background (loading modules on other cores) while the queue is wired and
  // read; the first objects wait for them. Their setup was proven by the pipeline built above.
  const workers = workersFor(connection, options.workers ?? 1);
  const starting =
    workers > 1
      ? ObjectWorkerPool.start({
          config,
          configPath: options.configPath,
          connection,
          ledger: options.ledger,
          owner: pipeline.owner,
          logger: log,
          vendorCredentials: options.vendorCredentials,
          retryFailed: true,
          retry: options.retry,
          workers,
        })
      : undefined;
  // Awaited by every object and at stop; this keeps a failed start from being unhandled meanwhile.
  starting?.catch(() => undefined);
  const objectProcessor = {
    process: async (object: SourceObject, signal: AbortSignal) =>
      starting ? (await starting).process(object, signal) : pipeline.process(object, signal),
  };
  const wiring = await wire(config, options.configPath, connection, live, access, log).catch(
    async (error: unknown) => {
      await starting?.then(
        (pool) => pool.close(),
        () => undefined,
      );
      throw error;
    },
  );
  const { visibilityTimeoutSec } = live;
  log.info({ queueUrl: wiring.queueUrl, mode: live.mode }, 'queue ready');

  const serial = new SerialPerKey();
  const process = async (object: SourceObject, signal: AbortSignal) => {
    let startedMs = 0;
    const outcome = await serial.run(`${object.bucket}/${object.key}`, () => {
      startedMs = performance.now();
      return objectProcessor.process(object, signal);
    });
    options.onOutcome?.(outcome, (performance.now() - startedMs) / 1000);
    return outcome;
  };
  let consumer: SqsConsumer | undefined;
  const stats = new LiveStats(connection.name, wiring.queueUrl, {
    inFlight: () => consumer?.inFlightCount ?? 0,
    oldestMessageAgeSec: () => consumer?.oldestMessageAgeSec() ?? 0,
  });
  const handler = createMessageHandler({
    bucket: connection.source.bucket,
    // An event is judged when it is handled: a backlog's old events age out of ignoreOlderThan.
    filter: createObjectFilter(connection.source, { now: Date.now }),
    includeRemoved: live.includeRemoved,
    topicArn: wiring.topicArn,
    process,
    currentVersion: async (bucket, key, signal) =>
      currentVersionOf(await access.s3ForBucket(bucket), bucket, key, signal),
    recordGone: async (object, reason) => {
      const key = await pipeline.ledgerKeyOf(object);
      const claim = await options.ledger.claim(key, {
        owner: pipeline.owner,
        leaseMs: 60_000,
        retryFailed: true,
      });
      if (claim.outcome === 'claimed') await options.ledger.markFailed(key, pipeline.owner, reason, 1);
    },
    confirmSubscription: async (topicArn, token) => {
      const sns = access.vendorClient(SNSClient, parseArn(topicArn)?.region || undefined);
      await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }));
    },
    log,
    stats,
  });
  const backoff = options.consumer?.failureBackoffSec ?? defaultFailureBackoffSec;
  consumer = new SqsConsumer({
    queue: sqsMessageQueue(wiring.sqs),
    queueUrl: wiring.queueUrl,
    handleMessage: handler,
    concurrency: live.concurrency,
    visibilityTimeoutSec,
    ...options.consumer,
    // A body no attempt will understand goes back at once: the redrive policy, not our backoff,
    // decides when it has been tried enough.
    failureBackoffSec: (receiveCount, error) =>
      error instanceof MalformedMessageError ? 0 : backoff(receiveCount, error),
    events: {
      received: (count) => stats.received(count),
      receiveSucceeded: () => options.onQueueHealth?.(undefined),
      processed: () => options.onMessage?.('deleted'),
      failed: (message, error) => {
        const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
        options.onMessage?.(receiveCount >= live.maxReceiveCount ? 'dead_lettered' : 'retried');
        stats.error(error);
        if (!(error instanceof MalformedMessageError)) {
          log.debug({ messageId: message.MessageId, err: error }, 'message failed');
        }
      },
      receiveError: (error, pauseMs) => {
        options.onQueueHealth?.(error);
        stats.error(error);
        log.warn({ err: error, pauseMs }, 'receiving from the queue failed; pausing');
      },
      deleteError: (message, code) =>
        log.warn({ messageId: message.MessageId, code }, 'could not delete a message'),
    },
  });
  consumer.start();
  log.info({ queueUrl: wiring.queueUrl }, 'following the queue');

  // Listing starts only now that the queue is subscribed and read: whatever is uploaded from here
  // on has an event, whatever was there before is listed; the ledger absorbs the overlap.
  const backfill = live.backfill
    ? startBackfill({
        s3: await access.s3ForBucket(connection.source.bucket),
        connection,
        process,
        log,
        onOutcome: (outcome) => stats.object(outcome.status === 'processed' ? 'processed' : outcome.status),
      })
    : undefined;

  const refreshDeadLetters = async () => {
    if (wiring.deadLetterQueueUrl !== undefined) {
      stats.setDeadLettered(await approximateMessageCount(wiring.sqs, wiring.deadLetterQueueUrl));
    }
  };
  const intervalMs = options.statsIntervalMs ?? 60_000;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          void refreshDeadLetters().then(() => log.info({ stats: stats.snapshot() }, 'live statistics'));
        }, intervalMs)
      : undefined;
  timer?.unref();

  let stopping: Promise<void> | undefined;
  return {
    name: connection.name,
    queueUrl: wiring.queueUrl,
    deadLetterQueueUrl: wiring.deadLetterQueueUrl,
    backfillDone: backfill?.done ?? Promise.resolve(),
    stats: () => stats.snapshot(),
    stop(graceMs) {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        await Promise.all([consumer.stop(graceMs), backfill?.stop(graceMs)]);
        await refreshDeadLetters();
        log.info({ stats: stats.snapshot() }, 'stopped following the queue');
        await starting?.then(
          (pool) => pool.close(),
          () => undefined,
        );
        await built.close();
      })();
      return stopping;
    },
  };
}

/**
 * HEAD of the object's current version, or undefined when it is gone. Without s3:ListBucket on the
 * whole bucket (onboarding grants it under the prefix only) S3 answers a missing key with 403, not
 * 404; a listing of exactly that key, which the prefix grant allows, tells the two apart.
 */
async function currentVersionOf(s3: S3Client, bucket: string, key: string, signal: AbortSignal) {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return { etag: head.ETag, versionId: head.VersionId };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) return undefined;
    if (status !== 403) throw error;
    const listed = await s3
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }), { abortSignal: signal })
      .catch(() => undefined);
    if (listed !== undefined && listed.Contents?.[0]?.Key !== key) return undefined;
    throw error;
  }
}

interface Wiring {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string | undefined;
  topicArn: string | undefined;
}

async function wire(
  config: Config,
  configPath: string,
  connection: Connection,
  live: LiveSettings,
  access: ConnectionAccess,
  log: Logger,
): Promise<Wiring> {
  const target = liveTargetOf(config, configPath, connection);
  if (target?.mode === 'sqs') {
    // The customer's queue, read through the assumed role.
    const { queueUrl } = target;
    const sqs = access.client(SQSClient, target.region);
    return { sqs, queueUrl, deadLetterQueueUrl: await deadLetterQueueOf(sqs, queueUrl), topicArn: undefined };
  }
  if (target === undefined) throw new RangeError(`connection ${connection.name} is not a live connection`);
  const { topicArn } = target;
  const sqs = access.vendorClient(SQSClient);
  const queue = await ensureVendorQueue({
    connection: connection.name,
    sqs,
    sns: access.vendorClient(SNSClient, target.region),
    topicArn,
    queueName: target.vendorQueueName,
    maxReceiveCount: live.maxReceiveCount,
    visibilityTimeoutSec: live.visibilityTimeoutSec,
    rawMessageDelivery: live.rawMessageDelivery,
  });
  if (queue.rawMessageDeliveryError !== undefined) {
    log.warn(
      { subscriptionArn: queue.subscriptionArn, reason: queue.rawMessageDeliveryError },
      'could not set RawMessageDelivery on the subscription; both delivery modes are understood',
    );
  }
  return { sqs, queueUrl: queue.queueUrl, deadLetterQueueUrl: queue.deadLetterQueueUrl, topicArn };
}

/** The connection's live target; a setting that cannot name one is a configuration error (exit 2). */
function liveTargetOf(config: Config, configPath: string, connection: Connection) {
  try {
    return resolveLiveTarget(config, connection);
  } catch (error) {
    if (!(error instanceof LiveTargetError)) throw error;
    const index = config.connections.findIndex((c) => c.name === connection.name);
    throw new ConfigError(
      [
        {
          file: configPath,
          path: `connections[${index}].${error.keyPath}`,
          expected: error.expected,
          found: error.found,
        },
      ],
      { cause: error },
    );
  }
}

/** The customer queue's dead-letter queue, when its redrive policy names one we may read. */
async function deadLetterQueueOf(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  try {
    const arn = await redriveTargetOf(sqs, queueUrl);
    return arn === undefined ? undefined : await queueUrlOfArn(sqs, arn);
  } catch {
    return undefined;
  }
}
