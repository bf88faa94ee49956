import { verify, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalStringOf, notificationEnvelope } from '../../../../sandbox/sns/notification-envelope.js';
import { createSigningIdentity, type SigningIdentity } from '../../../../sandbox/sns/signing-certificate.js';

let signing: SigningIdentity;
beforeAll(() => {
  signing = createSigningIdentity();
});

const base = {
  messageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  topicArn: 'arn:aws:sns:us-east-1:111111111111:t',
  message: 'line 1\nline "2"',
  timestamp: '2026-01-01T12:00:00.000Z',
  signatureVersion: '1',
  signingCertUrl: 'http://127.0.0.1:1/__sandbox/sns/signing-cert.pem',
  unsubscribeUrl:
    'http://127.0.0.1:1/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:111111111111:t:abc',
};

describe('the Notification envelope', () => {
  it('is laid out as SNS lays it out, without Subject when none was given', () => {
    const body = notificationEnvelope(base, signing);
    const signature = (JSON.parse(body) as { Signature: string }).Signature;
    expect(body).toBe(
      [
        '{',
        '  "Type" : "Notification",',
        `  "MessageId" : "${base.messageId}",`,
        `  "TopicArn" : "${base.topicArn}",`,
        '  "Message" : "line 1\\nline \\"2\\"",',
        `  "Timestamp" : "${base.timestamp}",`,
        '  "SignatureVersion" : "1",',
        `  "Signature" : "${signature}",`,
        `  "SigningCertURL" : "${base.signingCertUrl}",`,
        `  "UnsubscribeURL" : "${base.unsubscribeUrl}"`,
        '}',
      ].join('\n'),
    );
  });

  it('signs the canonical string with SHA1 for version 1 and SHA256 for version 2, verifiable with the served certificate', () => {
    const cert = new X509Certificate(signing.certificatePem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    for (const [version, algorithm] of [
      ['1', 'sha1'],
      ['2', 'sha256'],
    ] as const) {
      const doc = JSON.parse(
        notificationEnvelope({ ...base, subject: 'S', signatureVersion: version }, signing),
      ) as Record<string, string>;
      const canonical = canonicalStringOf(doc);
      expect(canonical).toBe(
        `Message\n${base.message}\nMessageId\n${base.messageId}\nSubject\nS\nTimestamp\n${base.timestamp}\nTopicArn\n${base.topicArn}\nType\nNotification\n`,
      );
      expect(
        verify(algorithm, Buffer.from(canonical), cert.publicKey, Buffer.from(doc.Signature!, 'base64')),
      ).toBe(true);
    }
  });
});
