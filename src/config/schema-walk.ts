/**
 * Finds what the schema allows at a key path of a (possibly invalid) document: the keys of an
 * object, the values of an enum. Used for "did you mean" hints.
 */
import { z } from 'zod';

type AnySchema = z.core.$ZodType;
type Def = { type: string; [key: string]: unknown };

const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips the wrappers that do not change shape: default, optional, nullable, pipe (input side). */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      ['default', 'optional', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)
    ) {
      current = def.innerType as AnySchema;
    } else if (def.type === 'pipe') {
      current = def.in as AnySchema;
    } else {
      return current;
    }
  }
}

function literalValues(schema: AnySchema): unknown[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'literal') return def.values as unknown[];
  if (def.type === 'enum') return Object.values(def.entries as Record<string, unknown>);
  return [];
}

/** For a union of objects, the option whose `type` (or only) shape fits the raw value. */
function pickUnionOption(schema: AnySchema, raw: unknown): AnySchema | undefined {
  const options = (defOf(schema).options as AnySchema[]).map(unwrap);
  const objects = options.filter((o) => defOf(o).type === 'object');
  const discriminator = (raw as { type?: unknown } | undefined)?.type;
  for (const option of objects) {
    const shape = defOf(option).shape as Record<string, AnySchema>;
    if (shape.type && literalValues(shape.type).includes(discriminator)) return option;
  }
  return objects.length === 1 ? objects[0] : undefined;
}

/** The schema at `path` in the raw document, or undefined when the path leaves the schema. */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[], raw: unknown): AnySchema | undefined {
  let schema: AnySchema | undefined = unwrap(root);
  let value = raw;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    let def = defOf(schema);
    if (def.type === 'union') {
      schema = pickUnionOption(schema, value);
      if (schema === undefined) return undefined;
      def = defOf(schema);
    }
    if (def.type === 'object' && typeof segment === 'string') {
      const shape = def.shape as Record<string, AnySchema>;
      schema = shape[segment] ? unwrap(shape[segment]) : undefined;
    } else if (def.type === 'array' && typeof segment === 'number') {
      schema = unwrap(def.element as AnySchema);
    } else if (def.type === 'record') {
      schema = unwrap(def.valueType as AnySchema);
    } else {
      return undefined;
    }
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[segment]
        : undefined;
  }
  if (schema !== undefined && defOf(schema).type === 'union') return pickUnionOption(schema, value) ?? schema;
  return schema;
}

/** The keys the schema allows in the object at `path`. */
export function knownKeysAt(root: AnySchema, path: readonly PropertyKey[], raw: unknown): string[] {
  const schema = schemaAt(root, path, raw);
  if (schema === undefined || defOf(schema).type !== 'object') return [];
  return Object.keys(defOf(schema).shape as Record<string, unknown>);
}

/** The literal/enum values the schema allows at `path` (empty when it is not an enum). */
export function allowedValuesAt(root: AnySchema, path: readonly PropertyKey[], raw: unknown): string[] {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = schemaAt(root, parentPath, raw);
  if (parent !== undefined && defOf(parent).type === 'union' && last === 'type') {
    // A discriminated union: the allowed values of its `type` across every option.
    return (defOf(parent).options as AnySchema[]).flatMap((option) => {
      const shape = defOf(unwrap(option)).shape as Record<string, AnySchema> | undefined;
      return shape?.type ? literalValues(shape.type).map(String) : [];
    });
  }
  const schema = schemaAt(root, path, raw);
  return schema === undefined ? [] : literalValues(schema).map(String);
}

/** The description of the key at `path`, from the key's schema or any wrapper around it. */
export function descriptionAt(
  root: AnySchema,
  path: readonly PropertyKey[],
  raw: unknown,
): string | undefined {
  const parent = schemaAt(root, path.slice(0, -1), raw);
  const last = path.at(-1);
  if (parent === undefined || defOf(parent).type !== 'object' || typeof last !== 'string') return undefined;
  let field = (defOf(parent).shape as Record<string, AnySchema>)[last];
  while (field !== undefined) {
    const description = z.globalRegistry.get(field)?.description;
    if (description !== undefined) return description;
    const def = defOf(field);
    field = (def.innerType ?? def.in) as AnySchema | undefined;
  }
  return undefined;
}
