/** Configuration texts shared by the config unit and end-to-end tests. */

/** A valid version 2 file using every contract key; cases derive bad files from it by replacing text. */
export const VALID_CONFIG = `version: 2
vendor:
  accountId: "111111111111"
  principals: ["arn:aws:iam::111111111111:root"]
aws:
  region: us-east-1
processing:
  regions: [us-east-1, eu-central-1]
  defaultRegion: us-east-1
ledger: sqlite:./bucketbridge.db
connections:
  - name: acme
    accountId: "222222222222"
    assumeRoleFlag: true
    assumeRoleArn: ["arn:aws:iam::222222222222:role/BucketBridgeAccessRole"]
    externalId: "bb-3f9c2a71d0e84b5c"
    sessionName: bucketbridge-acme
    stsCredsExpirationTime: 1h
    source: { bucket: acme-src, prefix: "incoming/" }
    destination: { bucket: acme-dst, prefix: "out/" }
    workflow: batch
    processor: { type: copy }
`;

/** `VALID_CONFIG` with one exact piece of text replaced; fails loudly when the piece is absent. */
export function withReplaced(text: string, search: string, replacement: string): string {
  if (!text.includes(search)) throw new Error(`fixture does not contain ${JSON.stringify(search)}`);
  return text.replace(search, replacement);
}

/** A version 1 file (no `version`, no credential keys), with comments and flow mappings. */
export const VERSION_1_CONFIG = `# Production bucketbridge
vendor:
  accountId: "111111111111" # our account
  principals: ["arn:aws:iam::111111111111:root"]
connections:
  # first customer
  - name: acme
    accountId: "222222222222"
    source: {bucket: acme-src, prefix: "incoming/"}
    destination: {bucket: acme-dst}
    workflow: batch # nightly
  - name: globex
    accountId: "333333333333"
    source: {bucket: globex-src}
    destination: {bucket: globex-dst}
`;
