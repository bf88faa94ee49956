/**
 * Version 1 → 2: the cross-account credential keys arrive. Every connection that lacks them gets
 * `assumeRoleFlag: false` (the default credential chain, so behaviour is unchanged),
 * `assumeRoleArn: []` and `stsCredsExpirationTime: 1h`, placed after its `accountId` so they sit
 * with the account they concern.
 */
import { type Document, isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import type { Migration } from './migration.js';

const NEW_KEYS: ReadonlyArray<readonly [string, unknown]> = [
  ['assumeRoleFlag', false],
  ['assumeRoleArn', []],
  ['stsCredsExpirationTime', '1h'],
];

const keyOf = (pair: Pair): unknown => (isScalar(pair.key) ? pair.key.value : pair.key);

function addCredentialKeys(document: Document, connection: YAMLMap, label: string): string[] {
  const missing = NEW_KEYS.filter(([key]) => !connection.items.some((pair) => keyOf(pair) === key));
  if (missing.length === 0) return [];
  const anchor = ['accountId', 'name']
    .map((key) => connection.items.findIndex((p) => keyOf(p) === key))
    .find((i) => i >= 0);
  const at = anchor === undefined ? connection.items.length : anchor + 1;
  connection.items.splice(at, 0, ...missing.map(([key, value]) => document.createPair(key, value) as Pair));
  return [`connection ${label}: added ${missing.map(([key]) => key).join(', ')}`];
}

export const v1ToV2: Migration = {
  from: 1,
  to: 2,
  summary: 'adds assumeRoleFlag: false, assumeRoleArn: [] and stsCredsExpirationTime: 1h to every connection',
  apply(document) {
    const changes: string[] = [];
    const connections = document.get('connections', true);
    if (isSeq(connections)) {
      connections.items.forEach((item, i) => {
        if (!isMap(item)) return;
        const name = item.get('name');
        changes.push(
          ...addCredentialKeys(document, item, typeof name === 'string' ? `"${name}"` : `#${i + 1}`),
        );
      });
    }
    return changes;
  },
};
