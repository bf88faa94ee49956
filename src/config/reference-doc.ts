/**
 * `docs/configuration.md`: every key of the configuration with its type, default, allowed values
 * and description, rendered from the published JSON Schema so the reference cannot drift.
 */
import { configJsonSchema, type JsonSchemaNode } from './json-schema.js';

interface Section {
  title: string;
  description?: string;
  rows: string[];
}

// An empty string shows as "" (a bare pair of backticks renders as nothing).
const code = (value: unknown) =>
  value === '' ? '`""`' : `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Plain words for the JSON Schema formats the configuration uses. */
const FORMATS: Record<string, string> = {
  'date-time': 'an ISO-8601 date-time with a time zone, e.g. `2024-05-01T00:00:00Z`',
  uri: 'a URL',
};

function typeOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return code(node.const);
  if (Array.isArray(node.enum)) return (node.enum as unknown[]).map(code).join(', ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node['x-duration'] !== undefined) return 'duration';
  if (Array.isArray(node.type)) return node.type.join(' or ');
  if (node.oneOf) return 'one of the forms below';
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'object') return node.properties ? 'mapping (below)' : 'mapping';
  return String(node.type ?? 'any');
}

function rangeOf(node: JsonSchemaNode): string {
  // A value-or-block key (`ledger`): what the value form allows; the block has its own section.
  if (node.anyOf?.some((form) => form.type === 'object'))
    return node.anyOf
      .map(rangeOf)
      .filter((text) => text !== '')
      .join('; or ');
  const parts: string[] = [];
  const duration = node['x-duration'];
  if (typeof duration === 'string' && duration !== 'any')
    parts.push(duration.endsWith('..') ? `>= ${duration.slice(0, -2)}` : duration);
  const n = node.type === 'array' && node.items ? node.items : node;
  if (node.type === 'array' && typeof node.minItems === 'number')
    parts.push(`at least ${node.minItems} item(s)`);
  if (typeof n.minimum === 'number') parts.push(`>= ${n.minimum}`);
  if (typeof n.exclusiveMinimum === 'number') parts.push(`> ${n.exclusiveMinimum}`);
  if (typeof n.maximum === 'number' && n.maximum < Number.MAX_SAFE_INTEGER) parts.push(`<= ${n.maximum}`);
  if (typeof n.exclusiveMaximum === 'number') parts.push(`< ${n.exclusiveMaximum}`);
  if (typeof n.maxLength === 'number') parts.push(`length <= ${n.maxLength}`);
  if (node.type === 'array' && typeof node.maxItems === 'number')
    parts.push(`at most ${node.maxItems} item(s)`);
  if (typeof n.minLength === 'number') parts.push(`length >= ${n.minLength}`);
  // A person reads the format's name, not the regular expression zod derives from it.
  const format = typeof n.format === 'string' ? FORMATS[n.format] : undefined;
  if (format !== undefined) parts.push(format);
  else if (typeof n['x-allowed'] === 'string') parts.push(n['x-allowed']);
  else if (typeof n.pattern === 'string') parts.push(`pattern ${code(n.pattern)}`);
  if (typeof n.format === 'string' && format === undefined && n['x-allowed'] === undefined)
    parts.push(`format ${n.format}`);
  if (typeof n.prefix === 'string') parts.push(`starts with ${code(n.prefix)}`);
  return parts.join('; ');
}

/** A key's description; the `type` key of a form says which form it selects. */
function describeKey(key: string, node: JsonSchemaNode): string {
  if (node.description !== undefined) return node.description;
  return key === 'type' && node.const !== undefined ? 'Selects this form.' : '';
}

function walk(node: JsonSchemaNode, path: string, sections: Section[], title = path): void {
  const properties = node.properties ?? {};
  const required = new Set(node.required ?? []);
  const section: Section = { title, rows: [] };
  if (node.description !== undefined) section.description = node.description;
  sections.push(section);
  const nested: Array<() => void> = [];
  for (const [key, child] of Object.entries(properties)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    // `x-default` names a default taken from another key (a connection's region: aws.region).
    const derivedDefault = typeof child['x-default'] === 'string' ? `\`${child['x-default']}\`` : 'not set';
    const defaultText =
      child.default !== undefined ? code(child.default) : required.has(key) ? '**required**' : derivedDefault;
    section.rows.push(
      `| \`${key}\` | ${cell(typeOf(child))} | ${cell(defaultText)} | ${cell(rangeOf(child))} | ${cell(describeKey(key, child))} |`,
    );
    const element = child.type === 'array' && child.items ? child.items : child;
    const childPath = child.type === 'array' ? `${keyPath}[]` : keyPath;
    const variants = element.oneOf;
    // A key written as a value or as a block (`ledger`): the block's keys get their own section.
    const blockForm = element.anyOf?.find((form) => form.type === 'object' && form.properties);
    if (variants) {
      nested.push(() => {
        for (const variant of variants) {
          const typeNode = variant.properties?.type;
          const label =
            typeNode?.const ?? (Array.isArray(typeNode?.enum) ? (typeNode.enum as string[]).join(' / ') : '');
          walk(
            { ...variant, description: variant.description ?? element.description },
            childPath,
            sections,
            `${childPath} (type: ${label})`,
          );
        }
      });
    } else if (element.type === 'object' && element.properties) {
      nested.push(() => walk(element, childPath, sections));
    } else if (blockForm) {
      nested.push(() => walk({ ...blockForm, description: element.description }, childPath, sections));
    }
  }
  for (const next of nested) next();
}

