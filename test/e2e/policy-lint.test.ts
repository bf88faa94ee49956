import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const SEED = 'test/fixtures/seed-policies';

interface LintJson {
  ok: boolean;
  files: string[];
  findings: { file: string; statementIndex?: number; sid?: string; rule: string; level: string }[];
  problems: { file: string; line?: number; column?: number; message: string }[];
  summary: { errors: number; warnings: number; unreadable: number };
}

const lint = async (...args: string[]) => {
  const result = await runCli(['policy', 'lint', ...args]);
  return { ...result, json: args.includes('--json') ? (JSON.parse(result.stdout) as LintJson) : undefined };
};

describe("policy lint on the seed guide's own example policies", () => {
  it.each([
    ['trust-policy.json', 1, ['0 error trust-without-external-id']],
    [
      'permissions-policy.json',
      0,
      ['0 warning list-without-prefix', '1 warning acl-permission', '2 warning list-all-buckets'],
    ],
    [
      'topic-policy.json',
      1,
      ['- warning policy-version', '0 error delete-permission', '0 error permissions-management'],
    ],
    ['source-bucket-policy.json', 0, ['0 warning list-without-prefix']],
    ['destination-bucket-policy.json', 0, ['0 warning acl-permission']],
  ])('%s gets exactly the findings it deserves (exit %i)', async (name, exitCode, expected) => {
    const result = await lint(join(SEED, name), '--json');
    const got = result.json!.findings.map((f) => `${f.statementIndex ?? '-'} ${f.level} ${f.rule}`);
    expect(got).toEqual(expected);
    expect(result.exitCode).toBe(exitCode);
  });

  it('makes the seed ACL permission an error when the buckets have ACLs disabled', async () => {
    const result = await lint(join(SEED, 'destination-bucket-policy.json'), '--acls-disabled', '--json');
    expect(result.json!.findings.map((f) => `${f.level} ${f.rule}`)).toEqual(['error acl-permission']);
    expect(result.exitCode).toBe(1);
  });

  it('prints each finding with file, statement, level, why and fix on stderr, and a summary', async () => {
    const result = await lint(join(SEED, 'trust-policy.json'));
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${SEED}/trust-policy.json: Statement[0]: error [trust-without-external-id] lets arn:aws:iam::124355658833:role/prod-beamr-cloud-backend-role, arn:aws:iam::124355658833:role/BVCloudWorkers, arn:aws:iam::124355658833:role/prod_bvcloud_storage_process_cluster-role assume the role without an external ID (no sts:ExternalId condition)\n` +
        "  why: a vendor serving many customers can be tricked into using your role for someone else's job (the confused deputy): anyone who learns the role ARN can give it to the vendor as theirs\n" +
        '  fix: add "Condition": {"StringEquals": {"sts:ExternalId": "<the external ID the vendor gave you>"}}\n' +
        '1 policy file linted: 1 error, 0 warnings.\n' +
        'bucketbridge: 1 error-level finding\n',
    );
    expect(result.exitCode).toBe(1);
  });

  it('names the Sid of a statement that has one', async () => {
    const result = await lint(join(SEED, 'topic-policy.json'));
    expect(result.stderr).toContain(
      `${SEED}/topic-policy.json: Statement[0] (Sid __default_statement_ID): error [delete-permission] allows SNS:DeleteTopic\n`,
    );
  });
});

describe('policy lint on the files bucketbridge onboard generates', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bb-lint-'));
    const config = join(folder, 'bucketbridge.yaml');
    await writeFile(
      config,
      [
        'version: 2',
        'vendor: { accountId: "111111111111", principals: [arn:aws:iam::111111111111:role/workers] }',
        'connections:',
        '  - name: live',
        '    accountId: "222222222222"',
        '    workflow: live',
        '    source: { bucket: src-bucket, prefix: in/, kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/a" }',
        '    destination: { bucket: dst-bucket, prefix: out/, acl: bucket-owner-full-control }',
        '  - name: batch',
        '    accountId: "222222222222"',
        '    source: { bucket: src-bucket }',
        '    destination: { bucket: dst-bucket }',
        '    onboarding: { allowListAllBuckets: true }',
        '  - name: queue',
        '    accountId: "222222222222"',
        '    workflow: live',
        '    live: { mode: sqs, queueUrl: "https://sqs.us-east-1.amazonaws.com/222222222222/events" }',
        '    source: { bucket: src-bucket, prefix: in/ }',
        '    destination: { bucket: dst-bucket, prefix: out/ }',
        '',
      ].join('\n'),
    );
    for (const name of ['live', 'batch', 'queue']) {
      const result = await runCli([
        'onboard',
        '--config',
        config,
        '--connection',
        name,
        '--out',
        join(folder, name),
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each([
    // Only the warnings each configuration asks for: a canned ACL; the whole bucket and all buckets listed.
    ['live', ['destination-bucket-policy.json 2 acl-permission', 'permissions-policy.json 4 acl-permission']],
    [
      'batch',
      [
        'permissions-policy.json 0 list-without-prefix',
        'permissions-policy.json 6 list-all-buckets',
        'source-bucket-policy.json 0 list-without-prefix',
      ],
    ],
    ['queue', []],
  ])(
    '%s: no error-level finding, and only the warnings its configuration asks for',
    async (name, warnings) => {
      const dir = join(folder, name);
      const files = (await readdir(dir))
        .filter((f) => f.endsWith('-policy.json'))
        .sort()
        .map((f) => join(dir, f));
      expect(files.length).toBeGreaterThanOrEqual(4);
      const result = await lint(...files, '--json');
      const got = result.json!.findings.map(
        (f) => `${f.file.slice(dir.length + 1)} ${f.statementIndex} ${f.rule}`,
      );
      expect(result.json!.summary).toEqual({ errors: 0, warnings: warnings.length, unreadable: 0 });
      expect(got).toEqual(warnings);
      expect(result.exitCode).toBe(0);
    },
  );
});

describe('policy lint on files it cannot read', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bb-lint-bad-'));
    await writeFile(
      join(folder, 'broken.json'),
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow" "Action": "s3:GetObject"}\n  ]\n}\n',
    );
    await writeFile(join(folder, 'not-policy.json'), '{"TopicConfigurations": []}\n');
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each([
    [
      'malformed JSON',
      'broken.json',
      (f: string) => `bucketbridge: ${f}:4:24: not valid JSON: expected ',' between items\n`,
    ],
    [
      'a JSON file that is not a policy',
      'not-policy.json',
      (f: string) => `bucketbridge: ${f}: not a policy document: it has no "Statement"\n`,
    ],
    ['a missing file', 'missing.json', (f: string) => `bucketbridge: ${f}: no such file\n`],
  ])('%s: exit 2 with the file, line and column', async (_, name, message) => {
    const file = join(folder, name);
    const result = await lint(file);
    expect(result.stderr).toBe(
      `0 policy files linted: 0 errors, 0 warnings; 1 file could not be linted.\n${message(file)}`,
    );
    expect(result.exitCode).toBe(2);
  });

  it('still lints the readable files and reports the problem in --json', async () => {
    const broken = join(folder, 'broken.json');
    const result = await lint(broken, join(SEED, 'trust-policy.json'), '--json');
    expect(result.exitCode).toBe(2);
    expect(result.json).toMatchObject({
      ok: false,
      files: [join(SEED, 'trust-policy.json')],
      problems: [
        {
          file: broken,
          line: 4,
          column: 24,
          message: `${broken}:4:24: not valid JSON: expected ',' between items`,
        },
      ],
      summary: { errors: 1, warnings: 0, unreadable: 1 },
    });
  });

  it('requires at least one file', async () => {
    const result = await runCli(['policy', 'lint']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("error: missing required argument 'files'");
  });
});
