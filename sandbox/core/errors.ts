/**
 * An error as an AWS service reports it. Each protocol renders it in its own form: S3's
 * `<Error><Code>`, the query protocol's `<ErrorResponse>`, JSON 1.0's `{"__type", "message"}`.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    /** AWS's error code, e.g. `AccessDenied`, `NoSuchKey`, `InvalidParameterValue`. */
    readonly code: string,
    message: string,
    /** HTTP status: 400 for client errors unless AWS uses another. */
    readonly status = 400,
    /** Extra fields some errors carry (S3's `<Key>`, `<BucketName>`, `<Resource>`...). */
    readonly fields: Record<string, string> = {},
    /** Client errors are `Sender` in query/SNS/SQS responses; 5xx are `Receiver`. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}
