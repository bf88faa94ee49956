/**
 * `bucketbridge verify`: checks, with the vendor's credentials, that a connection's role, buckets
 * and (live) notification, topic and subscription work and are safe. Flags only; the checks are
 * lazy-imported in the action so `--help` never loads the AWS SDK.
 */
import type { Command } from 'commander';

const CONFIG_FLAG_HELP = 'configuration file (default: $BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml)';

interface VerifyFlags {
  config?: string;
  connection?: string;
  retiredExternalId?: string[];
  json?: boolean;
}

async function runVerify(flags: VerifyFlags): Promise<void> {
  const { resolveConfigPath } = await import('../../config/config-path.js');
  const { verifyFromFile } = await import('../../onboarding/verify/verify.js');
  const { formatVerifyReport } = await import('../../onboarding/verify/format-verify-report.js');
  const { WorkFailedError } = await import('../../errors/index.js');
  const report = await verifyFromFile({
    configPath: resolveConfigPath(flags.config),
    connectionName: flags.connection,
    retiredExternalIds: flags.retiredExternalId ?? [],
  });
  process.stderr.write(formatVerifyReport(report));
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!report.ok) {
    const failed = report.connections.flatMap((c) =>
      c.checks.filter((check) => check.status === 'fail').map((check) => `${c.name}: ${check.id}`),
    );
    throw new WorkFailedError(
      `verify: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.join(', ')})`,
    );
  }
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      "check, with the vendor's credentials, that each connection works and is safe: the role can be assumed with the external ID and not without it or with a wrong one (during an external-ID rotation: which previous IDs are still trusted; after retirement: that the retired ones are refused), the session length is accepted, the identity is the customer's account, each bucket's region and where it is processed, listing and reading the source, writing a probe object to the destination, the ACL setting against ownership controls, and for live the notification, topic policy and subscription (exit 0 all pass, 1 a check failed, 2 bad usage or configuration)",
    )
    .option('-c, --config <file>', CONFIG_FLAG_HELP)
    .option('--connection <name>', 'verify only this connection (default: every connection)')
    .option(
      '--retired-external-id <id...>',
      'with --connection: external IDs retired by onboard --retire-external-id; check role.retired-external-ids proves the role refuses them',
    )
    .option(
      '--json',
      'print the report as one JSON document on stdout: {connections:[{name, processingRegion, checks:[{id, status, detail, remediation}]}], ok}',
    )
    .action(async (flags: VerifyFlags) => {
      await runVerify(flags);
    });
}
