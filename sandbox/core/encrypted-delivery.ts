/**
 * Delivery by a service into an SSE-KMS topic or queue (S3 publishing an event, SNS delivering to
 * a queue): the service principal must be allowed `kms:GenerateDataKey` on the destination's key
 * by the key policy, as AWS requires; without it the message is not delivered.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
import { serviceCaller } from './identity.js';
import type { CrossServiceHooks } from './types.js';

export interface EncryptedDestination {
  /** The destination's `KmsMasterKeyId` attribute, when it is encrypted. */
  kmsMasterKeyId?: string;
  region: string;
  service: 'sns' | 'sqs';
  /** The encryption context the service uses (`aws:sns:topicArn`, `aws:sqs:arn`). */
  encryptionContext: Record<string, string>;
}

/** Throws (KMS's AccessDeniedException / NotFoundException) unless the source may use the destination's key. */
export function checkEncryptedDelivery(
  hooks: Pick<CrossServiceHooks, 'useKmsKey'>,
  destination: EncryptedDestination,
  source: { servicePrincipal: string; sourceArn: string; sourceAccount: string },
): void {
  if (!destination.kmsMasterKeyId) return;
  hooks.useKmsKey({
    caller: serviceCaller(source.servicePrincipal, source.sourceAccount),
    keyId: destination.kmsMasterKeyId,
    action: 'kms:GenerateDataKey',
    region: destination.region,
    viaService: `${destination.service}.${destination.region}.amazonaws.com`,
    encryptionContext: destination.encryptionContext,
    context: { 'aws:SourceArn': source.sourceArn, 'aws:SourceAccount': source.sourceAccount },
  });
}
