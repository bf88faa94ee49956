/**
 * KMS's errors, as its JSON 1.1 protocol names them (`NotFoundException`, `AccessDeniedException`...),
 * with KMS's messages. Operations throw AwsError with these codes; the service renders them.
 * https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
 */
import { AwsError } from '../core/errors.js';

/** A key ID or key ARN that names no key. */
export function keyNotFound(keyArn: string): AwsError {
  return new AwsError('NotFoundException', `Key '${keyArn}' does not exist`);
}

/** An alias name or alias ARN that names no alias. */
export function aliasNotFound(aliasArn: string): AwsError {
  return new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`);
}

/** A key identifier in none of the four forms (key ID, key ARN, alias name, alias ARN). */
export function invalidKeyId(keyId: string): AwsError {
  return new AwsError('NotFoundException', `Invalid keyId '${keyId}'`);
}

/** A required member missing, in the wording of AWS's request validation. */
export function missingMember(member: string): AwsError {
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

/** A member with a value outside its constraint. */
export function invalidMember(member: string, value: string, constraint: string): AwsError {
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

/** The authorizer's AccessDenied becomes KMS's AccessDeniedException with the same message. */
export function asKmsError(error: unknown): unknown {
  if (error instanceof AwsError && error.code === 'AccessDenied')
    return new AwsError('AccessDeniedException', error.message, 400);
  return error;
}
