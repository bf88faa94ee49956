/**
 * The contracts between the sandbox's parts: the server (routing, SigV4, faults), the authorizer,
 * and the services (IAM, STS, S3, SNS, SQS, CloudFormation). Every service receives an
 * authenticated request and the shared context; services reach each other only through the
 * context's narrow cross-service hooks, never by importing each other's state.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { CallerIdentity } from './identity.js';

export type ServiceName = 'iam' | 'sts' | 's3' | 'sns' | 'sqs' | 'kms' | 'cloudformation';

/** How a request was framed: S3's REST-XML, the form-encoded query protocol, or JSON 1.0 (SQS). */
export type WireProtocol = 'rest-xml' | 'query' | 'json';

/** One authenticated request, routed to a service. */
export interface ServiceRequest {
  service: ServiceName;
  method: string;
  /** Full URL as received (path-style for S3: `/bucket/key`). */
  url: URL;
  /**
   * The path exactly as sent, still percent-encoded and with dot segments kept (`url.pathname`
   * folds `a/../b` into `b`, but S3 keys may contain such segments). Path-style for S3.
   */
  rawPath?: string;
  headers: IncomingHttpHeaders;
  /** The signing region from the SigV4 credential scope. */
  region: string;
  caller: CallerIdentity;
  /** Unique per request; returned as x-amz-request-id / RequestId. */
  requestId: string;
  /**
   * The request body, already de-chunked when it was sent `aws-chunked` and verified against its
   * signed payload hash or trailing checksum as it streams (a mismatch errors the stream, so a
   * handler that stores the body must only commit after the stream ended cleanly). For
   * aws-chunked bodies `headers['content-length']` is the decoded length, and the trailing
   * checksum header (e.g. `x-amz-checksum-crc32`) is added to `headers` when the body has ended.
   * S3 handlers stream it; the others call `readBody()`.
   */
  body: Readable;
  /** Reads the whole body (for small, non-S3 requests; refuses more than 1 MiB + 256 KiB). */
  readBody(): Promise<Buffer>;
  /**
   * Aborts when the client goes away before the response is written, so a long poll the client
   * abandoned does not take messages (and hide them for a visibility timeout) for nobody.
   */
  signal?: AbortSignal;
  /** True when the client connected over TLS (always false here: the sandbox serves HTTP). */
  secureTransport: boolean;
  /**
   * The operation as the server classified it for routing and faults: the query `Action`, the
   * JSON target's action, or S3's operation name (`GetObject`, `PutBucketPolicy`...).
   */
  operation?: string;
  /** The wire protocol the request arrived in (SQS serves both `json` and `query`). */
  protocol?: WireProtocol;
  /** The `duplicate` fault drew this request (SQS ReceiveMessage: leave copies behind). */
  duplicateDelivery?: boolean;
}

/** What a service answers; the server writes it. A Readable body is piped (object downloads). */
export interface ServiceResponse {
  status: number;
  headers?: Record<string, string | number | string[]>;
  body?: string | Buffer | Readable;
}

export interface Service {
  readonly name: ServiceName;
  handle(request: ServiceRequest): Promise<ServiceResponse>;
  /** Persists state under the state directory (when the sandbox was started with --state). */
  snapshot?(): unknown;
  restore?(data: unknown): void;
}

/** A statement of an IAM policy document, as parsed JSON. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** The question the authorizer answers for every action a service performs on behalf of a caller. */
export interface AuthorizationRequest {
  caller: CallerIdentity;
  /** `service:Action`, e.g. `s3:GetObject`, `sns:Subscribe`, `sts:AssumeRole`. */
  action: string;
  /** The resource's ARN, e.g. `arn:aws:s3:::bucket/key`. */
  resource: string;
  /** The account that owns the resource. Cross-account requests need both sides to allow. */
  resourceAccountId: string;
  /** The resource's own policy (bucket, topic, queue, role trust), when it has one. */
  resourcePolicy?: PolicyDocument;
  /** Condition keys for this request (`s3:prefix`, `sts:ExternalId`, `aws:SourceArn`...). */
  context?: Record<string, string | string[] | boolean | undefined>;
  /**
   * KMS key policies: the resource policy is the primary control. Identity policies count only
   * where it names the caller's account, even within that account and for its root user.
   */
  resourcePolicyGoverns?: boolean;
}

