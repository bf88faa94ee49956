/**
 * The sandbox: one HTTP server on 127.0.0.1 speaking S3, STS, IAM, KMS, SNS and SQS over their real
 * wire protocols, with SigV4, IAM-style authorization, optional persistence and fault injection.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SandboxCredentialStore,
  type SessionLifetimeOptions,
  sandboxAccount,
} from './auth/credential-store.js';
import { createAuthorizer } from './authz/authorizer.js';
import { createCloudFormationService } from './cloudformation/cloudformation-service.js';
import { ADMIN_PREFIX, type AdminTarget, handleAdmin } from './core/admin-endpoint.js';
import { createCrossServiceHooks, type ServiceRegistry } from './core/cross-service-hooks.js';
import { createRequestHandler } from './core/request-handler.js';
import { StateStore } from './core/state-store.js';
import type { SandboxAccount, SandboxContext, Service, ServiceName } from './core/types.js';
import { FaultInjector } from './faults/fault-injector.js';
import { createIamService } from './iam/iam-service.js';
import { createKmsService } from './kms/kms-service.js';
import { createS3Service } from './s3/s3-service.js';
import { createSnsService, SIGNING_CERT_PATH, type SnsService } from './sns/sns-service.js';
import { createSqsService } from './sqs/sqs-service.js';
import { createStsService } from './sts/sts-service.js';

/** The two accounts every sandbox has: the vendor runs the service, the customer owns the buckets. */
export const BUILT_IN_ACCOUNTS: ReadonlyArray<{ name: string; id: string }> = [
  { name: 'vendor', id: '111111111111' },
  { name: 'customer', id: '222222222222' },
];

export interface SandboxOptions extends SessionLifetimeOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Always loopback: the sandbox never listens on other interfaces. */
  host?: '127.0.0.1';
  /** Keep state across restarts in this directory (default: memory only). */
  stateDir?: string;
  /** Fault rules in the `--faults` grammar (docs/sandbox.md). Default: none. */
  faults?: string;
  /** Accounts besides vendor and customer: 12-digit ids with unique names. */
  accounts?: ReadonlyArray<{ name: string; id: string }>;
  /** Seed for fault decisions when the spec has no `seed=`. Default 0. */
  seed?: number;
  /** The region the sandbox reports. Default `us-east-1`. */
  region?: string;
  /** The clock every part uses (tests of expiry). Default: the system clock. */
  now?: () => Date;
  /** Where unexpected errors are reported. Default: one line on stderr. */
  onError?: (error: unknown) => void;
  /**
   * Replaces (or adds) a service with one built by this factory, for tests of the core that
   * need a stand-in consumer (e.g. an S3 double that hashes the body it receives).
   */
  services?: Partial<Record<ServiceName, (context: SandboxContext) => Service>>;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  region: string;
  accounts: SandboxAccount[];
  /** Replaces the fault rules (throws FaultSpecError on a bad spec; the old rules stay). */
  setFaults(spec: string): void;
  faults(): string;
  /** Requests served per `service:Operation` (e.g. `s3:CopyObject`); `reset` starts counting again. */
  requestCounts(reset?: boolean): Record<string, number>;
  /** The credential store (in-process tests issue sessions with it). */
  credentials: SandboxCredentialStore;
  /** Stops listening, closes connections, and writes the state (with --state). */
  close(): Promise<void>;
}

/** Thrown for options the sandbox cannot start with; the message names the option and the fix. */
export class SandboxOptionsError extends Error {
  override readonly name = 'SandboxOptionsError';
}

