/**
 * Starts the sandbox in-process on a free 127.0.0.1 port for an integration test, with ready-made
 * client settings for each account: the AWS SDK (`sdkConfig`), the AWS CLI / boto3 (`env`) and
 * rclone (`rcloneEnv` / `rcloneRemote`).
 *
 * ```ts
 * const sandbox = useTestSandbox(); // started before the file's tests, closed after them
 * it('…', async () => { const s3 = new S3Client(sandbox.sdkConfig('customer')); });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxAccount } from '../../sandbox/core/types.js';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../sandbox/server.js';
import { useBeforeAll } from './late-bound.js';

/** The credentials a client signs with: an account's root keys or an assumed-role session. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Who a client acts as: an account by name (`vendor`, `customer`, or one added), or explicit keys. */
export type Signer = string | TestCredentials;

/** Settings for an AWS SDK v3 client: `new S3Client(sandbox.sdkConfig('vendor'))`. */
export interface SandboxSdkConfig {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: TestCredentials;
}

export interface TestSandbox {
  endpoint: string;
  region: string;
  accounts: { vendor: SandboxAccount; customer: SandboxAccount } & Record<string, SandboxAccount>;
  /** The running sandbox itself (credential store, faults). */
  server: RunningSandbox;
  sdkConfig(signer?: Signer): SandboxSdkConfig;
  /**
   * Environment for the AWS CLI (v1 and v2) and boto3: keys, region, endpoint, no instance
   * metadata, and empty config/credentials files so nothing on the machine leaks in. The CLI v2
   * here predates `AWS_ENDPOINT_URL`; the witness runners also pass `--endpoint-url`.
   */
  env(signer?: Signer): Record<string, string>;
  /** Environment defining an rclone S3 remote named `rcloneRemote(signer)` (no config file). */
  rcloneEnv(signer?: Signer): Record<string, string>;
  /** The rclone remote name for `rcloneEnv(signer)`, e.g. `sandboxcustomer`. */
  rcloneRemote(signer?: Signer): string;
  /** Replaces the fault rules (docs/sandbox.md grammar); '' clears them. */
  setFaults(spec: string): void;
  close(): Promise<void>;
}

/** A name unique to this run, lowercase and bucket-safe: `prefix-<random>`, at most 63 characters. */
export function uniqueName(prefix = 'bb'): string {
  const suffix = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  return `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${suffix}`.slice(0, 63);
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const server = await startSandbox({ port: 0, ...options });
  const byName = Object.fromEntries(server.accounts.map((a) => [a.name, a])) as TestSandbox['accounts'];
  const emptyDir = mkdtempSync(join(tmpdir(), 'bb-sandbox-client-'));
  const emptyConfig = join(emptyDir, 'config');
  const emptyCredentials = join(emptyDir, 'credentials');
  writeFileSync(emptyConfig, '');
  writeFileSync(emptyCredentials, '');

  const resolve = (signer: Signer = 'customer'): TestCredentials & { label: string } => {
    if (typeof signer !== 'string') return { ...signer, label: signer.accessKeyId.toLowerCase() };
    const account = byName[signer];
    if (!account) {
      throw new Error(`no sandbox account named "${signer}" (have: ${Object.keys(byName).join(', ')})`);
    }
    return {
      accessKeyId: account.accessKeyId,
      secretAccessKey: account.secretAccessKey,
      label: account.name,
    };
  };

  return {
    endpoint: server.endpoint,
    region: server.region,
    accounts: byName,
    server,
    sdkConfig(signer) {
      const { label: _label, ...credentials } = resolve(signer);
      return { endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials };
    },
    env(signer) {
      const c = resolve(signer);
      const env: Record<string, string> = {
        AWS_ACCESS_KEY_ID: c.accessKeyId,
        AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_DEFAULT_REGION: server.region,
        AWS_REGION: server.region,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: emptyConfig,
        AWS_SHARED_CREDENTIALS_FILE: emptyCredentials,
        AWS_PAGER: '',
      };
      if (c.sessionToken) env.AWS_SESSION_TOKEN = c.sessionToken;
      return env;
    },
    rcloneEnv(signer) {
      const c = resolve(signer);
      const prefix = `RCLONE_CONFIG_${remoteName(c.label).toUpperCase()}_`;
      const env: Record<string, string> = {
        RCLONE_CONFIG: join(emptyDir, 'rclone.conf'),
        [`${prefix}TYPE`]: 's3',
        [`${prefix}PROVIDER`]: 'Other',
        [`${prefix}ACCESS_KEY_ID`]: c.accessKeyId,
        [`${prefix}SECRET_ACCESS_KEY`]: c.secretAccessKey,
        [`${prefix}ENDPOINT`]: server.endpoint,
        [`${prefix}REGION`]: server.region,
        [`${prefix}FORCE_PATH_STYLE`]: 'true',
      };
      if (c.sessionToken) env[`${prefix}SESSION_TOKEN`] = c.sessionToken;
      return env;
    },
    rcloneRemote(signer) {
      return remoteName(resolve(signer).label);
    },
    setFaults(spec) {
      server.setFaults(spec);
    },
    async close() {
      await server.close();
      rmSync(emptyDir, { recursive: true, force: true });
    },
  };
}

/**
 * A sandbox for the file (or the describe block) this is called in: started in a `beforeAll`
 * registered here, so hooks registered after this call can use it, and closed after everything
 * else. Until it has started, using it throws. `options` may be a function when they depend on
 * something the file sets up first.
 */
export function useTestSandbox(options: SandboxOptions | (() => SandboxOptions) = {}): TestSandbox {
  return useBeforeAll(
    'the test sandbox',
    () => startTestSandbox(typeof options === 'function' ? options() : options),
    (sandbox) => sandbox.close(),
  );
}

function remoteName(label: string): string {
  return `sandbox${label.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}
