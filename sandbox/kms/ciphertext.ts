/**
 * The ciphertext blobs of Encrypt and GenerateDataKey: AES-256-GCM under the key's material, with
 * the encryption context as additional authenticated data, and the key's ARN inside the blob so
 * that Decrypt needs no KeyId (as with KMS's symmetric keys).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AwsError } from '../core/errors.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The encryption context in a canonical form, so `{a,b}` and `{b,a}` authenticate alike. */
function contextBytes(context: Record<string, string>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(sorted));
}

export function seal(
  keyArn: string,
  materialBase64: string,
  plaintext: Buffer,
  context: Record<string, string>,
): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(materialBase64, 'base64'), iv);
  cipher.setAAD(contextBytes(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const arn = Buffer.from(keyArn);
  const head = Buffer.alloc(3);
  head.writeUInt8(VERSION, 0);
  head.writeUInt16BE(arn.length, 1);
  return Buffer.concat([head, arn, iv, cipher.getAuthTag(), body]);
}

/** KMS answers InvalidCiphertextException, with no message, for a blob it cannot read. */
export function invalidCiphertext(): AwsError {
  return new AwsError('InvalidCiphertextException', '');
}

/** The key ARN a blob was sealed under; throws InvalidCiphertextException for a blob of another form. */
export function keyArnOf(blob: Buffer): string {
  if (blob.length < 3 + IV_BYTES + TAG_BYTES || blob.readUInt8(0) !== VERSION) throw invalidCiphertext();
  const length = blob.readUInt16BE(1);
  if (blob.length < 3 + length + IV_BYTES + TAG_BYTES) throw invalidCiphertext();
  return blob.subarray(3, 3 + length).toString('utf8');
}

export function open(blob: Buffer, materialBase64: string, context: Record<string, string>): Buffer {
  const start = 3 + blob.readUInt16BE(1);
  const iv = blob.subarray(start, start + IV_BYTES);
  const tag = blob.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(materialBase64, 'base64'), iv);
  decipher.setAAD(contextBytes(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(start + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    // A wrong encryption context fails authentication: KMS says the same as for a damaged blob.
    throw invalidCiphertext();
  }
}
