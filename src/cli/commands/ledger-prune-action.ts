/** `ledger prune`: removes (or with `--dry-run` counts) old finished entries and says what. */
import { listingConnectionNames } from '../../config/listing-connection-names.js';
import { formatRetention } from '../../config/retention.js';
import { applyRetention } from '../../state/apply-retention.js';
import { createLedger } from '../../state/create-ledger.js';
import { totalPruned } from '../../state/ledger-maintenance.js';
import { ledgerLabel, loadForLedger, onLedger } from './ledger-access.js';

export interface LedgerPruneFlags {
  config?: string;
  /** From `--older-than`, in milliseconds (already at least 14 days). */
  olderThanMs: number;
  connection?: string;
  includeBatch?: boolean;
  dryRun?: boolean;
}

export async function runLedgerPrune(flags: LedgerPruneFlags): Promise<void> {
  const loaded = await loadForLedger(flags);
  const { config } = loaded;
  const setting = config.ledger;
  const result = await onLedger(setting, async () => {
    // A ledger that does not exist yet (a SQLite file never written) has nothing to remove.
    const probe = createLedger({ setting, configPath: loaded.path, readOnly: true });
    if (probe === undefined) return undefined;
    if (!flags.dryRun) await probe.close();
    const ledger = flags.dryRun ? probe : createLedger({ setting, configPath: loaded.path });
    try {
      return await applyRetention(ledger, {
        olderThanMs: flags.olderThanMs,
        batchConnections: listingConnectionNames(config),
        includeBatch: flags.includeBatch,
        connection: flags.connection,
        dryRun: flags.dryRun,
      });
    } finally {
      await ledger.close();
    }
  });

  const pruned = result?.pruned ?? [];
  const total = totalPruned(pruned);
  const verb = flags.dryRun ? 'Would remove' : 'Removed';
  const lines = [
    `Ledger ${ledgerLabel(setting)}`,
    `${verb} ${total} ${total === 1 ? 'entry' : 'entries'} finished more than ${formatRetention(flags.olderThanMs)} ago${total === 0 ? '.' : ':'}`,
    ...pruned.map((p) => `  ${p.connection}: ${p.done} done, ${p.failed} failed`),
  ];
  const kept = result?.keptBatch ?? [];
  if (kept.length > 0) {
    lines.push(
      `Kept ${kept.join(', ')}: ${kept.length === 1 ? 'it lists its' : 'they list their'} source again (batch, or live with backfill) and would process objects whose entries are gone a second time; --include-batch removes them too.`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