/** The Markdown reference. */
export function renderConfigReference(): string {
  const sections: Section[] = [];
  walk(configJsonSchema({ allowedWords: true }), '', sections, 'Top level');
  const body = sections
    .filter((s) => s.rows.length > 0)
    .map((s) => {
      const heading = s.title === 'Top level' ? '## Top level' : `## \`${s.title}\``;
      const description = s.description ? `\n${s.description}\n` : '';
      return `${heading}\n${description}\n| Key | Type | Default | Allowed | Description |\n| --- | --- | --- | --- | --- |\n${s.rows.join('\n')}\n`;
    })
    .join('\n');
  return `# Configuration reference

<!-- Generated by \`npm run schema\` from src/config/schema.ts; a test fails when it is stale. Do not edit by hand. -->

bucketbridge reads one YAML file (\`--config FILE\`, else \`$BUCKETBRIDGE_CONFIG\`, else \`./bucketbridge.yaml\`).
Editors can validate it with the JSON Schema in [\`schema/bucketbridge.schema.json\`](../schema/bucketbridge.schema.json)
(for the YAML language server: \`# yaml-language-server: $schema=./schema/bucketbridge.schema.json\`).
Check a file with \`bucketbridge config validate\`; upgrade an older one with \`bucketbridge config migrate\`.

Durations are written \`1h\`, \`90m\`, \`3600s\`, \`1h30m\` or a number of seconds.

Rules across keys (checked by \`config validate\`):

- \`assumeRoleFlag: true\` needs at least one ARN in \`assumeRoleArn\`; the roles are assumed in order (role chaining).
- \`stsCredsExpirationTime\` is 15m..12h, and at most 1h when \`assumeRoleArn\` holds more than one ARN (AWS caps chained role sessions at one hour).
- Connection names are unique.
- \`processing.defaultRegion\` must be one of \`processing.regions\`.
- A \`live\` block only with \`workflow: live\`; \`live.mode: sqs\` needs \`live.queueUrl\`.
- A video processor takes \`crf\` or \`bitrate\`, not both; \`source.minSizeBytes\` <= \`source.maxSizeBytes\`; \`source.modifiedAfter\` < \`source.modifiedBefore\`.
- Credentials (\`secretAccessKey\`, \`accessKeyId\`, \`sessionToken\`, ...) are rejected anywhere in the file: they come from the AWS credential chain.
- \`aws.useFipsEndpoint\` and \`aws.useDualstackEndpoint\` cannot be combined with \`aws.endpoint\` or any \`aws.endpoints.*\`, and
  \`aws.useFipsEndpoint\` not with a connection in a China region (S3 has no FIPS endpoints there): the AWS SDK refuses these,
  so the file is refused first, with the reason. These rules see the environment's overrides too.

Environment overrides (highest first): the endpoint from \`BUCKETBRIDGE_ENDPOINT\`, then \`AWS_ENDPOINT_URL\`, then \`aws.endpoint\`;
one service's endpoint from \`AWS_ENDPOINT_URL_S3\` (\`_STS\`, \`_SQS\`, \`_SNS\`), then \`aws.endpoints.s3\` (...);
the region from \`AWS_REGION\`, then \`AWS_DEFAULT_REGION\`, then \`aws.region\`; \`AWS_USE_FIPS_ENDPOINT\` and
\`AWS_USE_DUALSTACK_ENDPOINT\` (exactly \`true\` or \`false\`, as the SDK reads them), then \`aws.useFipsEndpoint\` and
\`aws.useDualstackEndpoint\`. A service's own endpoint wins over \`aws.endpoint\` for that service.

Regions: \`aws.region\` is the vendor's (STS, the vendor's queues); a connection's \`region\` is the customer's
(its buckets and topic; default \`aws.region\` after the overrides). Objects are processed in the source bucket's
region when it is among \`processing.regions\`, else from \`processing.defaultRegion\` (\`verify\` warns).

${body}`;
}
