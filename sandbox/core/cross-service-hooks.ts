/**
 * The cross-service hooks, delegating to whichever services are running: S3 → SNS/SQS event
 * delivery, SNS → SQS delivery, and IAM role lookups for STS and the authorizer.
 */
import { AwsError } from './errors.js';
import type { CrossServiceHooks, PolicyDocument, Service, ServiceName } from './types.js';

type SendArgs = Parameters<CrossServiceHooks['sendToQueue']>[0];
type PublishArgs = Parameters<CrossServiceHooks['publishToTopic']>[0];
type CanDeliverArgs = Parameters<CrossServiceHooks['canDeliver']>[0];

type Source = Omit<CanDeliverArgs, 'destinationArn'>;

/** What the SQS service offers other services. */
export interface QueueDelivery {
  sendAsService(args: SendArgs): unknown;
  canDeliverFrom(args: Source & { queueArn: string }): boolean;
}

/** What the SNS service offers other services. */
export interface TopicDelivery {
  publishAsService(args: PublishArgs): unknown;
  canDeliverFrom(args: Source & { topicArn: string }): boolean;
}

/** What the IAM service offers STS and the authorizer. */
export interface RoleDirectory {
  rolePolicies(roleArn: string): PolicyDocument[];
  getRole: CrossServiceHooks['getRole'];
}

/** What the KMS service offers S3. */
export interface KeyUse {
  useKey: CrossServiceHooks['useKmsKey'];
}

/** The running services, filled in as the server creates them. */
export interface ServiceRegistry {
  kms?: KeyUse;
  sqs?: QueueDelivery;
  sns?: TopicDelivery;
  iam?: RoleDirectory;
  /** Told when a hook changed a service's state (so --state persists it). */
  changed?(service: ServiceName): void;
}

function serviceOfArn(arn: string): string | undefined {
  return arn.split(':')[2];
}

export function createCrossServiceHooks(registry: ServiceRegistry): CrossServiceHooks {
  const missing = (what: string, arn: string) =>
    new AwsError(
      'InvalidArgument',
      `${what} ${arn} is not available: its service is not running in this sandbox`,
      400,
    );
  return {
    sendToQueue(args) {
      if (!registry.sqs) throw missing('Queue', args.queueArn);
      registry.sqs.sendAsService(args);
      registry.changed?.('sqs');
    },
    publishToTopic(args) {
      if (!registry.sns) throw missing('Topic', args.topicArn);
      registry.sns.publishAsService(args);
      registry.changed?.('sns');
      registry.changed?.('sqs');
    },
    canDeliver({ destinationArn, ...source }) {
      const service = serviceOfArn(destinationArn);
      if (service === 'sqs')
        return registry.sqs?.canDeliverFrom({ ...source, queueArn: destinationArn }) ?? false;
      if (service === 'sns')
        return registry.sns?.canDeliverFrom({ ...source, topicArn: destinationArn }) ?? false;
      return false;
    },
    useKmsKey(args) {
      if (!registry.kms) throw missing('KMS key', args.keyId);
      return registry.kms.useKey(args);
    },
    rolePolicies(roleArn) {
      return registry.iam?.rolePolicies(roleArn) ?? [];
    },
    getRole(roleArn) {
      return registry.iam?.getRole(roleArn);
    },
  };
}

/** A service together with the hooks it offers, as the factories return it. */
export type ServiceWith<T> = Service & T;
