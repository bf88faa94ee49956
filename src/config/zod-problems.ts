/**
 * Turns zod issues into problems a person can act on: what was expected, what was found, and a
 * hint (a likely key or value for a typo, the broken part of an ARN).
 */
import type { z } from 'zod';
import { describeValue } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import type { RawProblem } from './raw-problem.js';
import { explainIamArn, PRINCIPAL_ARN, ROLE_ARN } from './schema-primitives.js';
import { allowedValuesAt, descriptionAt, knownKeysAt } from './schema-walk.js';

type Issue = z.core.$ZodIssue & { input?: unknown };

/** zod's own messages; anything else is a message the schema wrote as an "expected" phrase. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized key)/;

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  bigint: 'a whole number',
};

function hintForFormat(issue: Issue): string | undefined {
  if (issue.code !== 'invalid_format' || typeof issue.input !== 'string') return undefined;
  const pattern = (issue as { pattern?: string }).pattern;
  if (pattern === String(ROLE_ARN)) return explainIamArn(issue.input, 'role');
  if (pattern === String(PRINCIPAL_ARN)) return explainIamArn(issue.input, 'principal');
  return undefined;
}

function boundText(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const limit = small
    ? (issue as { minimum: number | bigint }).minimum
    : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
      return `${small ? 'at least' : 'at most'} ${limit} item${Number(limit) === 1 ? '' : 's'}`;
    case 'string':
      return `${small ? 'at least' : 'at most'} ${limit} character${Number(limit) === 1 ? '' : 's'}`;
    default:
      return `a number ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${limit}`;
  }
}

function expectedFor(
  issue: Issue,
  shown: unknown,
  root: z.core.$ZodType,
  raw: unknown,
): { expected: string; hint?: string } {
  const custom = !DEFAULT_MESSAGE.test(issue.message);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.expected === 'number' && typeof issue.input === 'number')
        return { expected: 'a whole number' };
      return { expected: custom ? issue.message : (TYPE_WORDS[issue.expected] ?? issue.expected) };
    }
    case 'invalid_value': {
      if (custom) return { expected: issue.message };
      const values = issue.values.map(String);
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, values) : undefined;
      const expected =
        values.length === 1
          ? JSON.stringify(issue.values[0])
          : `one of ${values.map((v) => `\`${v}\``).join(', ')}`;
      return hint?.startsWith('did you mean') ? { expected, hint } : { expected };
    }
    case 'invalid_union': {
      if (custom) return { expected: issue.message };
      const values = allowedValuesAt(root, issue.path, raw);
      if (values.length > 0) {
        const typed = typeof shown === 'string' ? shown : undefined;
        const hint = typed === undefined ? undefined : didYouMean(typed, values);
        return {
          expected: `one of ${values.map((v) => `\`${v}\``).join(', ')}`,
          ...(hint?.startsWith('did you mean') ? { hint } : {}),
        };
      }
      return { expected: 'a value of one of the allowed forms' };
    }
    case 'too_small':
    case 'too_big':
      return { expected: custom ? issue.message : boundText(issue) };
    case 'invalid_format': {
      const hint = hintForFormat(issue);
      const expected = custom ? issue.message : `a string in ${issue.format} format`;
      return hint === undefined ? { expected } : { expected, hint };
    }
    case 'not_multiple_of':
      return { expected: `a multiple of ${issue.divisor}` };
    default:
      return { expected: issue.message };
  }
}

/**
 * One problem per issue; unknown keys become one problem each, located at the key, with a
 * "did you mean" hint. `raw` is the document as plain data (for hints that depend on it).
 */
export function problemsFromZodIssues(
  issues: readonly Issue[],
  root: z.core.$ZodType,
  raw: unknown,
): RawProblem[] {
  const problems: RawProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, path, raw);
      for (const key of issue.keys) {
        problems.push({
          path: [...path, key],
          expected: 'a known key',
          found: `\`${key}\``,
          hint: didYouMean(key, known),
          at: 'key',
        });
      }
      continue;
    }
    // Discriminated unions report a bad `type` at the object; point at the `type` key itself.
    if (
      issue.code === 'invalid_union' &&
      (issue as { discriminator?: string }).discriminator &&
      path.at(-1) !== 'type'
    ) {
      path.push('type');
    }
    const input = 'input' in issue ? issue.input : undefined;
    const shown =
      issue.code === 'invalid_union' && path.at(-1) === 'type' && input !== null && typeof input === 'object'
        ? (input as { type?: unknown }).type
        : input;
    const { expected, hint } = expectedFor(issue, shown, root, raw);
    const problem: RawProblem = {
      path,
      expected,
      found: shown === undefined ? 'nothing: the key is missing' : describeValue(shown),
    };
    if (hint !== undefined) problem.hint = hint;
    else if (shown === undefined) {
      const description = descriptionAt(root, path, raw);
      if (description !== undefined) problem.hint = `${String(path.at(-1))} is required: ${description}`;
    } else if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof shown === 'number') {
      problem.hint = 'put the value in quotes so YAML reads it as text';
    }
    if (shown === undefined) problem.at = 'key';
    problems.push(problem);
  }
  return problems;
}
