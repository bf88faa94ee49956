/**
 * Builds the object pipeline of one connection: credentials (ConnectionAccess) → processor →
 * pipeline over a given ledger. The batch run (dry run included) and the live run both build it
 * here, so the two workflows process objects through one construction, not copies of it.
 */
import { dirname, resolve } from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type AssumeRoleObserver, type ConnectionAccess, createConnectionAccess } from '../aws/index.js';
import type { Config, Connection } from '../config/resolved-config.js';
import type { RetryOptions } from '../core/retry.js';
import type { Logger } from '../observe/logger.js';
import { createProcessor } from '../processors/create-processor.js';
import type { Processor } from '../processors/processor.js';
import type { Ledger, LedgerOwner } from '../state/ledger.js';
import { ObjectPipeline } from './object-pipeline.js';

/** Options of {@link buildPipeline}. */
export interface BuildPipelineOptions {
  /** The loaded configuration (its `aws` settings reach every client). */
  config: Config;
  /** Path of the configuration file; processor paths are relative to its directory. */
  configPath: string;
  connection: Connection;
  /** The ledger, shared by every connection of the process. */
  ledger: Ledger;
  /** This run's identity in the ledger. Default: a new one (see ObjectPipeline). */
  owner?: LedgerOwner | undefined;
  logger?: Logger | undefined;
  /** The vendor's own credentials. Default: the AWS SDK's default chain. */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** Process objects whose earlier attempt failed. Default false. */
  retryFailed?: boolean;
  /** Retry settings for transient failures. Default: the pipeline's. */
  retry?: RetryOptions | undefined;
  /**
   * Build for a dry run: no processor is created (a dry run asks only for output keys and ledger
   * keys, so no program is looked up and no module is loaded). Default false.
   */
  dryRun?: boolean;
  /** Ledger lease of a claim, in milliseconds. Default: the pipeline's (10 minutes). */
  leaseMs?: number | undefined;
  /** Told of every AssumeRole call of this connection. */
  onAssumeRole?: AssumeRoleObserver | undefined;
}

/** A connection's pipeline with what it was built from; `close()` releases the processor. */
export interface BuiltPipeline {
  access: ConnectionAccess;
  processor: Processor;
  pipeline: ObjectPipeline;
  close(): Promise<void>;
}

export async function buildPipeline(options: BuildPipelineOptions): Promise<BuiltPipeline> {
  const { config, connection, logger } = options;
  const access = createConnectionAccess({
    config,
    connection,
    logger,
    vendorCredentials: options.vendorCredentials,
    onAssumeRole: options.onAssumeRole,
  });
  const log = logger ?? { debug() {}, info() {}, warn() {} };
  const processor: Processor = options.dryRun
    ? { name: 'dry-run', process: () => Promise.reject(new Error('a dry run processes nothing')) }
    : await createProcessor(connection.processor, { configDir: dirname(resolve(options.configPath)), log });
  const pipeline = new ObjectPipeline({
    connection,
    s3ForBucket: (bucket) => access.s3ForBucket(bucket),
    processor,
    ledger: options.ledger,
    ...(options.owner ? { owner: options.owner } : {}),
    retryFailed: options.retryFailed ?? false,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(logger ? { log: logger } : {}),
  });
  return {
    access,
    processor,
    pipeline,
    close: async () => {
      await processor.close?.();
    },
  };
}
