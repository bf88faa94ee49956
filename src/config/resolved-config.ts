/**
 * The configuration as the rest of bucketbridge reads it: resolved once, when it is loaded.
 * Durations are numbers whose names carry their unit (`stsCredsExpirationSec`,
 * `visibilityTimeoutSec`, `timeoutMs`), and every default that depends on another key is applied
 * here (a connection's `region`, its `sessionName`, the `live` block of a live connection), so
 * nothing downstream parses a duration or falls back to a default of its own.
 *
 * The file's keys keep the names users write (`stsCredsExpirationTime: 1h`); only this module
 * maps them to the resolved names.
 */
import { parseDurationMs } from './duration.js';
import { parseRetentionMs } from './retention.js';
import {
  type ConfigFile,
  type ConnectionFile,
  configSchema,
  connectionSchema,
  type LiveSettingsFile,
  type ProcessorSettingsFile,
} from './schema.js';

/** The `live` settings of a live connection, defaults applied. */
export interface LiveSettings extends Omit<LiveSettingsFile, 'visibilityTimeout'> {
  /** SQS visibility timeout asked for at each receive and extension, in seconds (from `live.visibilityTimeout`, default 5m). */
  visibilityTimeoutSec: number;
}

type WithTimeoutMs<T> = T extends { timeout: unknown }
  ? Omit<T, 'timeout'> & {
      /** How long one run of the program may take, in milliseconds (from `processor.timeout`). */
      timeoutMs: number;
    }
  : T;

/** A connection's processor settings, defaults applied; `exec` and `video` carry `timeoutMs`. */
export type ProcessorSettings = WithTimeoutMs<ProcessorSettingsFile>;

/** A connection's `source` block, resolved. */
export interface SourceSettings extends Omit<ConnectionFile['source'], 'ignoreOlderThan'> {
  /** Skip objects last modified longer ago than this, in milliseconds (from `source.ignoreOlderThan`). */
  ignoreOlderThanMs?: number | undefined;
}

/** One customer integration, resolved. */
export interface Connection
  extends Omit<
    ConnectionFile,
    'region' | 'stsCredsExpirationTime' | 'sessionName' | 'live' | 'processor' | 'source'
  > {
  source: SourceSettings;
  /** The customer's region (buckets, topic, stack): `connections[].region`, default `aws.region`. */
  region: string;
  /** STS session duration asked for on every hop, in seconds (from `stsCredsExpirationTime`, default 1h). */
  stsCredsExpirationSec: number;
  /** RoleSessionName on every hop: `sessionName`, default `bucketbridge-<name>`. */
  sessionName: string;
  /** Present exactly when `workflow` is `live`, defaults applied. */
  live?: LiveSettings | undefined;
  processor: ProcessorSettings;
}

/** What `ledger.retention` asks `bucketbridge run` to remove once a day. */
export interface LedgerRetention {
  /** Entries finished longer ago than this are removed, in milliseconds (from `ledger.retention`). */
  olderThanMs: number;
  /** Batch connections' entries too (`ledger.retentionIncludesBatch`, default false). */
  includeBatch: boolean;
}

/** The `service` block, resolved. */
export interface ServiceSettings extends Omit<ConfigFile['service'], 'verifyEvery'> {
  /** How often `run` re-runs verify's checks per connection, in milliseconds (from `service.verifyEvery`, default 6h); 0: never. */
  verifyEveryMs: number;
}

/** A configuration, resolved: what every command and library function reads. */
export interface Config extends Omit<ConfigFile, 'connections' | 'service' | 'ledger'> {
  service: ServiceSettings;
  /** The ledger's location, `sqlite:PATH` or `postgres://...` (the string form, or `ledger.url`). */
  ledger: string;
  /** Absent when `ledger.retention` is not set: entries are kept forever. */
  ledgerRetention?: LedgerRetention | undefined;
  connections: Connection[];
}

/** `bucketbridge-<connection>`, trimmed to the 64 characters and the alphabet STS accepts. */
export function defaultSessionName(connectionName: string): string {
  return `bucketbridge-${connectionName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** A duration the schema has validated, in milliseconds. */
function durationMs(value: string | number, key: string): number {
  return validated(parseDurationMs(value), key, value);
}

function validated(ms: number | undefined, key: string, value: string | number): number {
  // The schema accepts only durations; reaching this means a caller skipped validation.
  if (ms === undefined) throw new RangeError(`${key}: ${JSON.stringify(value)} is not a duration`);
  return ms;
}

function resolveProcessor(processor: ProcessorSettingsFile): ProcessorSettings {
  if (processor.type === 'exec' || processor.type === 'video') {
    const { timeout, ...rest } = processor;
    return { ...rest, timeoutMs: durationMs(timeout, 'processor.timeout') } as ProcessorSettings;
  }
  return processor as ProcessorSettings;
}

function resolveLive(live: LiveSettingsFile | undefined): LiveSettings {
  const { visibilityTimeout, ...rest } = live ?? connectionSchema.shape.live.unwrap().parse({});
  return { ...rest, visibilityTimeoutSec: durationMs(visibilityTimeout, 'live.visibilityTimeout') / 1000 };
}

/** One connection of a validated file, resolved against the file's `aws` settings. */
export function resolveConnection(connection: ConnectionFile, aws: { region: string }): Connection {
  const { region, stsCredsExpirationTime, sessionName, live, processor, source, ...rest } = connection;
  const { ignoreOlderThan, ...sourceRest } = source;
  return {
    ...rest,
    source: {
      ...sourceRest,
      ...(ignoreOlderThan === undefined
        ? {}
        : { ignoreOlderThanMs: durationMs(ignoreOlderThan, 'source.ignoreOlderThan') }),
    },
    region: region ?? aws.region,
    stsCredsExpirationSec: durationMs(stsCredsExpirationTime, 'stsCredsExpirationTime') / 1000,
    sessionName: sessionName ?? defaultSessionName(connection.name),
    ...(connection.workflow === 'live' ? { live: resolveLive(live) } : {}),
    processor: resolveProcessor(processor),
  };
}

/**
 * Resolves a validated configuration (schema defaults and environment overrides applied). Called
 * by the loader; the cross-field rules have already passed.
 */
export function resolveConfig(file: ConfigFile): Config {
  const { ledger, service: serviceFile, ...rest } = file;
  const { verifyEvery, ...service } = serviceFile;
  const retention = typeof ledger === 'string' ? undefined : ledger.retention;
  return {
    ...rest,
    service: { ...service, verifyEveryMs: durationMs(verifyEvery, 'service.verifyEvery') },
    ledger: typeof ledger === 'string' ? ledger : ledger.url,
    ...(retention === undefined || typeof ledger === 'string'
      ? {}
      : {
          ledgerRetention: {
            olderThanMs: validated(parseRetentionMs(retention), 'ledger.retention', retention),
            includeBatch: ledger.retentionIncludesBatch,
          },
        }),
    connections: file.connections.map((c) => resolveConnection(c, file.aws)),
  };
}

/**
 * Validates plain data against the schema (throwing zod's error) and resolves it, without the
 * file's located errors: for configurations built in code (tests, the demo, embedders).
 */
export function parseConfig(input: unknown): Config {
  return resolveConfig(configSchema.parse(input));
}
