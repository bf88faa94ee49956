import type { LedgerKey, LedgerOwner } from './ledger.js';

/** The caller no longer owns the claim it tries to finish (its lease expired and another run took it). */
export class LedgerClaimLostError extends Error {
  override readonly name = 'LedgerClaimLostError';
  constructor(
    readonly ledgerKey: LedgerKey,
    readonly owner: LedgerOwner,
  ) {
    super(
      `The ledger claim on s3://${ledgerKey.bucket}/${ledgerKey.key} (version ${ledgerKey.version}) ` +
        `is no longer held by run ${owner.runId}: another run took it over after the lease expired`,
    );
  }
}
