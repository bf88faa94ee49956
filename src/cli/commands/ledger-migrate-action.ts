/** `ledger migrate`: the ledger's schema brought to this build's version, before and after said. */
import { migrateLedger } from '../../state/migrate-ledger.js';
import { ledgerLabel, loadForLedger, onLedger } from './ledger-access.js';

export async function runLedgerMigrate(flags: { config?: string }): Promise<void> {
  const loaded = await loadForLedger(flags);
  const setting = loaded.config.ledger;
  const { from, to } = await onLedger(setting, () => migrateLedger({ setting, configPath: loaded.path }));
  const what =
    from === to
      ? `schema already at version ${to}; nothing to do`
      : `schema migrated from version ${from} to ${to}`;
  process.stdout.write(`Ledger ${ledgerLabel(setting)}: ${what}.\n`);
}
