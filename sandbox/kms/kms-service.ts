/**
 * The sandbox's KMS over its JSON 1.1 protocol (`X-Amz-Target: TrentService.<Op>`), and the hook
 * S3 uses to check a caller's use of a key for SSE-KMS (`kms:ViaService` = S3).
 */
import { AwsError } from '../core/errors.js';
import type {
  CrossServiceHooks,
  SandboxContext,
  Service,
  ServiceRequest,
  ServiceResponse,
} from '../core/types.js';
import { jsonError, jsonResponse, jsonTargetAction } from '../protocols/json.js';
import { KeyStore } from './key-store.js';
import { authorizeKey, KMS_OPERATIONS, type KmsRuntime, keyConditionContext } from './kms-operations.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface KmsService extends Service {
  /** S3's use of a key for a caller; see CrossServiceHooks.useKmsKey. */
  useKey: CrossServiceHooks['useKmsKey'];
}

function withJson11(response: ServiceResponse): ServiceResponse {
  return { ...response, headers: { ...response.headers, 'content-type': CONTENT_TYPE } };
}

export function createKmsService(ctx: SandboxContext): KmsService {
  const runtime: KmsRuntime = { store: new KeyStore(() => ctx.now().getTime()), authz: ctx.authz };

  async function handle(request: ServiceRequest): Promise<ServiceResponse> {
    try {
      const raw = (await request.readBody()).toString('utf8');
      let input: Record<string, unknown>;
      try {
        input = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      const action = jsonTargetAction(String(request.headers['x-amz-target'] ?? ''));
      const operation = action ? KMS_OPERATIONS[action] : undefined;
      if (!operation)
        throw new AwsError(
          'UnknownOperationException',
          `The sandbox's KMS does not serve ${action ?? '(no action)'}.`,
        );
      const result = operation(runtime, { caller: request.caller, region: request.region, input });
      return withJson11(jsonResponse(result, request.requestId));
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return withJson11(jsonError(error, request.requestId, 'com.amazonaws.kms'));
    }
  }

  return {
    name: 'kms',
    handle,
    useKey(args) {
      const key = runtime.store.resolve(args.keyId, args.caller.accountId, args.region);
      authorizeKey(runtime, args.caller, args.action, key, {
        ...keyConditionContext(args.caller, args.encryptionContext, args.viaService),
        ...args.context,
      });
      return key.arn;
    },
    snapshot: () => runtime.store.snapshot(),
    restore: (data) => runtime.store.restore(data),
  };
}
