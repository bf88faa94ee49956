/**
 * Input validation in the words of AWS's query services (IAM, STS): every violated constraint of
 * every member is collected, then reported at once as
 * `2 validation errors detected: Value 'a' at 'roleSessionName' failed to satisfy constraint:
 * Member must have length greater than or equal to 2; Value ...`.
 */
import { AwsError } from '../core/errors.js';

export class MemberConstraints {
  private readonly problems: string[] = [];

  private add(member: string, value: string | number | undefined, constraint: string): void {
    const shown = value === undefined ? 'null' : `'${value}'`;
    this.problems.push(
      `Value ${shown} at '${member}' failed to satisfy constraint: Member must ${constraint}`,
    );
  }

  /** A required member: reports `Member must not be null` when absent. Returns whether present. */
  required(member: string, value: string | undefined): value is string {
    if (value !== undefined) return true;
    this.add(member, value, 'not be null');
    return false;
  }

  /** Length bounds, in characters (inclusive); absent values pass. */
  length(member: string, value: string | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    const length = [...value].length;
    if (length < min) this.add(member, value, `have length greater than or equal to ${min}`);
    if (length > max) this.add(member, value, `have length less than or equal to ${max}`);
    return this;
  }

  /** A pattern the whole value must match; `source` is the pattern as AWS prints it. */
  pattern(member: string, value: string | undefined, source: string): this {
    if (value === undefined) return this;
    if (!new RegExp(`^(?:${source})$`, 'u').test(value)) {
      this.add(member, value, `satisfy regular expression pattern: ${source}`);
    }
    return this;
  }

  /** Integer bounds (inclusive); absent values pass. */
  range(member: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.add(member, value, `have value greater than or equal to ${min}`);
    if (value > max) this.add(member, value, `have value less than or equal to ${max}`);
    return this;
  }

  /** Throws AWS's ValidationError when any constraint failed. */
  check(): void {
    const count = this.problems.length;
    if (count === 0) return;
    const head = `${count} validation error${count === 1 ? '' : 's'} detected: `;
    throw new AwsError('ValidationError', head + this.problems.join('; '), 400);
  }
}

/**
 * Reads an integer query parameter. A value that is not an integer is refused the way AWS's
 * query deserializer does, naming the member.
 */
export function integerParam(params: URLSearchParams, name: string, member: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new AwsError(
      'ValidationError',
      `Value '${raw}' at '${member}' failed to satisfy constraint: Member must be an integer`,
      400,
    );
  }
  return Number(raw);
}

/** Reads an optional string query parameter (absent → undefined). */
export function stringParam(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}
