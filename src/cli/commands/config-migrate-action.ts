import { resolveConfigPath } from '../../config/config-path.js';
import { migrateConfigFile } from '../../config/migrate-config.js';

/** `config migrate`: progress and outcome on stderr, the dry-run diff on stdout. */
export async function runConfigMigrate(options: { config?: string; dryRun?: boolean }): Promise<void> {
  const path = resolveConfigPath(options.config);
  const outcome = await migrateConfigFile(path, { dryRun: options.dryRun ?? false });
  if (outcome.status === 'current') {
    process.stderr.write(`${path} is already at version ${outcome.version}; nothing to change.\n`);
    return;
  }
  const changes = outcome.changes.map((c) => `  - ${c}\n`).join('');
  if (outcome.status === 'would-migrate') {
    process.stdout.write(outcome.diff);
    process.stderr.write(
      `Dry run: ${path} would be migrated from version ${outcome.fromVersion} to ${outcome.toVersion}:\n${changes}` +
        'Nothing was written. Run again without --dry-run to migrate.\n',
    );
    return;
  }
  process.stderr.write(
    `Migrated ${path} from version ${outcome.fromVersion} to ${outcome.toVersion}:\n${changes}` +
      `The original is saved as ${outcome.backupPath}.\n` +
      'A running bucketbridge service keeps the configuration it started with: restart it to use the new keys.\n',
  );
}
