import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedger } from '../../../src/state/sqlite-ledger.js';
import { describeLedgerContract } from './ledger-contract.js';

describeLedgerContract('SQLite', {
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'bb-ledger-'));
    return {
      open: (hooks) => new SqliteLedger({ path: join(dir, 'nested', 'ledger.db'), ...hooks }),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
