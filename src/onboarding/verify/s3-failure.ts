/** How an S3 failure reads in a check's detail: `ListObjectsV2 s3://b/p: AccessDenied: ...`. */
import { awsErrorCode, messageOf } from '../../aws/errors.js';

export function s3Failure(operation: string, location: string, error: unknown): string {
  return `${operation} ${location}: ${awsErrorCode(error) ?? 'Error'}: ${messageOf(error)}`;
}

/** True when S3 refused for lack of permission (as opposed to a missing bucket or a network error). */
export function isAccessDenied(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code === 'AccessDenied' || code === 'Forbidden' || code === 'AllAccessDisabled';
}
