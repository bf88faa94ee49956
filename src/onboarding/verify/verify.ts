/**
 * `bucketbridge verify`: runs the checks of docs/onboarding.md ("verify") for one connection or all
 * of them, with the vendor's credentials (the default chain unless injected), and returns the report.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { createConnectionAccess } from '../../aws/connection-access.js';
import { sharedVendorChain } from '../../aws/credentials.js';
import { findConnection, loadConfig } from '../../config/index.js';
import type { Config, Connection } from '../../config/resolved-config.js';
import { UsageError } from '../../errors/index.js';
import { CHECKS } from './checks.js';
import { runChecks } from './run-checks.js';
import type { ConnectionReport, VerifyReport } from './verify-types.js';

/** Options of {@link verifyConnections}. */
export interface VerifyOptions {
  config: Config;
  connections: readonly Connection[];
  /** The vendor's own credentials. Default: the SDK's default chain. Tests inject the sandbox's. */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** The run's time (names the probe object). Default: now. */
  now?: Date | undefined;
}

/** Runs every check for each connection, one connection after the other. */
export async function verifyConnections(options: VerifyOptions): Promise<VerifyReport> {
  const vendorCredentials = options.vendorCredentials ?? sharedVendorChain();
  const now = options.now ?? new Date();
  const reports: ConnectionReport[] = [];
  for (const connection of options.connections) {
    const access = createConnectionAccess({ config: options.config, connection, vendorCredentials });
    reports.push(
      await runChecks(CHECKS, {
        config: options.config,
        connection,
        access,
        vendorCredentials,
        facts: { bucketRegions: new Map() },
        now,
      }),
    );
  }
  return {
    connections: reports,
    ok: reports.every((r) => r.checks.every((c) => c.status !== 'fail')),
  };
}

/** Loads the configuration and verifies the named connection, or every one when no name is given. */
export async function verifyFromFile(options: {
  configPath: string;
  connectionName?: string | undefined;
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
}): Promise<VerifyReport> {
  const { config } = await loadConfig(options.configPath);
  let connections: Connection[];
  if (options.connectionName !== undefined) {
    connections = [findConnection(config, options.connectionName)];
  } else {
    connections = config.connections;
    if (connections.length === 0) {
      throw new UsageError(
        `the configuration ${options.configPath} has no connections: add one under connections (bucketbridge init helps)`,
      );
    }
  }
  return verifyConnections({ config, connections, vendorCredentials: options.vendorCredentials });
}
