/**
 * SQS names each error twice: a JSON 1.0 shape (`QueueDoesNotExist`) and a classic query code
 * (`AWS.SimpleQueueService.NonExistentQueue`) that query-compatible clients read from the
 * `x-amzn-query-error` header. Handlers throw AwsError with the shape name as `code`; the
 * protocol layer renders it for the wire with these tables.
 */
import { AwsError } from '../core/errors.js';

const QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};

/** JSON `__type` shapes that live outside the SQS namespace (AWS's front end raises them). */
const FOREIGN_SHAPES: Record<string, string> = {
  AccessDenied: 'com.amazon.coral.service#AccessDeniedException',
  InvalidAction: 'com.amazon.coral.service#UnknownOperationException',
  MissingParameter: 'com.amazon.coral.validate#ValidationException',
};

/** The classic query code of an error thrown with its JSON shape name. */
export function sqsQueryCode(shape: string): string {
  return QUERY_CODES[shape] ?? shape;
}

/** The error as the query protocol sends it. */
export function toQueryError(error: AwsError): AwsError {
  return new AwsError(sqsQueryCode(error.code), error.message, error.status, {}, error.fault);
}

/** The error as JSON 1.0 sends it, with the full `__type` and the namespace it lives in. */
export function toJsonError(error: AwsError): { error: AwsError; namespace: string } {
  const foreign = FOREIGN_SHAPES[error.code];
  const [namespace, shape] = foreign ? foreign.split('#') : ['com.amazonaws.sqs', error.code];
  return {
    error: new AwsError(
      sqsQueryCode(error.code),
      error.message,
      error.status,
      { __type: shape! },
      error.fault,
    ),
    namespace: namespace!,
  };
}

/** QueueDoesNotExist with AWS's message. */
export function queueDoesNotExist(): AwsError {
  return new AwsError('QueueDoesNotExist', 'The specified queue does not exist.');
}

/** MissingParameter with AWS's message. */
export function missingParameter(name: string): AwsError {
  return new AwsError('MissingParameter', `The request must contain the parameter ${name}.`);
}