export interface Authorizer {
  /**
   * Throws AwsError('AccessDenied', 'User: ARN is not authorized to perform: ACTION on resource: ARN ...')
   * when the request is not allowed (status 403); returns when it is.
   */
  authorize(request: AuthorizationRequest): void;
  /** Same evaluation, as a boolean (for checks that must not throw). */
  isAllowed(request: AuthorizationRequest): boolean;
}

/** An AWS account of the sandbox, with its root user's long-term keys. */
export interface SandboxAccount {
  name: string;
  id: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Temporary credentials issued by STS, registered with the credential store. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  identity: CallerIdentity;
}

export interface CredentialStore {
  /** The identity and secret of an access key, or undefined when unknown (InvalidAccessKeyId). */
  lookup(
    accessKeyId: string,
  ): { secretAccessKey: string; sessionToken?: string; identity: CallerIdentity } | undefined;
  /** Issues temporary credentials (AssumeRole) valid for durationSec, shortened by the expiry switch. */
  issueSession(
    identity: Omit<CallerIdentity, 'accessKeyId' | 'expiresAt'>,
    durationSec: number,
  ): SessionCredentials;
}

/**
 * Hooks by which one service asks another to act as AWS's services do internally: S3 publishing
 * an event notification, SNS delivering to a queue. Each returns normally or throws AwsError.
 */
export interface CrossServiceHooks {
  /** S3/SNS → SQS: enqueue a message as the service principal `sourceService` on behalf of sourceArn. */
  sendToQueue(args: {
    queueArn: string;
    body: string;
    sourceService: 's3.amazonaws.com' | 'sns.amazonaws.com';
    sourceArn: string;
    sourceAccount: string;
  }): void;
  /** S3 → SNS: publish to a topic as the S3 service principal. */
  publishToTopic(args: {
    topicArn: string;
    subject?: string;
    message: string;
    sourceArn: string;
    sourceAccount: string;
  }): void;
  /** Whether the destination's policy lets this source publish (PutBucketNotificationConfiguration validation). */
  canDeliver(args: {
    destinationArn: string;
    sourceService: 's3.amazonaws.com' | 'sns.amazonaws.com';
    sourceArn: string;
    sourceAccount: string;
  }): boolean;
  /**
   * S3 → KMS: checks that the caller may use a KMS key for `action` (`kms:Decrypt`,
   * `kms:GenerateDataKey`) through S3 (`kms:ViaService`), by the key policy and the caller's IAM
   * policies; returns the key's ARN. Throws AwsError (`NotFoundException`, `AccessDeniedException`,
   * `DisabledException`) with KMS's code and message.
   */
  useKmsKey(args: {
    caller: CallerIdentity;
    /** A key ID, key ARN, alias name or alias ARN. */
    keyId: string;
    action: 'kms:Decrypt' | 'kms:GenerateDataKey';
    region: string;
    viaService: string;
    encryptionContext: Record<string, string>;
    /** Further condition keys of the request (`aws:SourceArn`, `aws:SourceAccount` for a service). */
    context?: Record<string, string>;
  }): string;
  /** The IAM inline policies of a role, for the authorizer. */
  rolePolicies(roleArn: string): PolicyDocument[];
  /** A role as STS needs it (trust policy, maximum session), or undefined when there is none. */
  getRole(roleArn: string):
    | {
        arn: string;
        name: string;
        accountId: string;
        trustPolicy: PolicyDocument;
        maxSessionDurationSec: number;
      }
    | undefined;
}

/** Everything a service may use beyond its own state. */
export interface SandboxContext {
  /** The region the sandbox reports (`us-east-1` by default); buckets may live in others. */
  defaultRegion: string;
  /** The endpoint clients use, e.g. `http://127.0.0.1:4566` (for queue URLs, SigningCertURL...). */
  endpoint(): string;
  accounts: ReadonlyArray<SandboxAccount>;
  credentials: CredentialStore;
  authz: Authorizer;
  hooks: CrossServiceHooks;
  /** The clock every service uses, so tests can reason about expiry. */
  now(): Date;
  /** Directory for persistent state, when started with --state. */
  stateDir?: string;
}
