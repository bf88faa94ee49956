/**
 * What a caller should do about a failure, decided where it is caught and never from message text:
 * - `transient`: retry later with backoff (throttling, 5xx, timeouts, connection resets, a
 *   processor's downstream service that is down);
 * - `permanent`: this item will not succeed; record it (in live, the message is deleted, or goes to
 *   the dead-letter queue when the message itself is at fault);
 * - `misconfiguration`: nothing will succeed until someone fixes credentials, roles or settings;
 *   stop that connection and say what to fix.
 */
export type FailureKind = 'transient' | 'permanent' | 'misconfiguration';

/** The kinds an object's outcome can carry: a misconfiguration stops the run instead. */
export type ObjectFailureKind = Exclude<FailureKind, 'misconfiguration'>;
