import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, renderJsonSchema } from '../../../src/config/json-schema.js';
import { validateConfigText } from '../../../src/config/load-config.js';
import { renderConfigReference } from '../../../src/config/reference-doc.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('files generated from the schema', () => {
  it('schema/bucketbridge.schema.json is up to date (run `npm run schema` when this fails)', () => {
    expect(read('schema/bucketbridge.schema.json')).toBe(renderJsonSchema());
  });

  it('docs/configuration.md is up to date (run `npm run schema` when this fails)', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigReference());
  });

  it('the JSON Schema describes the input side: defaults present, defaulted keys optional, unknown keys refused', () => {
    const schema = configJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: {
        connections: { items: { required: string[]; properties: Record<string, { default?: unknown }> } };
      };
    };
    const connection = schema.properties.connections.items;
    expect(schema.required).toEqual(['version', 'vendor']);
    expect(schema.additionalProperties).toBe(false);
    expect(connection.required).toEqual(['name', 'accountId', 'source', 'destination']);
    expect(connection.properties.assumeRoleFlag!.default).toBe(false);
    expect(connection.properties.assumeRoleArn!.default).toEqual([]);
    expect(connection.properties.stsCredsExpirationTime!.default).toBe('1h');
  });

  it('the reference says dates and URLs in words, not as the regular expressions behind them', () => {
    const reference = renderConfigReference();
    const rows = (key: string) => reference.split('\n').filter((line) => line.startsWith(`| \`${key}\` |`));
    const row = (key: string) => rows(key)[0];
    for (const key of ['modifiedAfter', 'modifiedBefore']) {
      expect(row(key)).toContain(
        '| string | not set | an ISO-8601 date-time with a time zone, e.g. `2024-05-01T00:00:00Z` |',
      );
    }
    expect(rows('url').filter((line) => line.includes('| a URL |'))).toHaveLength(1);
    expect(reference).not.toContain('format date-time');
    expect(reference).not.toContain('02-29');
  });

  it('no Allowed cell shows a regular expression: every pattern is said in words', () => {
    const reference = renderConfigReference();
    const rows = reference.split('\n').filter((line) => line.startsWith('| `'));
    const allowed = rows.map((line) => line.split(' | ')[3] ?? '');
    expect(allowed.filter((cell) => /pattern|\^|\$`|format /.test(cell))).toEqual([]);
    const row = (key: string) => rows.find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row('accountId')).toContain('| a 12-digit AWS account ID in quotes, e.g. "222222222222" |');
    expect(row('kmsKeyArn')).toContain('| a KMS key ARN starting with arn: |');
    // An empty default reads as "" rather than as an empty pair of backticks.
    expect(row('outputSuffix')).toContain('| string | `""` |');
  });

  it('the reference lists every contract key with its default and range', () => {
    const doc = renderConfigReference();
    expect(doc).toContain('| `assumeRoleFlag` | boolean | `false` |');
    expect(doc).toContain('| `stsCredsExpirationTime` | duration | `1h` | 15m..12h |');
    for (const key of [
      'accountId',
      'principals',
      'region',
      'endpoint',
      'regions',
      'defaultRegion',
      'ledger',
      'externalId',
      'sessionName',
      'workflow',
    ]) {
      expect(doc).toContain(`| \`${key}\` |`);
    }
  });

  it("the README's configuration example validates and links the reference", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    expect(validateConfigText('README.md', example!, { env: {} }).config.connections[0]!.name).toBe('acme');
    expect(section).toContain('(docs/configuration.md)');
  });

  it('the example configuration validates', () => {
    const { config } = validateConfigText(
      'examples/bucketbridge.example.yaml',
      read('examples/bucketbridge.example.yaml'),
      {
        env: {},
      },
    );
    expect(config.connections.map((c) => c.name)).toEqual(['acme', 'globex']);
  });
});
