/**
 * `live.mode: sqs` on the sandbox: the customer's own queue (S3 sends to it directly), read through
 * the assumed role with exactly the queue actions onboarding grants; the customer's redrive policy
 * moves malformed bodies to its dead-letter queue.
 */
import { defineMessageSuite } from './live-message-suite.js';

defineMessageSuite("sqs mode on the customer's queue", { mode: 'sqs' });
