/**
 * The sandbox's SNS signing identity: an RSA key that signs every notification and
 * subscription confirmation as SNS does (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA),
 * and a self-signed X.509 certificate for it, served at the SigningCertURL so that message
 * verifiers can check signatures exactly as they would against AWS's certificate.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';

/** The key and certificate one SNS service signs with. */
export interface SigningIdentity {
  privateKey: KeyObject;
  /** PKCS#8 PEM of the private key (persisted with `--state` so the certificate survives restarts). */
  privateKeyPem: string;
  /** PEM of the self-signed certificate for the key. */
  certificatePem: string;
}

/** Creates a signing identity, reusing `privateKeyPem` when given. */
export function createSigningIdentity(privateKeyPem?: string, now: Date = new Date()): SigningIdentity {
  const privateKey = privateKeyPem
    ? createPrivateKey(privateKeyPem)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKey, privateKeyPem: pem, certificatePem: selfSignedCertificate(privateKey, now) };
}

/** Signs SNS's canonical string: SignatureVersion `1` uses SHA1, `2` SHA256; base64. */
export function signCanonical(
  identity: SigningIdentity,
  canonical: string,
  signatureVersion: string,
): string {
  const algorithm = signatureVersion === '2' ? 'sha256' : 'sha1';
  return sign(algorithm, Buffer.from(canonical, 'utf8'), identity.privateKey).toString('base64');
}

// --- A minimal DER encoder: just what one self-signed certificate needs. ---

function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else if (n < 0x100) length = Buffer.from([0x81, n]);
  else if (n < 0x10000) length = Buffer.from([0x82, n >> 8, n & 0xff]);
  else length = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const SHA256_WITH_RSA = sequence(Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from('0500', 'hex'));
const COMMON_NAME_OID = Buffer.from('0603550403', 'hex');

/**
 * A positive serial number from 16 random bytes, minimally encoded: DER forbids a leading zero
 * byte and reads a leading 1 bit as negative, so the first byte is forced into 0x01..0x7f.
 */
function serialNumber(random: Buffer): Buffer {
  const bytes = Buffer.from(random);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return tlv(0x02, bytes);
}

function name(commonName: string): Buffer {
  return sequence(tlv(0x31, sequence(COMMON_NAME_OID, tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const text =
    iso.slice(2, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19) +
    'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

/** A self-signed certificate for the key; `serial` is the random material of its serial number. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  now: Date,
  serial: Buffer = randomBytes(16),
): string {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const subject = name('sns.sandbox.bucketbridge.local');
  const notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  const notAfter = new Date(Date.UTC(now.getUTCFullYear() + 10, 0, 1));
  const tbs = sequence(
    Buffer.from('a003020102', 'hex'), // [0] EXPLICIT version v3
    serialNumber(serial),
    SHA256_WITH_RSA,
    subject,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    subject,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
