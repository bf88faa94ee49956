/**
 * Receipt handles: opaque to clients, but they name the queue, the message and the receive that
 * produced them, so a handle from an earlier receive can be told apart from the current one.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../core/errors.js';

const PREFIX = 'bbsqs1';

/** What a receipt handle stands for. */
export interface ReceiptHandleParts {
  queueArn: string;
  messageId: string;
  /** Unique per receive; only the latest receive's nonce may delete or change the message. */
  nonce: string;
}

/** A fresh nonce for one receive. */
export function newReceiveNonce(): string {
  return randomBytes(12).toString('hex');
}

/** Encodes a receipt handle (base64, as AWS's look). */
export function encodeReceiptHandle(parts: ReceiptHandleParts): string {
  return Buffer.from(`${PREFIX} ${parts.queueArn} ${parts.messageId} ${parts.nonce}`, 'utf8').toString(
    'base64',
  );
}

/** ReceiptHandleIsInvalid, answered with 404 as SQS's API model says. */
export function receiptHandleIsInvalid(handle: string): AwsError {
  return new AwsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
    404,
  );
}

/** Decodes a receipt handle, or throws ReceiptHandleIsInvalid as SQS does for garbage. */
export function decodeReceiptHandle(handle: string): ReceiptHandleParts {
  const invalid = () => receiptHandleIsInvalid(handle);
  if (!/^[A-Za-z0-9+/]+=*$/.test(handle)) throw invalid();
  const fields = Buffer.from(handle, 'base64').toString('utf8').split(' ');
  if (fields.length !== 4 || fields[0] !== PREFIX) throw invalid();
  return { queueArn: fields[1]!, messageId: fields[2]!, nonce: fields[3]! };
}
