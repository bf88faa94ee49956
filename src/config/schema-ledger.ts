/**
 * The `ledger` key: where the ledger is, as a string (`sqlite:./bucketbridge.db`, the form every
 * earlier file uses) or as a block with its `url` and how long finished entries are kept.
 */
import { z } from 'zod';
import { parseRetentionMs, RETENTION_EXPECTED, RETENTION_TEXT } from './retention.js';

export const DEFAULT_LEDGER = 'sqlite:./bucketbridge.db';

const ledgerUrl = z
  .string()
  .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:PATH or postgres://...')
  .describe(
    'Ledger location: `sqlite:PATH` (relative to the config file; one machine) or ' +
      '`postgres://USER@HOST:PORT/DB` (many workers; password from PGPASSWORD or ~/.pgpass, TLS by `sslmode`; see docs/scale-out.md).',
  );

const ledgerBlock = z.strictObject({
  url: ledgerUrl.default(DEFAULT_LEDGER),
  retention: z
    .string()
    // The pattern for editors (JSON Schema); the refinement adds the minimum.
    .regex(RETENTION_TEXT, RETENTION_EXPECTED)
    .refine(
      // A value of the wrong shape has its error from the pattern already.
      (text) => !RETENTION_TEXT.test(text) || parseRetentionMs(text) !== undefined,
      { error: RETENTION_EXPECTED },
    )
    .optional()
    .describe(
      '`bucketbridge run` removes entries finished longer ago than this once a day (as `ledger prune --older-than` does). Unset: entries are kept forever. Claims are never removed; batch connections are kept unless `retentionIncludesBatch`.',
    ),
  retentionIncludesBatch: z
    .boolean()
    .default(false)
    .describe(
      "Let retention remove batch connections' entries too. A batch lists its whole source again: an object still there whose entry was removed is processed again. Turn on only when the source drops objects sooner (an S3 lifecycle expiry shorter than `retention`).",
    ),
});

export const ledgerSchema = z
  .union([ledgerUrl, ledgerBlock], {
    error: 'sqlite:PATH or postgres://..., or a block with url and retention',
  })
  .default(DEFAULT_LEDGER)
  .describe(
    'The ledger: its location (`sqlite:PATH` or `postgres://USER@HOST:PORT/DB`), or a block `{url, retention, retentionIncludesBatch}`.',
  );
