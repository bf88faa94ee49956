/**
 * Writes a configuration made by `init` as YAML with comments that explain each part, so the file
 * is a starting point a person can read and extend.
 */
import { Document, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

function commentKey(map: unknown, key: string, comment: string): void {
  if (!isMap(map)) return;
  const pair = (map as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}

/** YAML text for a configuration object, with explanatory comments. */
export function renderConfig(config: Record<string, unknown>): string {
  const document = new Document(config);
  document.commentBefore =
    ' bucketbridge configuration, written by `bucketbridge init`.\n' +
    ' Reference: docs/configuration.md; check it with `bucketbridge config validate`.\n' +
    ' Credentials never go in this file: the AWS credential chain provides them\n' +
    ' (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance or task role).';
  const root = document.contents;
  commentKey(root, 'version', ' Format version; `bucketbridge config migrate` upgrades older files.');
  commentKey(root, 'vendor', ' The account that runs bucketbridge, and who may assume customer roles.');
  commentKey(root, 'aws', ' AWS_REGION and BUCKETBRIDGE_ENDPOINT (or AWS_ENDPOINT_URL) override these.');
  commentKey(root, 'processing', ' Buckets outside `regions` are processed from `defaultRegion`.');
  commentKey(root, 'ledger', ' What has been processed, so restarts and redeliveries do nothing twice.');
  commentKey(root, 'connections', ' One entry per customer integration.');
  const connections = document.get('connections', true);
  const first = isSeq(connections) ? connections.items[0] : undefined;
  commentKey(
    first,
    'assumeRoleFlag',
    ' false: the default AWS credential chain is used unchanged.\n' +
      ' true: each role in assumeRoleArn is assumed in turn (role chaining) with the external ID.',
  );
  commentKey(
    first,
    'stsCredsExpirationTime',
    ' Session duration, 15m..12h; at most 1h when roles are chained.',
  );
  commentKey(first, 'workflow', ' batch: process what is there; live: process objects as they arrive.');
  commentKey(
    first,
    'processor',
    ' copy, gzip, brotli, deflate, exec, video, collect or module (see the reference).',
  );
  return document.toString({ lineWidth: 0 });
}
