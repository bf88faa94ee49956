/** Reading CloudFormation's query parameters: stack names, template bodies, parameters, tags. */
import { AwsError } from '../core/errors.js';
import { queryList } from '../protocols/query.js';
import type { ParameterInput } from './parameters.js';

/** AWS's limit on an inline TemplateBody, in bytes. */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

function constraint(value: string, member: string, rule: string): AwsError {
  return new AwsError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

/** A required stack name (or stack ID) parameter. */
export function stackNameParam(params: URLSearchParams, name = 'StackName'): string {
  const value = params.get(name);
  if (value === null || value === '') {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** A new stack's name: a letter, then letters, digits and hyphens, at most 128 characters. */
export function newStackName(params: URLSearchParams): string {
  const name = stackNameParam(params);
  if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128) {
    throw constraint(
      name,
      'stackName',
      'Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*',
    );
  }
  return name;
}

/** The template body, or undefined when the request says UsePreviousTemplate. */
export function templateBodyParam(params: URLSearchParams, allowPrevious: boolean): string | undefined {
  const body = params.get('TemplateBody');
  if (params.get('TemplateURL')) {
    throw new AwsError(
      'ValidationError',
      'TemplateURL is not supported by the bucketbridge sandbox; pass the template inline with TemplateBody (aws cloudformation deploy does so for templates up to 51,200 bytes)',
    );
  }
  if (body !== null) {
    if (Buffer.byteLength(body, 'utf8') > TEMPLATE_BODY_MAX_BYTES) {
      throw constraint(
        '[template]',
        'templateBody',
        `Member must have length less than or equal to ${TEMPLATE_BODY_MAX_BYTES}`,
      );
    }
    return body;
  }
  if (allowPrevious && params.get('UsePreviousTemplate') === 'true') return undefined;
  throw new AwsError('ValidationError', 'Either Template URL or Template Body must be specified.');
}

export function parameterInputs(params: URLSearchParams): ParameterInput[] {
  const inputs: ParameterInput[] = [];
  for (let i = 1; params.has(`Parameters.member.${i}.ParameterKey`); i += 1) {
    const prefix = `Parameters.member.${i}`;
    inputs.push({
      key: params.get(`${prefix}.ParameterKey`)!,
      value: params.get(`${prefix}.ParameterValue`) ?? undefined,
      usePreviousValue: params.get(`${prefix}.UsePreviousValue`) === 'true',
    });
  }
  return inputs;
}

export function capabilitiesParam(params: URLSearchParams): string[] {
  const capabilities = queryList(params, 'Capabilities');
  const known = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];
  const bad = capabilities.find((c) => !known.includes(c));
  if (bad !== undefined) {
    throw constraint(bad, 'capabilities', `Member must satisfy enum value set: [${known.join(', ')}]`);
  }
  return capabilities;
}

export function tagsParam(params: URLSearchParams): Array<{ Key: string; Value: string }> {
  const tags: Array<{ Key: string; Value: string }> = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i += 1) {
    tags.push({
      Key: params.get(`Tags.member.${i}.Key`)!,
      Value: params.get(`Tags.member.${i}.Value`) ?? '',
    });
  }
  return tags;
}
