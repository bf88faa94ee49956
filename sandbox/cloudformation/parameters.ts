/**
 * A stack's parameter values: given values, previous values (UsePreviousValue) and defaults,
 * validated against each parameter's Type, AllowedValues, AllowedPattern, Min/MaxLength and
 * Min/MaxValue with AWS's `ValidationError` texts.
 */
import { AwsError } from '../core/errors.js';
import type { TemplateParameter } from './template-parser.js';

/** One entry of a request's `Parameters.member.N`. */
export interface ParameterInput {
  key: string;
  value?: string;
  usePreviousValue?: boolean;
}

const SUPPORTED_TYPES = new Set([
  'String',
  'Number',
  'List<Number>',
  'CommaDelimitedList',
  'AWS::SSM::Parameter::Value<String>',
]);

function invalid(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

/**
 * The raw string value of every template parameter (list parameters stay comma-separated).
 * @param previous the stack's current values, for UsePreviousValue; undefined when creating.
 */
export function resolveParameterValues(
  declared: Record<string, TemplateParameter>,
  given: ParameterInput[],
  previous?: Record<string, string>,
): Record<string, string> {
  const unknown = given.filter((p) => !Object.hasOwn(declared, p.key)).map((p) => p.key);
  if (unknown.length > 0) throw invalid(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, parameter] of Object.entries(declared)) {
    if (!SUPPORTED_TYPES.has(parameter.Type) && !parameter.Type.startsWith('AWS::')) {
      throw invalid(`Template format error: Unrecognized parameter type: ${parameter.Type}`);
    }
    const input = given.find((p) => p.key === name);
    let value: string | undefined;
    if (input?.usePreviousValue) {
      value = previous?.[name];
      if (value === undefined && previous !== undefined) {
        throw invalid(
          `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
    } else if (input?.value !== undefined) {
      value = input.value;
    }
    if (value === undefined && parameter.Default !== undefined) {
      value = Array.isArray(parameter.Default) ? parameter.Default.join(',') : String(parameter.Default);
    }
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    validateParameter(name, parameter, value);
    values[name] = value;
  }
  if (missing.length > 0) throw invalid(`Parameters: [${missing.join(', ')}] must have values`);
  return values;
}

/** Checks one value against its declaration; throws AWS's ValidationError text. */
export function validateParameter(name: string, parameter: TemplateParameter, value: string): void {
  if (parameter.AllowedValues !== undefined) {
    const allowed = parameter.AllowedValues.map(String);
    const items = parameter.Type === 'CommaDelimitedList' ? value.split(',') : [value];
    if (!items.every((item) => allowed.includes(item))) {
      throw invalid(`Parameter '${name}' must be one of AllowedValues`);
    }
  }
  if (parameter.AllowedPattern !== undefined) {
    const pattern = new RegExp(`^(?:${parameter.AllowedPattern})$`, 'u');
    if (!pattern.test(value)) {
      throw invalid(`Parameter '${name}' must match pattern ${parameter.AllowedPattern}`);
    }
  }
  if (parameter.MinLength !== undefined && value.length < Number(parameter.MinLength)) {
    throw invalid(`Parameter '${name}' must contain at least ${parameter.MinLength} characters`);
  }
  if (parameter.MaxLength !== undefined && value.length > Number(parameter.MaxLength)) {
    throw invalid(`Parameter '${name}' must contain at most ${parameter.MaxLength} characters`);
  }
  if (parameter.Type === 'Number' || parameter.Type === 'List<Number>') {
    for (const item of parameter.Type === 'Number' ? [value] : value.split(',')) {
      const number = Number(item);
      if (item.trim() === '' || Number.isNaN(number)) throw invalid(`Parameter '${name}' must be a number`);
      if (parameter.MinValue !== undefined && number < Number(parameter.MinValue)) {
        throw invalid(`Parameter '${name}' must be a number not less than ${parameter.MinValue}`);
      }
      if (parameter.MaxValue !== undefined && number > Number(parameter.MaxValue)) {
        throw invalid(`Parameter '${name}' must be a number not greater than ${parameter.MaxValue}`);
      }
    }
  }
}

/** The value Ref gives: a list for CommaDelimitedList and List<...>, else the string. */
export function refValueOf(parameter: TemplateParameter, value: string): string | string[] {
  if (parameter.Type === 'CommaDelimitedList' || parameter.Type.startsWith('List<')) {
    return value === '' ? [] : value.split(',').map((item) => item.trim());
  }
  return value;
}
