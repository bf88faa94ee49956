/** SQS's own limits (ReceiveMessage WaitTimeSeconds, ChangeMessageVisibility VisibilityTimeout). */
const MAX_WAIT_TIME_SEC = 20;
const MAX_VISIBILITY_TIMEOUT_SEC = 43_200;
/** The consumer's visibility timeout when none is given, in seconds. */
export const DEFAULT_VISIBILITY_TIMEOUT_SEC = 300;

/** The numeric options of `SqsConsumerOptions` (see there for units and defaults). */
export interface ConsumerTunables {
  concurrency?: number;
  prefetch?: number;
  batchWaitMs?: number;
  waitTimeSec?: number;
  visibilityTimeoutSec?: number;
  heartbeatIntervalSec?: number;
  unwindMs?: number;
  receiveErrorBackoffMs?: number;
  authErrorBackoffMs?: number;
}

/**
 * Checks the consumer's tunables once, at construction, so a bad value fails with a message that
 * names the option, the rule and the value instead of surfacing later as an SQS error.
 */
export function validateConsumerOptions(options: ConsumerTunables): void {
  const integerIn = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
      throw new RangeError(
        `SqsConsumer option ${name} must be an integer from ${min} to ${max}; got ${value}`,
      );
    }
  };
  integerIn('concurrency', options.concurrency, 1, Number.MAX_SAFE_INTEGER);
  integerIn('prefetch', options.prefetch, 0, Number.MAX_SAFE_INTEGER);
  integerIn('batchWaitMs', options.batchWaitMs, 0, 60_000);
  integerIn('waitTimeSec', options.waitTimeSec, 0, MAX_WAIT_TIME_SEC);
  integerIn('visibilityTimeoutSec', options.visibilityTimeoutSec, 0, MAX_VISIBILITY_TIMEOUT_SEC);
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`SqsConsumer option ${name} must be a number above 0; got ${value}`);
    }
  };
  positive('heartbeatIntervalSec', options.heartbeatIntervalSec);
  // An extension sent after the visibility timeout ran out comes too late: another worker may have
  // received the message by then and process it a second time.
  const visibilityTimeoutSec = options.visibilityTimeoutSec ?? DEFAULT_VISIBILITY_TIMEOUT_SEC;
  if (options.heartbeatIntervalSec !== undefined && options.heartbeatIntervalSec >= visibilityTimeoutSec) {
    throw new RangeError(
      `SqsConsumer option heartbeatIntervalSec must be shorter than visibilityTimeoutSec (${visibilityTimeoutSec}), ` +
        `so each extension lands before the message is visible again; got ${options.heartbeatIntervalSec}`,
    );
  }
  positive('unwindMs', options.unwindMs);
  positive('receiveErrorBackoffMs', options.receiveErrorBackoffMs);
  positive('authErrorBackoffMs', options.authErrorBackoffMs);
}
