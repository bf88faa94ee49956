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

/** A zod check as far as the renderer reads it: a regular expression and the words of its error. */
interface RegexCheck {
  _zod: { def: { format?: string; error?: () => unknown } };
}

/**
 * The words a regular expression's error gives (`a 12-digit AWS account ID ...`), which say to a
 * person what the pattern allows.
 */
function patternWords(schema: unknown): string | undefined {
  const checks = (schema as { _zod?: { def?: { checks?: RegexCheck[] } } })._zod?.def?.checks ?? [];
  const words = checks
    .filter((check) => check._zod.def.format === 'regex' || check._zod.def.format === 'starts_with')
    .map((check) => check._zod.def.error?.())
    .filter((text): text is string => typeof text === 'string');
  return words.length > 0 ? words.join('; ') : undefined;
}

/**
 * The configuration's JSON Schema (draft 2020-12). With `allowedWords`, each pattern also carries
 * `x-allowed`, its error's plain words, for the configuration reference (the published file keeps
 * the standard keywords only).
 */
export function configJsonSchema(options: { allowedWords?: boolean } = {}): JsonSchemaNode {
  const generated = z.toJSONSchema(configSchema, {
    io: 'input',
    target: 'draft-2020-12',
    ...(options.allowedWords
      ? {
          override: (context) => {
            const words = patternWords(context.zodSchema);
            if (words !== undefined && context.jsonSchema.pattern !== undefined)
              context.jsonSchema['x-allowed'] = words;
          },
        }
      : {}),
  }) as JsonSchemaNode;
  const { $schema, ...rest } = generated;
  return { $schema, $id: JSON_SCHEMA_ID, title: 'bucketbridge configuration', ...rest };
}

/** The file's text: pretty JSON with a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
