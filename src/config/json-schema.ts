/**
 * The published JSON Schema (`schema/bucketbridge.schema.json`) for editors, generated from the
 * zod schema's input side, so defaults and optional keys are what a person may write.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export const JSON_SCHEMA_ID = 'https://bucketbridge.dev/schema/bucketbridge.schema.json';

/** A JSON Schema node, loosely typed: the generator and the reference renderer only read it. */
export interface JsonSchemaNode {
  [key: string]: unknown;
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  additionalProperties?: boolean | JsonSchemaNode;
}

/** The configuration's JSON Schema (draft 2020-12). */
export function configJsonSchema(): JsonSchemaNode {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchemaNode;
  const { $schema, ...rest } = generated;
  return { $schema, $id: JSON_SCHEMA_ID, title: 'bucketbridge configuration', ...rest };
}

/** The file's text: pretty JSON with a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
