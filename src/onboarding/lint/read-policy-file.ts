/**
 * Reads a policy file for `policy lint`: strict JSON (no comments, no trailing commas, as IAM
 * accepts), shaped like a policy document. Problems carry the file, line and column.
 */
import { readFile } from 'node:fs/promises';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import type { PolicyDocument } from '../policies/policy-document.js';

/** The file cannot be linted: unreadable, not JSON, or not a policy document. */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    file: string,
    problem: string,
    position?: { line: number; column: number },
    options?: ErrorOptions,
  ) {
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    super(`${where}: ${problem}`, options);
    this.file = file;
    this.line = position?.line;
    this.column = position?.column;
  }
}

const SYNTAX_PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between items",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string',
};

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parses policy text; throws PolicyFileError naming the first syntax or shape problem. */
export function parsePolicyText(file: string, text: string): PolicyDocument {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined) {
    const code = printParseErrorCode(first.error);
    // A trailing comma shows up as a missing name or value right before a closing bracket.
    const trailing =
      /^[\s]*[}\]]/.test(text.slice(first.offset)) && /,\s*$/.test(text.slice(0, first.offset));
    const problem = trailing ? 'trailing comma' : (SYNTAX_PROBLEMS[code] ?? code);
    throw new PolicyFileError(file, `not valid JSON: ${problem}`, positionOf(text, first.offset));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyFileError(file, 'not a policy document: expected a JSON object with a Statement');
  }
  const statement = (value as { Statement?: unknown }).Statement;
  if (statement === undefined) {
    throw new PolicyFileError(file, 'not a policy document: it has no "Statement"');
  }
  const statements = Array.isArray(statement) ? statement : [statement];
  statements.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      throw new PolicyFileError(file, `not a policy document: Statement[${i}] is not an object`);
    }
    const effect = (s as { Effect?: unknown }).Effect;
    if (effect !== 'Allow' && effect !== 'Deny') {
      throw new PolicyFileError(
        file,
        `not a policy document: Statement[${i}] has Effect ${JSON.stringify(effect ?? null)}, expected "Allow" or "Deny"`,
      );
    }
  });
  return { ...(value as PolicyDocument), Statement: statements as PolicyDocument['Statement'] };
}

export async function readPolicyFile(file: string): Promise<PolicyDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? String(error)})`;
    throw new PolicyFileError(file, reason, undefined, { cause: error });
  }
  return parsePolicyText(file, text);
}
