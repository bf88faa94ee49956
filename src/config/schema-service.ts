/**
 * The keys of `bucketbridge run`: the per-connection `schedule` of a batch and the file's
 * `service` block (where the HTTP endpoint listens, how often verify's checks run again).
 */
import { z } from 'zod';
import { parseSchedule, SCHEDULE_EXPECTED } from './schedule.js';

/** `HOST:PORT` (port 0 picks a free one); an IPv6 host in brackets. */
export const LISTEN_ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/;

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
  })
  .default({ listen: '127.0.0.1:9464' })
  .describe('The service (`bucketbridge run`).');
