import { describe, expect, it } from 'vitest';
import { renderOnboardingFiles } from '../../../../src/onboarding/onboard.js';
import { buildEventKeyPolicy, buildKeyPolicy } from '../../../../src/onboarding/policies/key-policy.js';
import { renderReadme } from '../../../../src/onboarding/render-readme.js';
import { CUSTOMER_ACCOUNT, makeContext } from '../../../fixtures/onboarding.js';

const SOURCE_KEY = `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const DESTINATION_KEY = `arn:aws:kms:eu-west-1:${CUSTOMER_ACCOUNT}:key/66666666-7777-8888-9999-000000000000`;

const withKeys = () =>
  makeContext({
    source: { bucket: 'acme-source', prefix: 'videos/in/', kmsKeyArn: SOURCE_KEY },
    destination: { bucket: 'acme-destination', prefix: 'videos/out/', kmsKeyArn: DESTINATION_KEY },
  });

describe('key-policy statements for SSE-KMS buckets', () => {
  it('names the role, least privilege per side, only through S3 in the key region', () => {
    const context = withKeys();
    expect(buildKeyPolicy(context, 'source')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BucketBridgeAcmeVideosDecryptSourceObjects',
          Effect: 'Allow',
          Principal: { AWS: context.roleArn },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } },
        },
      ],
    });
    expect(buildKeyPolicy(context, 'destination')?.Statement).toEqual([
      {
        Sid: 'BucketBridgeAcmeVideosEncryptDestinationObjects',
        Effect: 'Allow',
        Principal: { AWS: context.roleArn },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      },
    ]);
  });

  it('is written by onboard --out only for the sides that name a key', () => {
    expect([...renderOnboardingFiles(withKeys()).keys()]).toContain('source-key-policy.json');
    expect([...renderOnboardingFiles(withKeys()).keys()]).toContain('destination-key-policy.json');
    const plain = [...renderOnboardingFiles(makeContext()).keys()];
    expect(plain.filter((f) => f.includes('key-policy'))).toEqual([]);
  });

  it('the README tells the customer to merge each key policy, with the commands', () => {
    const readme = renderReadme(withKeys());
    expect(readme).toContain('## Step 2b: merge the KMS key policy statements');
    expect(readme).toContain(
      `aws kms get-key-policy --key-id ${SOURCE_KEY} --policy-name default --query Policy --output text > current-key-source.json`,
    );
    expect(readme).toContain(
      `aws kms put-key-policy --key-id ${DESTINATION_KEY} --policy-name default --policy file://merged-key-destination.json`,
    );
    expect(renderReadme(makeContext())).not.toContain('KMS key policy');
  });
});

describe('an SSE-KMS topic or queue for live events', () => {
  const TOPIC_KEY = `arn:aws:kms:eu-central-1:${CUSTOMER_ACCOUNT}:key/abababab-cdcd-efef-0101-232323232323`;
  const live = () => makeContext({ workflow: 'live', live: { mode: 'sns', kmsKeyArn: TOPIC_KEY } });

  it('lets S3 generate and decrypt data keys for this bucket and account only', () => {
    expect(buildEventKeyPolicy(live())?.Statement).toEqual([
      {
        Sid: 'BucketBridgeAcmeVideosPublishEvents',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': CUSTOMER_ACCOUNT },
          ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::acme-source' },
        },
      },
    ]);
    expect(buildEventKeyPolicy(makeContext({ workflow: 'live' }))).toBeUndefined();
  });

  it('is written as event-key-policy.json, the template encrypts the topic with it, and the README says why', () => {
    const files = renderOnboardingFiles(live());
    expect(files.has('event-key-policy.json')).toBe(true);
    expect(files.get('cloudformation.yaml')).toContain(
      '      KmsMasterKeyId:\n        Ref: TopicKmsKeyArn\n',
    );
    expect(JSON.parse(files.get('main.tf.json')!).resource.aws_sns_topic.events.kms_master_key_id).toBe(
      '${var.topic_kms_key_arn}',
    );
    expect(files.get('README.md')).toContain(`### Event topic or queue key \`${TOPIC_KEY}\``);
  });
});
