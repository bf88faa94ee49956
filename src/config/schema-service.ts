/**
 * The keys of `bucketbridge run`: the per-connection `schedule` of a batch and the file's
 * `service` block (where the HTTP endpoint listens, how often verify's checks run again).
 */
import { z } from 'zod';
import { LISTEN_ADDRESS } from './listen-address.js';
import { parseSchedule, SCHEDULE_EXPECTED } from './schedule.js';
import { durationSchema } from './schema-primitives.js';

export const scheduleSchema = z
  .string()
  .refine((text) => parseSchedule(text) !== undefined, { error: SCHEDULE_EXPECTED })
  .optional()
  .describe(
    '`bucketbridge run` only, batch connections: run again on this schedule, a duration such as `15m` (after the previous run started) or a five-field cron expression in UTC such as `0 2 * * *`. A run never overlaps the previous one. Without it a batch runs once when the service starts.',
  );

export const serviceSchema = z
  .strictObject({
    listen: z
      .string()
      .regex(LISTEN_ADDRESS, 'HOST:PORT such as 127.0.0.1:9464 (port 0 picks a free port)')
      .default('127.0.0.1:9464')
      .describe(
        'Where `bucketbridge run` serves /metrics, /healthz, /readyz, /api/status and the status page. Overridden by `--listen`.',
      ),
    verifyEvery: durationSchema()
      .default('6h')
      .describe(
        "How often `run` re-runs verify's checks per connection (drift detection; the first run once the connection has started); `0` turns it off.",
      ),
  })
  .default({ listen: '127.0.0.1:9464', verifyEvery: '6h' })
  .describe('The service (`bucketbridge run`).');
