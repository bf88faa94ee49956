/**
 * The sandbox's SNS over the query protocol (Version 2010-03-31), its delivery to SQS, and the
 * entry points S3 uses to publish event notifications into a topic.
 */
import { checkEncryptedDelivery } from '../core/encrypted-delivery.js';
import { AwsError } from '../core/errors.js';
import { serviceCaller } from '../core/identity.js';
import type { SandboxContext, Service, ServiceRequest, ServiceResponse } from '../core/types.js';
import { queryError, queryParams, queryResponse } from '../protocols/query.js';
import { PUBLISH_OPERATIONS, publishToTopic } from './publish-operations.js';
import { createSigningIdentity, type SigningIdentity } from './signing-certificate.js';
import { SIGNING_CERT_PATH } from './sns-delivery.js';
import { authorizeTopic, type SnsOperation, type SnsRuntime, topicPolicy } from './sns-runtime.js';
import { SUBSCRIPTION_OPERATIONS } from './subscription-operations.js';
import { TOPIC_OPERATIONS } from './topic-operations.js';
import { type DeliveryRecord, TopicRegistry, type TopicSnapshot } from './topic-registry.js';

const OPERATIONS: Record<string, SnsOperation> = {
  ...TOPIC_OPERATIONS,
  ...SUBSCRIPTION_OPERATIONS,
  ...PUBLISH_OPERATIONS,
};

/** S3 → SNS: an event notification published as `s3.amazonaws.com` for a bucket. */
export interface ServicePublish {
  topicArn: string;
  subject?: string;
  message: string;
  /** The bucket ARN (`aws:SourceArn`). */
  sourceArn: string;
  /** The bucket owner's account (`aws:SourceAccount`). */
  sourceAccount: string;
}

export interface SnsService extends Service {
  /** Publishes as the S3 service principal, checked against the topic policy; throws AwsError. */
  publishAsService(args: ServicePublish): { messageId: string };
  /** Whether the topic exists and its policy lets the source publish (no side effects). */
  canDeliverFrom(args: {
    topicArn: string;
    sourceService: 's3.amazonaws.com' | 'sns.amazonaws.com';
    sourceArn: string;
    sourceAccount: string;
  }): boolean;
  /** Recent delivery attempts, oldest first (delivered, dropped by the queue's policy, filtered). */
  deliveries(): DeliveryRecord[];
  /** The PEM certificate that verifies notification signatures (served at SIGNING_CERT_PATH). */
  signingCertificatePem(): string;
  readonly runtime: SnsRuntime;
}

export { SIGNING_CERT_PATH };

export interface SnsServiceOptions {
  /** A signing identity to reuse (tests share one to skip RSA key generation). */
  signing?: SigningIdentity;
}

export function createSnsService(ctx: SandboxContext, options: SnsServiceOptions = {}): SnsService {
  const runtime: SnsRuntime = {
    registry: new TopicRegistry(),
    ctx,
    signing: options.signing ?? createSigningIdentity(undefined, ctx.now()),
  };

  async function handle(request: ServiceRequest): Promise<ServiceResponse> {
    try {
      const params = queryParams(request.url, await request.readBody());
      const action = params.get('Action') ?? '';
      const op = OPERATIONS[action];
      if (!op)
        throw new AwsError(
          'InvalidAction',
          `The action ${action || '(none)'} is not valid for this endpoint.`,
        );
      const result = op(runtime, { caller: request.caller, region: request.region, params });
      return queryResponse('sns', action, result, request.requestId);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return queryError('sns', error, request.requestId);
    }
  }

  return {
    name: 'sns',
    runtime,
    handle,
    publishAsService(args) {
      const topic = runtime.registry.topics.get(args.topicArn);
      if (!topic) throw new AwsError('NotFound', 'Topic does not exist', 404);
      authorizeTopic(runtime, serviceCaller('s3.amazonaws.com', args.sourceAccount), 'Publish', topic, {
        'aws:SourceArn': args.sourceArn,
        'aws:SourceAccount': args.sourceAccount,
      });
      checkEncryptedDelivery(
        ctx.hooks,
        {
          kmsMasterKeyId: topic.attributes.KmsMasterKeyId,
          region: topic.region,
          service: 'sns',
          encryptionContext: { 'aws:sns:topicArn': topic.arn },
        },
        {
          servicePrincipal: 's3.amazonaws.com',
          sourceArn: args.sourceArn,
          sourceAccount: args.sourceAccount,
        },
      );
      const messageId = publishToTopic(runtime, topic, {
        message: args.message,
        subject: args.subject,
        attributes: {},
      });
      return { messageId };
    },
    canDeliverFrom(args) {
      const topic = runtime.registry.topics.get(args.topicArn);
      if (!topic) return false;
      return ctx.authz.isAllowed({
        caller: serviceCaller(args.sourceService, args.sourceAccount),
        action: 'SNS:Publish',
        resource: topic.arn,
        resourceAccountId: topic.accountId,
        resourcePolicy: topicPolicy(topic),
        context: { 'aws:SourceArn': args.sourceArn, 'aws:SourceAccount': args.sourceAccount },
      });
    },
    deliveries: () => [...runtime.registry.deliveries],
    signingCertificatePem: () => runtime.signing.certificatePem,
    snapshot(): TopicSnapshot {
      return { ...runtime.registry.snapshot(), signingKeyPem: runtime.signing.privateKeyPem };
    },
    restore(data) {
      const snapshot = data as TopicSnapshot | undefined;
      if (!snapshot) return;
      runtime.registry.restore(snapshot);
      if (snapshot.signingKeyPem) runtime.signing = createSigningIdentity(snapshot.signingKeyPem, ctx.now());
    },
  };
}
