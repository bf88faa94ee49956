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
import type { ConnectionReport, VerifyContext, VerifyReport } from './verify-types.js';

/** Options of {@link verifyConnections}. */
export interface VerifyOptions {
  config: Config;
  connections: readonly Connection[];
  /** The vendor's own credentials. Default: the SDK's default chain. Tests inject the sandbox's. */
  vendorCredentials?: AwsCredentialIdentityProvider | undefined;
  /** The run's time (names the probe object). Default: now. */
  now?: Date | undefined;
  /** External IDs retired by `onboard --retire-external-id` that the role must refuse (`role.retired-external-ids`). */
  retiredExternalIds?: readonly string[] | undefined;
}

/**
 * `--retired-external-id` names IDs of one connection that it no longer trusts: refused for several
 * connections, or for an ID the connection still uses.
 */
function checkRetiredIds(connections: readonly Connection[], retired: readonly string[]): void {
  if (retired.length === 0) return;
  const [connection, ...others] = connections;
  if (connection === undefined || others.length > 0) {
    throw new UsageError(
      '--retired-external-id needs --connection NAME: a retired external ID belongs to one connection',
    );
  }
  for (const id of retired) {
    if (id === connection.externalId) {
      throw new UsageError(
        `--retired-external-id ${id}: that is connection "${connection.name}"'s current externalId, which it must accept`,
      );
    }
    if ((connection.previousExternalIds ?? []).includes(id)) {
      throw new UsageError(
        `--retired-external-id ${id}: connection "${connection.name}" still lists it in previousExternalIds; retire it first with bucketbridge onboard --connection ${connection.name} --retire-external-id`,
      );
    }
  }
}

/** Runs every check for each connection, one connection after the other. */
export async function verifyConnections(options: VerifyOptions): Promise<VerifyReport> {
  const retiredExternalIds = options.retiredExternalIds ?? [];
  checkRetiredIds(options.connections, retiredExternalIds);
  const vendorCredentials = options.vendorCredentials ?? sharedVendorChain();
  const now = options.now ?? new Date();
  const reports: ConnectionReport[] = [];
  for (const connection of options.connections) {
    const access = createConnectionAccess({ config: options.config, connection, vendorCredentials });
    const context: VerifyContext = {
      config: options.config,
      connection,
      access,
      vendorCredentials,
      facts: { bucketRegions: new Map() },
      now,
      retiredExternalIds,
    };
    const checks = CHECKS.filter((check) => check.onlyWhen?.(context) ?? true);
    reports.push(await runChecks(checks, context));
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
  retiredExternalIds?: readonly string[] | undefined;
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
  return verifyConnections({
    config,
    connections,
    vendorCredentials: options.vendorCredentials,
    retiredExternalIds: options.retiredExternalIds,
  });
}