export function resolveAccounts(extra: ReadonlyArray<{ name: string; id: string }> = []): SandboxAccount[] {
  const all = [...BUILT_IN_ACCOUNTS, ...extra];
  const names = new Set<string>();
  const ids = new Set<string>();
  for (const { name, id } of all) {
    if (!/^\d{12}$/.test(id))
      throw new SandboxOptionsError(`account "${name}" needs a 12-digit id, got "${id}"`);
    if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
      throw new SandboxOptionsError(`account name "${name}" may only contain letters, digits, "-" and "_"`);
    }
    if (names.has(name)) throw new SandboxOptionsError(`account name "${name}" is used twice`);
    if (ids.has(id)) throw new SandboxOptionsError(`account id ${id} is used twice`);
    names.add(name);
    ids.add(id);
  }
  return all.map(({ name, id }) => sandboxAccount(name, id));
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? (() => new Date());
  const onError =
    options.onError ??
    ((error: unknown) => process.stderr.write(`sandbox: ${String((error as Error)?.stack ?? error)}\n`));
  const accounts = resolveAccounts(options.accounts);
  const faults = new FaultInjector(options.faults ?? '', options.seed ?? 0);
  const state = options.stateDir ? new StateStore(options.stateDir, { onError }) : undefined;
  const credentials = new SandboxCredentialStore(accounts, now, options, () =>
    state?.markDirty('credentials'),
  );
  if (state) state.register('credentials', credentials);

  const registry: ServiceRegistry = { changed: (service) => state?.markDirty(service) };
  const hooks = createCrossServiceHooks(registry);
  let endpoint = '';
  const context: SandboxContext = {
    defaultRegion: region,
    endpoint: () => endpoint,
    accounts,
    credentials,
    authz: createAuthorizer(hooks, { now }),
    hooks,
    now,
    stateDir: options.stateDir,
  };
  const services = createServices(context, registry);
  for (const [name, factory] of Object.entries(options.services ?? {})) {
    if (factory) services.set(name as ServiceName, factory(context));
  }
  if (state) {
    for (const [name, service] of services) {
      if (service.snapshot && service.restore) {
        state.register(name, {
          snapshot: () => service.snapshot!(),
          restore: (data) => service.restore!(data),
        });
      }
    }
  }

  const handler = createRequestHandler({
    services,
    credentials,
    faults,
    now,
    changed: (service, method) => {
      if (method !== 'GET' && method !== 'HEAD') state?.markDirty(service);
    },
    onInternalError: (error) => onError(error),
  });
  const sns = services.get('sns') as SnsService | undefined;
  const admin: AdminTarget = {
    setFaults: (spec: string) => faults.set(spec),
    faults: () => faults.current(),
    requestCounts: (reset?: boolean) => faults.requestCounts(reset),
    files: sns?.signingCertificatePem
      ? {
          [SIGNING_CERT_PATH]: {
            contentType: 'application/x-pem-file',
            body: () => sns.signingCertificatePem(),
          },
        }
      : {},
  };
  const server: Server = createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
    const work = req.url?.startsWith(ADMIN_PREFIX) ? handleAdmin(req, res, admin) : handler(req, res);
    work.catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    region,
    accounts,
    setFaults: admin.setFaults,
    faults: admin.faults,
    requestCounts: admin.requestCounts,
    credentials,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; then every connection goes.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }).then(() => {
        for (const service of services.values()) (service as { close?: () => void }).close?.();
        state?.flushAll();
      });
      return closing;
    },
  };
}

/**
 * Creates every service module that exists and registers its cross-service hooks. IAM comes
 * first: STS and the authorizer look roles up through it.
 */
function createServices(context: SandboxContext, registry: ServiceRegistry): Map<ServiceName, Service> {
  const services = new Map<ServiceName, Service>();
  const iam = createIamService(context);
  registry.iam = iam;
  services.set('iam', iam);
  services.set('sts', createStsService(context));
  const kms = createKmsService(context);
  registry.kms = kms;
  services.set('kms', kms);
  services.set('s3', createS3Service(context));
  const sqs = createSqsService(context);
  registry.sqs = sqs;
  services.set('sqs', sqs);
  const sns = createSnsService(context);
  registry.sns = sns;
  services.set('sns', sns);
  services.set(
    'cloudformation',
    createCloudFormationService(context, {
      services: (name) => services.get(name),
      changed: (name) => registry.changed?.(name),
    }),
  );
  return services;
}
