import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { validateConfigText } from '../../../src/config/load-config.js';
import { MIGRATIONS, migrateDocument } from '../../../src/config/migrations/index.js';
import { CURRENT_CONFIG_VERSION } from '../../../src/config/schema.js';
import { VERSION_1_CONFIG, VERSION_1_MIGRATED } from '../../fixtures/config.js';

function migrate(text: string) {
  const document = parseDocument(text);
  const result = migrateDocument(document, 1);
  return { result, text: document.toString({ lineWidth: 0, flowCollectionPadding: false }) };
}

describe('the migration chain', () => {
  it('is ordered and ends at the current version, one version per step', () => {
    MIGRATIONS.forEach((m, i) => {
      expect(m.from).toBe(i + 1);
      expect(m.to).toBe(m.from + 1);
    });
    expect(MIGRATIONS.at(-1)!.to).toBe(CURRENT_CONFIG_VERSION);
  });
});

describe('version 1 to 2', () => {
  it('adds the credential keys after accountId, sets version 2 under the header comment, and keeps comments', () => {
    const { text, result } = migrate(VERSION_1_CONFIG);
    expect(text).toBe(VERSION_1_MIGRATED);
    expect(result.changes).toEqual([
      'connection "acme": added assumeRoleFlag, assumeRoleArn, stsCredsExpirationTime',
      'connection "globex": added assumeRoleFlag, assumeRoleArn, stsCredsExpirationTime',
      'set version: 2',
    ]);
    expect(validateConfigText('bb.yaml', text, { env: {} }).config.connections).toHaveLength(2);
  });

  it("leaves the customer's region out: every connection is in aws.region, its default", () => {
    const { text } = migrate(VERSION_1_CONFIG);
    const { config } = validateConfigText('bb.yaml', text, { env: {} });
    expect(
      parseDocument(text)
        .toJS()
        .connections.map((c: Record<string, unknown>) => 'region' in c),
    ).toEqual([false, false]);
    expect(config.connections.map((c) => c.region)).toEqual([config.aws.region, config.aws.region]);
  });

  it('keeps the values of keys a connection already has and adds only the missing ones', () => {
    const { text, result } = migrate(`version: 1
vendor: {accountId: "111111111111", principals: ["arn:aws:iam::111111111111:root"]}
connections:
  - name: acme
    accountId: "222222222222"
    stsCredsExpirationTime: 30m
    source: {bucket: acme-src}
    destination: {bucket: acme-dst}
`);
    expect(text).toContain(
      '    accountId: "222222222222"\n    assumeRoleFlag: false\n    assumeRoleArn: []\n    stsCredsExpirationTime: 30m\n',
    );
    expect(text.startsWith('version: 2\n')).toBe(true);
    expect(result.changes[0]).toBe('connection "acme": added assumeRoleFlag, assumeRoleArn');
  });

  it('migrates a file without connections by setting the version only', () => {
    const { text, result } = migrate(
      'vendor: {accountId: "111111111111", principals: ["arn:aws:iam::111111111111:root"]}\n',
    );
    expect(text).toBe(
      'version: 2\nvendor: {accountId: "111111111111", principals: ["arn:aws:iam::111111111111:root"]}\n',
    );
    expect(result).toEqual({ fromVersion: 1, toVersion: 2, changes: ['set version: 2'] });
  });
});
