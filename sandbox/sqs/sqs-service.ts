/**
 * The sandbox's SQS: both wire protocols (JSON 1.0 with `X-Amz-Target: AmazonSQS.Op`, and the
 * query protocol with `Action=Op`), routed to protocol-neutral operations, plus the entry point
 * other services use to deliver into a queue as AWS's service principals.
 */
import { checkEncryptedDelivery } from '../core/encrypted-delivery.js';
import { AwsError } from '../core/errors.js';
import { serviceCaller } from '../core/identity.js';
import type { SandboxContext, Service, ServiceRequest, ServiceResponse } from '../core/types.js';
import { jsonError, jsonResponse, jsonTargetAction } from '../protocols/json.js';
import { queryError, queryParams, queryResponse } from '../protocols/query.js';
import { type Clock, systemClock } from './clock.js';
import { buildMessage, MESSAGE_OPERATIONS, senderIdOf } from './message-operations.js';
import { queryToInput, resultToXml } from './query-protocol.js';
import { queuePolicyOf } from './queue-attributes.js';
import { QUEUE_OPERATIONS } from './queue-operations.js';
import { PERMISSION_OPERATIONS } from './queue-permissions.js';
import { QueueRegistry, type QueueSnapshot } from './queue-registry.js';
import { queueDoesNotExist, toJsonError, toQueryError } from './sqs-errors.js';
import { authorizeQueue, type SqsOperation, type SqsRuntime } from './sqs-input.js';

const OPERATIONS: Record<string, SqsOperation> = {
  ...QUEUE_OPERATIONS,
  ...MESSAGE_OPERATIONS,
  ...PERMISSION_OPERATIONS,
};

/** A delivery into a queue by an AWS service (S3 event notifications, SNS subscriptions). */
export interface ServiceDelivery {
  queueArn: string;
  body: string;
  sourceService: 's3.amazonaws.com' | 'sns.amazonaws.com';
  /** The resource on whose behalf the service acts (bucket or topic ARN): `aws:SourceArn`. */
  sourceArn: string;
  /** The account that owns the source: `aws:SourceAccount`. */
  sourceAccount: string;
  /** Message attributes to carry (SNS raw delivery), in the SQS API's wire shape. */
  messageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
}

export interface SqsService extends Service {
  /** Enqueues a message as a service principal, checked against the queue's policy; throws AwsError. */
  sendAsService(args: ServiceDelivery): { messageId: string };
  /** Whether the queue exists and its policy lets the source deliver (no side effects). */
  canDeliverFrom(args: Omit<ServiceDelivery, 'body' | 'messageAttributes'>): boolean;
  /** The runtime, for tests and the admin surface. */
  readonly runtime: SqsRuntime;
}

export interface SqsServiceOptions {
  /** Overrides the engine's clock (tests); defaults to one reading `ctx.now()`. */
  clock?: Clock;
}

export function createSqsService(ctx: SandboxContext, options: SqsServiceOptions = {}): SqsService {
  const clock = options.clock ?? systemClock(() => ctx.now());
  const runtime: SqsRuntime = {
    registry: new QueueRegistry(clock, () => ctx.endpoint()),
    clock,
    authz: ctx.authz,
  };

  async function run(action: string | undefined, request: ServiceRequest, input: Record<string, unknown>) {
    const op = action ? OPERATIONS[action] : undefined;
    if (!op) {
      throw new AwsError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this endpoint.`);
    }
    // The server may offer an AbortSignal for client disconnects (an optional extension of
    // ServiceRequest); long polls then stop instead of taking messages nobody will receive.
    return op(runtime, {
      caller: request.caller,
      region: request.region,
      input,
      signal: request.signal,
      duplicateDelivery: request.duplicateDelivery === true,
    });
  }

  async function handleJson(request: ServiceRequest): Promise<ServiceResponse> {
    try {
      const raw = (await request.readBody()).toString('utf8');
      let input: Record<string, unknown> = {};
      try {
        input = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      const action = jsonTargetAction(String(request.headers['x-amz-target'] ?? ''));
      return jsonResponse(await run(action, request, input), request.requestId);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      const { error: wire, namespace } = toJsonError(error);
      return jsonError(wire, request.requestId, namespace);
    }
  }

  async function handleQuery(request: ServiceRequest): Promise<ServiceResponse> {
    try {
      const params = queryParams(request.url, await request.readBody());
      const action = params.get('Action') ?? undefined;
      const result = await run(action, request, queryToInput(action ?? '', params, request.url.pathname));
      return queryResponse('sqs', action!, resultToXml(action!, result), request.requestId);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return queryError('sqs', toQueryError(error), request.requestId);
    }
  }

  function deliveryQueue(args: { queueArn: string }) {
    const queue = runtime.registry.get(args.queueArn);
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  return {
    name: 'sqs',
    runtime,
    handle(request) {
      return request.headers['x-amz-target'] ? handleJson(request) : handleQuery(request);
    },
    sendAsService(args) {
      const queue = deliveryQueue(args);
      const caller = serviceCaller(args.sourceService, args.sourceAccount);
      authorizeQueue(runtime, caller, 'SendMessage', queue, {
        'aws:SourceArn': args.sourceArn,
        'aws:SourceAccount': args.sourceAccount,
      });
      checkEncryptedDelivery(
        ctx.hooks,
        {
          kmsMasterKeyId: queue.attributes.KmsMasterKeyId,
          region: queue.identity.region,
          service: 'sqs',
          encryptionContext: { 'aws:sqs:arn': queue.identity.arn },
        },
        {
          servicePrincipal: args.sourceService,
          sourceArn: args.sourceArn,
          sourceAccount: args.sourceAccount,
        },
      );
      const message = buildMessage(
        queue,
        { MessageBody: args.body, MessageAttributes: args.messageAttributes },
        senderIdOf(caller),
      );
      return { messageId: queue.send(message).messageId };
    },
    canDeliverFrom(args) {
      const queue = runtime.registry.get(args.queueArn);
      if (!queue) return false;
      return ctx.authz.isAllowed({
        caller: serviceCaller(args.sourceService, args.sourceAccount),
        action: 'sqs:SendMessage',
        resource: queue.identity.arn,
        resourceAccountId: queue.identity.accountId,
        resourcePolicy: queuePolicyOf(queue.attributes),
        context: { 'aws:SourceArn': args.sourceArn, 'aws:SourceAccount': args.sourceAccount },
      });
    },
    snapshot() {
      return { version: 1, queues: runtime.registry.snapshot() };
    },
    restore(data) {
      const snapshot = data as { version?: number; queues?: QueueSnapshot[] } | undefined;
      if (snapshot?.queues) runtime.registry.restore(snapshot.queues);
    },
  };
}
