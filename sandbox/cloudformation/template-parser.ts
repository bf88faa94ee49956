/**
 * Reads a CloudFormation template body: JSON, or YAML with the short-form intrinsic tags
 * (`!Ref`, `!Sub`, `!GetAtt`, `!If`...) expanded into their long forms, and checks the parts the
 * stack engine relies on. Errors are AWS's `ValidationError` "Template format error: ...".
 */
import YAML, { type CollectionTag, isMap, isSeq, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';
import { AwsError } from '../core/errors.js';

/** A template value after parsing: plain JSON. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | TemplateValue[]
  | { [key: string]: TemplateValue };

export interface TemplateParameter {
  Type: string;
  Default?: TemplateValue;
  AllowedValues?: TemplateValue[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  Description?: string;
  NoEcho?: boolean | string;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
}

export interface TemplateOutput {
  Value: TemplateValue;
  Description?: string;
  Condition?: string;
  Export?: { Name: TemplateValue };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters: Record<string, TemplateParameter>;
  Conditions: Record<string, TemplateValue>;
  Resources: Record<string, TemplateResource>;
  Outputs: Record<string, TemplateOutput>;
  /** Top-level key → second-level key → value (Fn::FindInMap). */
  Mappings: Record<string, Record<string, Record<string, TemplateValue>>>;
}

/** Short-form functions whose long form is `Fn::Name` (`!Ref` and `!Condition` are special). */
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];

function longName(tag: string): string {
  return tag === 'Ref' || tag === 'Condition' ? tag : `Fn::${tag}`;
}

/** The `yaml` custom tags for every short form, in its scalar, sequence and mapping shapes. */
function shortFormTags(): Array<ScalarTag | CollectionTag> {
  const tags: Array<ScalarTag | CollectionTag> = [];
  for (const name of [...FUNCTIONS, 'Ref', 'Condition']) {
    const key = longName(name);
    tags.push({
      tag: `!${name}`,
      resolve: (value: string) =>
        // `!GetAtt Role.Arn` is the short form of `Fn::GetAtt: [Role, Arn]`.
        ({ [key]: name === 'GetAtt' ? splitGetAtt(value) : value }) as unknown as string,
    });
    tags.push({
      tag: `!${name}`,
      collection: 'seq',
      resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() }) as unknown as YAMLSeq,
    } as CollectionTag);
    tags.push({
      tag: `!${name}`,
      collection: 'map',
      resolve: (map: YAMLMap) => ({ [key]: map.toJSON() }) as unknown as YAMLMap,
    } as CollectionTag);
  }
  return tags;
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const CUSTOM_TAGS = shortFormTags();

function formatError(message: string): AwsError {
  return new AwsError('ValidationError', `Template format error: ${message}`);
}

/** Parses JSON or YAML text into plain values (no checks on the structure). */
export function parseTemplateText(body: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(body);
    } catch (error) {
      throw formatError(`JSON not well-formed. (${(error as Error).message})`);
    }
  }
  const document = YAML.parseDocument(body, { version: '1.1', customTags: CUSTOM_TAGS, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw formatError(`YAML not well-formed. (${document.errors[0]!.message.split('\n')[0]})`);
  }
  const contents = document.contents;
  if (contents !== null && !isMap(contents) && !isSeq(contents)) {
    throw formatError('YAML not well-formed. (the template is not a mapping)');
  }
  return document.toJS({ maxAliasCount: 100 });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and checks a template: sections are mappings, every resource has a Type. */
export function parseTemplate(body: string): Template {
  const raw = parseTemplateText(body);
  if (!isObject(raw)) throw formatError('The template must be a JSON or YAML mapping');
  const known = new Set([
    'AWSTemplateFormatVersion',
    'Description',
    'Metadata',
    'Parameters',
    'Mappings',
    'Conditions',
    'Transform',
    'Resources',
    'Outputs',
    'Rules',
  ]);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw formatError(`Invalid template property or properties [${unknown.join(', ')}]`);
  // Transforms (macros, SAM) and Rules would change what the template means: refuse them rather
  // than deploy something other than what was written.
  if (raw.Transform !== undefined) {
    throw formatError(
      'Transform is not supported by the bucketbridge sandbox; deploy the processed template',
    );
  }
  if (raw.Rules !== undefined) {
    throw formatError('Rules are not supported by the bucketbridge sandbox; remove the Rules section');
  }
  if (raw.Mappings !== undefined && !isObject(raw.Mappings)) throw formatError('Mappings must be a mapping');
  if (raw.AWSTemplateFormatVersion !== undefined && String(raw.AWSTemplateFormatVersion) !== '2010-09-09') {
    throw formatError(`Unsupported template version ${String(raw.AWSTemplateFormatVersion)}`);
  }
  if (!isObject(raw.Resources) || Object.keys(raw.Resources).length === 0) {
    throw formatError('At least one Resources member must be defined.');
  }
  for (const section of ['Parameters', 'Conditions', 'Outputs'] as const) {
    if (raw[section] !== undefined && !isObject(raw[section])) {
      throw formatError(`${section} must be a mapping`);
    }
  }
  for (const [id, resource] of Object.entries(raw.Resources)) {
    if (!/^[A-Za-z0-9]+$/.test(id)) throw formatError(`Resource name ${id} is non alphanumeric.`);
    if (!isObject(resource) || typeof resource.Type !== 'string') {
      throw formatError(`[/Resources/${id}] Every Resources object must contain a Type member.`);
    }
    if (resource.Properties !== undefined && !isObject(resource.Properties)) {
      throw formatError(`[/Resources/${id}/Properties] Properties must be a mapping`);
    }
  }
  for (const [id, parameter] of Object.entries((raw.Parameters ?? {}) as Record<string, unknown>)) {
    if (!isObject(parameter) || typeof parameter.Type !== 'string') {
      throw formatError(`[/Parameters/${id}] Every Parameters object must contain a Type member.`);
    }
  }
  for (const [id, output] of Object.entries((raw.Outputs ?? {}) as Record<string, unknown>)) {
    if (!isObject(output) || output.Value === undefined) {
      throw formatError(`[/Outputs/${id}] Every Outputs member must contain a Value object`);
    }
  }
  return {
    AWSTemplateFormatVersion: raw.AWSTemplateFormatVersion as string | undefined,
    Description: typeof raw.Description === 'string' ? raw.Description : undefined,
    Parameters: (raw.Parameters ?? {}) as Template['Parameters'],
    Conditions: (raw.Conditions ?? {}) as Template['Conditions'],
    Resources: raw.Resources as Template['Resources'],
    Outputs: (raw.Outputs ?? {}) as Template['Outputs'],
    Mappings: (raw.Mappings ?? {}) as Template['Mappings'],
  };
}
