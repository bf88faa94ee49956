/**
 * AWS SDK clients and the small set-ups the sandbox's own suites share: a client signed as one
 * account that makes a single attempt, an S3 suite's sandbox and client, and an SQS queue that S3
 * may deliver a bucket's events to.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { bucketEventsQueuePolicy, type SourceArnOperator } from '../fixtures/queue-policies.js';
import { type SandboxSdkConfig, type Signer, type TestSandbox, uniqueName } from './sandbox.js';
import { useTestSandbox } from './sandbox-suite.js';

/** What `sandboxClient` passes a client's constructor: the sandbox's settings and one attempt. */
export type SandboxClientConfig = SandboxSdkConfig & { maxAttempts: number };

/**
 * An AWS SDK client for the sandbox signed as `signer` (default the customer), with one attempt so
 * a test sees the sandbox's first answer rather than a retry's. It is made on first use, so a file
 * may declare it beside `useTestSandbox()` before the sandbox runs. `overrides` replace settings
 * (e.g. `{ region: 'eu-central-1' }`).
 */
export function sandboxClient<C extends object>(
  sandbox: TestSandbox,
  Client: new (config: SandboxClientConfig) => C,
  signer: Signer = 'customer',
  overrides: Partial<SandboxClientConfig> = {},
): C {
  let client: C | undefined;
  const made = (): C => {
    client ??= new Client({ ...sandbox.sdkConfig(signer), maxAttempts: 1, ...overrides });
    return client;
  };
  return new Proxy({} as C, {
    get(_target, key) {
      const member = Reflect.get(made(), key) as unknown;
      return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(made()) : member;
    },
  });
}

/**
 * Creates a queue (named `<namePrefix>-<random>`, with `attributes`) and, when `bucket` is given,
 * lets S3 deliver that bucket's events to it (`bucketEventsQueuePolicy` of test/fixtures).  Returns its URL and ARN.
 */
export async function queueForBucketEvents(
  sqs: SQSClient,
  bucket: string | undefined,
  options: {
    namePrefix?: string;
    attributes?: Partial<Record<QueueAttributeName, string>>;
    operator?: SourceArnOperator;
  } = {},
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName(options.namePrefix ?? 'events'),
      Attributes: options.attributes,
    }),
  );
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = attributes.Attributes!.QueueArn!;
  if (bucket) {
    const Policy = bucketEventsQueuePolicy(arn, bucket, options.operator);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
  }
  return { url: QueueUrl!, arn };
}

/** SQS as the sandbox's queue suites drive it; see `sandboxQueues`. */
export interface SandboxQueues {
  /** A single-attempt SQS client signed as `signer` (default the suite's). */
  client(signer?: Signer): SQSClient;
  /** Creates the queue `name` with `attributes` as `signer`; returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>, signer?: Signer): Promise<string>;
  /** The ARN of `account`'s queue `name` in the sandbox's region. */
  queueArn(account: string, name: string): string;
}

/** Queue helpers for a suite whose queues belong by default to `defaultSigner`. */
export function sandboxQueues(sandbox: TestSandbox, defaultSigner: Signer = 'vendor'): SandboxQueues {
  const client = (signer: Signer = defaultSigner) =>
    new SQSClient({ ...sandbox.sdkConfig(signer), maxAttempts: 1 });
  return {
    client,
    async createQueue(name, attributes = {}, signer = defaultSigner) {
      const res = await client(signer).send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      return res.QueueUrl!;
    },
    queueArn: (account, name) => `arn:aws:sqs:${sandbox.region}:${account}:${name}`,
  };
}

/**
 * For an S3 suite: the sandbox (started before the file's tests, closed after them) and an S3
 * client signed as the customer with one attempt (`sandboxClient`).
 */
export function useS3Sandbox() {
  const sandbox = useTestSandbox();
  return { sandbox, s3: sandboxClient(sandbox, S3Client) };
}
