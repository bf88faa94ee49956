import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBucketNotification } from '../../../src/onboarding/policies/bucket-notification.js';
import { buildPermissionsPolicy } from '../../../src/onboarding/policies/permissions-policy.js';
import { buildSourceBucketPolicy } from '../../../src/onboarding/policies/source-bucket-policy.js';
import {
  MERGE_POLICY_JQ,
  mergeNotificationJq,
  PERMISSION_PURPOSES,
  renderReadme,
} from '../../../src/onboarding/render-readme.js';
import { CUSTOMER_ACCOUNT, EXTERNAL_ID, makeContext } from '../../fixtures/onboarding.js';

const run = promisify(execFile);

describe("the customer's README", () => {
  it("fills in this connection's names, ARNs and external ID", () => {
    const context = makeContext({ workflow: 'live' });
    const readme = renderReadme(context);
    for (const text of [
      `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/BucketBridgeAccessRole`,
      EXTERNAL_ID,
      `arn:aws:sns:eu-central-1:${CUSTOMER_ACCOUNT}:BucketBridgeS3EventTopic`,
      's3://acme-source/videos/in/',
      's3://acme-destination/videos/out/',
      'aws cloudformation deploy --template-file cloudformation.yaml --stack-name bucketbridge-acme-videos',
      '--capabilities CAPABILITY_NAMED_IAM --region eu-central-1',
      'aws iam create-role --role-name BucketBridgeAccessRole',
      '--max-session-duration 3600',
      'aws sns set-topic-attributes',
      'aws s3api put-bucket-notification-configuration --bucket acme-source',
      'Configurations overlap',
    ]) {
      expect(readme).toContain(text);
    }
  });

  it('explains every statement of the permissions policy', () => {
    const context = makeContext({
      workflow: 'live',
      onboarding: { allowListAllBuckets: true },
      destination: {
        bucket: 'acme-destination',
        prefix: 'o/',
        acl: 'private',
        kmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/k',
      },
    });
    const readme = renderReadme(context);
    for (const statement of buildPermissionsPolicy(context).Statement) {
      const purpose = PERMISSION_PURPOSES[statement.Sid ?? ''];
      expect(purpose, `purpose of ${statement.Sid}`).toBeDefined();
      expect(readme).toContain(`| \`${statement.Sid}\` |`);
      expect(readme).toContain(purpose);
    }
  });

  it('has no topic or notification steps for a batch connection', () => {
    const readme = renderReadme(makeContext());
    expect(readme).not.toContain('topic-policy.json');
    expect(readme).not.toContain('bucket-notification.json');
    expect(readme).toContain('| Workflow | batch (no topic, no notification) |');
  });
});

describe("the README's bucket policy merge (run with jq)", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bb-merge-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("keeps the bucket's existing statements and replaces an older copy of ours by Sid", async () => {
    const ours = buildSourceBucketPolicy(makeContext());
    const existing = {
      Version: '2012-10-17',
      Id: 'existing',
      Statement: [
        {
          Sid: 'DenyInsecure',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: 'arn:aws:s3:::acme-source/*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:role/Analytics' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::acme-source/*',
        },
        { ...ours.Statement[0], Condition: { StringLike: { 's3:prefix': 'old/*' } } },
      ],
    };
    await writeFile(join(folder, 'current.json'), JSON.stringify(existing));
    await writeFile(join(folder, 'ours.json'), JSON.stringify(ours));
    const { stdout } = await run('jq', [
      '-s',
      MERGE_POLICY_JQ,
      join(folder, 'current.json'),
      join(folder, 'ours.json'),
    ]);
    expect(JSON.parse(stdout)).toEqual({
      Version: '2012-10-17',
      Id: 'existing',
      Statement: [existing.Statement[0], existing.Statement[1], ...ours.Statement],
    });
  });
});

describe("the README's notification merge (run with jq)", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bb-merge-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const ours = buildBucketNotification(makeContext({ workflow: 'live' }))!;
  const merge = async (current: object) => {
    await writeFile(join(folder, 'current.json'), JSON.stringify(current));
    await writeFile(join(folder, 'ours.json'), JSON.stringify(ours));
    const filter = mergeNotificationJq('TopicConfigurations', 'bucketbridge-acme-videos');
    const { stdout } = await run('jq', [
      '-s',
      filter,
      join(folder, 'current.json'),
      join(folder, 'ours.json'),
    ]);
    return JSON.parse(stdout) as unknown;
  };

  it('keeps every existing rule of every kind and adds ours', async () => {
    const existing = {
      TopicConfigurations: [
        {
          Id: 'audit',
          TopicArn: 'arn:aws:sns:eu-central-1:222222222222:audit',
          Events: ['s3:ObjectRemoved:*'],
        },
      ],
      QueueConfigurations: [
        {
          Id: 'thumbs',
          QueueArn: 'arn:aws:sqs:eu-central-1:222222222222:t',
          Events: ['s3:ObjectCreated:Put'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'img/' }] } },
        },
      ],
      EventBridgeConfiguration: {},
    };
    expect(await merge(existing)).toEqual({
      ...existing,
      TopicConfigurations: [...existing.TopicConfigurations, ...ours.TopicConfigurations!],
    });
  });

  it('replaces an older copy of our rule instead of adding a second one', async () => {
    const older = {
      TopicConfigurations: [{ ...ours.TopicConfigurations![0]!, Events: ['s3:ObjectCreated:Put'] }],
    };
    expect(await merge(older)).toEqual(ours);
  });

  it('works on a bucket with no configuration yet', async () => {
    expect(await merge({})).toEqual(ours);
  });
});
