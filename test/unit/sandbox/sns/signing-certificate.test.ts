import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigningIdentity, selfSignedCertificate } from '../../../../sandbox/sns/signing-certificate.js';

describe('the signing certificate', () => {
  const now = new Date(Date.UTC(2026, 0, 1));
  const identity = createSigningIdentity(undefined, now);

  it.each([
    ['a leading zero byte', '00'.repeat(16)],
    ['a leading zero then a high byte', `00ff${'11'.repeat(14)}`],
    ['a leading high bit', 'ff'.repeat(16)],
    ['a leading 0x80', `80${'00'.repeat(15)}`],
  ])('parses and verifies with random serial material that has %s', (_name, hex) => {
    const cert = new X509Certificate(
      selfSignedCertificate(identity.privateKey, now, Buffer.from(hex, 'hex')),
    );
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
  });

  it('names the sandbox and is valid from the day before its creation for ten years', () => {
    const cert = new X509Certificate(identity.certificatePem);
    expect(cert.subject).toBe('CN=sns.sandbox.bucketbridge.local');
    expect(new Date(cert.validFrom).toISOString()).toBe('2025-12-31T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2036-01-01T00:00:00.000Z');
  });
});
