/**
 * The sandbox's KMS through the AWS SDK v3, boto3 and the AWS CLI v2, and S3's enforcement of
 * SSE-KMS: key policies evaluated together with the caller's IAM policies (within the account and
 * across accounts), KMS's own errors, and S3 refusing reads and writes the caller may not use the
 * key for, with KMS's message naming the action and the key.
 */
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  KMSServiceException,
  ListAliasesCommand,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import {
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRestrictedKey } from '../../helpers/customer-keys.js';
import { type Signer, type TestCredentials, uniqueName } from '../../helpers/sandbox.js';
import { queueForBucketEvents, sandboxClient } from '../../helpers/sandbox-clients.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { policyJson, rejectionOf } from '../../helpers/sandbox-test-kit.js';
import { runAwsCli, runBoto3 } from '../../helpers/witnesses.js';
import { newBucket } from './s3-conformance.js';

/** The error a KMS or S3 call failed with, or a test failure when it succeeded. */
const failure = (promise: Promise<unknown>) =>
  rejectionOf<KMSServiceException | S3ServiceException>(promise, KMSServiceException, S3ServiceException);

const sandbox = useTestSandbox();
const customerKms = sandboxClient(sandbox, KMSClient);
const customerS3 = sandboxClient(sandbox, S3Client);
let CUSTOMER: string;
let VENDOR: string;
beforeAll(() => {
  CUSTOMER = sandbox.accounts.customer.id;
  VENDOR = sandbox.accounts.vendor.id;
});

const kmsAs = (signer: Signer) => sandboxClient(sandbox, KMSClient, signer);
const s3As = (signer: Signer) => sandboxClient(sandbox, S3Client, signer);

/** A vendor role with these inline statements, and a session of it. */
async function vendorRole(statements: object[]): Promise<{ arn: string; session: TestCredentials }> {
  const iam = new IAMClient(sandbox.sdkConfig('vendor'));
  const name = uniqueName('kmsrole');
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  if (statements.length > 0)
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'inline',
        PolicyDocument: policyJson(...statements),
      }),
    );
  const { Credentials } = await new STSClient(sandbox.sdkConfig('vendor')).send(
    new AssumeRoleCommand({ RoleArn: Role!.Arn!, RoleSessionName: 'kms' }),
  );
  return {
    arn: Role!.Arn!,
    session: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    },
  };
}

/** The statement of KMS's default key policy: the key's account administers it through IAM. */
const enableIamUserPermissions = () => ({
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` },
  Action: 'kms:*',
  Resource: '*',
});

function keyPolicy(statements: object[]): string {
  return policyJson(enableIamUserPermissions(), ...statements);
}

async function customerKey(statements: object[] = []): Promise<string> {
  const { KeyMetadata } = await customerKms.send(
    new CreateKeyCommand({
      Description: 'test',
      Policy: statements.length ? keyPolicy(statements) : undefined,
    }),
  );
  return KeyMetadata!.Arn!;
}

const sessionArn = (roleArn: string) =>
  `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/kms`;

describe('keys, policies and aliases (AWS SDK v3)', () => {
  it('creates a key with the default policy, describes it by ID, ARN and alias, and lists its alias', async () => {
    const { KeyMetadata } = await customerKms.send(new CreateKeyCommand({ Description: 'logs' }));
    expect(KeyMetadata).toMatchObject({
      AWSAccountId: CUSTOMER,
      Arn: `arn:aws:kms:us-east-1:${CUSTOMER}:key/${KeyMetadata!.KeyId}`,
      Description: 'logs',
      Enabled: true,
      KeyState: 'Enabled',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
    });
    expect(KeyMetadata!.CreationDate).toBeInstanceOf(Date);
    const { Policy } = await customerKms.send(new GetKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId! }));
    expect(JSON.parse(Policy!)).toEqual({
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [enableIamUserPermissions()],
    });
    const alias = `alias/${uniqueName('logs')}`;
    await customerKms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! }));
    for (const KeyId of [KeyMetadata!.Arn!, alias, `arn:aws:kms:us-east-1:${CUSTOMER}:${alias}`]) {
      const described = await customerKms.send(new DescribeKeyCommand({ KeyId }));
      expect(described.KeyMetadata!.KeyId).toBe(KeyMetadata!.KeyId);
    }
    const { Aliases } = await customerKms.send(new ListAliasesCommand({ KeyId: KeyMetadata!.KeyId! }));
    expect(Aliases).toEqual([
      expect.objectContaining({
        AliasName: alias,
        AliasArn: `arn:aws:kms:us-east-1:${CUSTOMER}:${alias}`,
        TargetKeyId: KeyMetadata!.KeyId,
      }),
    ]);
    const again = await failure(
      customerKms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! })),
    );
    expect(again.name).toBe('AlreadyExistsException');
    expect(again.message).toBe(
      `An alias with the name arn:aws:kms:us-east-1:${CUSTOMER}:${alias} already exists`,
    );
  });

  it('answers NotFoundException with KMS messages for an unknown key ID and alias', async () => {
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const key = await failure(customerKms.send(new DescribeKeyCommand({ KeyId: keyId })));
    expect([key.name, key.message]).toEqual([
      'NotFoundException',
      `Key 'arn:aws:kms:us-east-1:${CUSTOMER}:key/${keyId}' does not exist`,
    ]);
    const alias = await failure(customerKms.send(new DescribeKeyCommand({ KeyId: 'alias/nothing-here' })));
    expect([alias.name, alias.message]).toEqual([
      'NotFoundException',
      `Alias arn:aws:kms:us-east-1:${CUSTOMER}:alias/nothing-here is not found.`,
    ]);
  });

  it('encrypts and decrypts under the encryption context, and refuses another context', async () => {
    const KeyId = await customerKey();
    const EncryptionContext = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };
    const { CiphertextBlob, KeyId: usedKey } = await customerKms.send(
      new EncryptCommand({ KeyId, Plaintext: Buffer.from('secret'), EncryptionContext }),
    );
    expect(usedKey).toBe(KeyId);
    const plain = await customerKms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext }));
    expect([Buffer.from(plain.Plaintext!).toString(), plain.KeyId]).toEqual(['secret', KeyId]);
    const wrong = await failure(
      customerKms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: {} })),
    );
    expect(wrong.name).toBe('InvalidCiphertextException');
    const dataKey = await customerKms.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' }));
    expect(dataKey.Plaintext).toHaveLength(32);
    const opened = await customerKms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }));
    expect(Buffer.from(opened.Plaintext!)).toEqual(Buffer.from(dataKey.Plaintext!));
  });
});

describe('key policy and IAM policy together', () => {
  it('across accounts needs the key policy and the caller IAM policy, each named in the refusal', async () => {
    const KeyId = await customerKey();
    const vendorRoot = kmsAs('vendor');
    const noKeyPolicy = await failure(
      vendorRoot.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') })),
    );
    expect([noKeyPolicy.name, noKeyPolicy.message]).toEqual([
      'AccessDeniedException',
      `User: arn:aws:iam::${VENDOR}:root is not authorized to perform: kms:Encrypt on resource: ${KeyId} because no resource-based policy allows the kms:Encrypt action`,
    ]);
    await customerKms.send(
      new PutKeyPolicyCommand({
        KeyId,
        PolicyName: 'default',
        Policy: keyPolicy([
          {
            Sid: 'Vendor',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
            Action: ['kms:Encrypt', 'kms:Decrypt'],
            Resource: '*',
          },
        ]),
      }),
    );
    await vendorRoot.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') }));
    const bare = await vendorRole([]);
    const noIam = await failure(
      kmsAs(bare.session).send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') })),
    );
    expect(noIam.message).toBe(
      `User: ${sessionArn(bare.arn)} is not authorized to perform: kms:Encrypt on resource: ${KeyId} because no identity-based policy allows the kms:Encrypt action`,
    );
    const granted = await vendorRole([{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: KeyId }]);
    const { KeyId: used } = await kmsAs(granted.session).send(
      new EncryptCommand({ KeyId, Plaintext: Buffer.from('x') }),
    );
    expect(used).toBe(KeyId);
  });

  it('within the account an IAM policy is not enough when the key policy does not name the account', async () => {
    const { KeyMetadata } = await customerKms.send(
      new CreateKeyCommand({
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${CUSTOMER}:role/KeyAdmin` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        }),
      }),
    );
    const error = await failure(customerKms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId! })));
    expect(error.message).toBe(
      `User: arn:aws:iam::${CUSTOMER}:root is not authorized to perform: kms:DescribeKey on resource: ${KeyMetadata!.Arn} because no resource-based policy allows the kms:DescribeKey action`,
    );
  });
});

describe('witnesses', () => {
  it('boto3 creates a key, aliases it, and round-trips a data key', async () => {
    const alias = `alias/${uniqueName('boto')}`;
    const result = await runBoto3(
      [
        'key = kms.create_key(Description="boto3")["KeyMetadata"]',
        `kms.create_alias(AliasName="${alias}", TargetKeyId=key["KeyId"])`,
        `dk = kms.generate_data_key(KeyId="${alias}", NumberOfBytes=16)`,
        'back = kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])',
        'print(json.dumps({"arn": key["Arn"], "same": back["Plaintext"] == dk["Plaintext"], "keyId": back["KeyId"]}))',
        'try:',
        '    kms.describe_key(KeyId="alias/absent")',
        'except kms.exceptions.NotFoundException as e:',
        '    print(e.response["Error"]["Message"])',
      ].join('\n'),
      sandbox,
      'customer',
    );
    expect(result.stderr).toBe('');
    const [first, second] = result.stdout.trim().split('\n');
    const parsed = JSON.parse(first!) as { arn: string; same: boolean; keyId: string };
    expect(parsed).toEqual({ arn: parsed.arn, same: true, keyId: parsed.arn });
    expect(second).toBe(`Alias arn:aws:kms:us-east-1:${CUSTOMER}:alias/absent is not found.`);
  });

  it('the AWS CLI v2 describes a key and reports an AccessDeniedException across accounts', async () => {
    const KeyId = await customerKey();
    const described = await runAwsCli('v2', ['kms', 'describe-key', '--key-id', KeyId], sandbox, 'customer');
    expect(JSON.parse(described.stdout).KeyMetadata.Arn).toBe(KeyId);
    const denied = await runAwsCli('v2', ['kms', 'describe-key', '--key-id', KeyId], sandbox, 'vendor');
    expect(denied.exitCode).toBe(254);
    expect(denied.stderr).toContain(
      `An error occurred (AccessDeniedException) when calling the DescribeKey operation: User: arn:aws:iam::${VENDOR}:root is not authorized to perform: kms:DescribeKey on resource: ${KeyId}`,
    );
  });
});

describe('S3 enforces SSE-KMS', () => {
  /** A customer bucket encrypted by default with a key the vendor role may use as `keyActions` says. */
  async function encryptedBucket(keyActions: string[]) {
    const keyArn = await customerKey([
      {
        Sid: 'Vendor',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
      },
    ]);
    const Bucket = await newBucket(customerS3, 'sse');
    await customerS3.send(
      new PutBucketEncryptionCommand({
        Bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
          ],
        },
      }),
    );
    const s3Statements = [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${Bucket}/*` },
    ];
    const role = await vendorRole([
      ...s3Statements,
      ...(keyActions.length ? [{ Effect: 'Allow', Action: keyActions, Resource: keyArn }] : []),
    ]);
    await customerS3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: policyJson({ ...s3Statements[0], Principal: { AWS: role.arn } }),
      }),
    );
    return { Bucket, keyArn, role, s3: s3As(role.session) };
  }

  it('reports the default encryption and applies it to a write, reflected by PUT, HEAD and GET', async () => {
    const { Bucket, keyArn, s3 } = await encryptedBucket(['kms:Decrypt', 'kms:GenerateDataKey']);
    const { ServerSideEncryptionConfiguration } = await customerS3.send(
      new GetBucketEncryptionCommand({ Bucket }),
    );
    expect(ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: keyArn,
    });
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'a.log', Body: 'hello' }));
    expect([put.ServerSideEncryption, put.SSEKMSKeyId]).toEqual(['aws:kms', keyArn]);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'a.log' }));
    expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual(['aws:kms', keyArn]);
    const get = await s3.send(new GetObjectCommand({ Bucket, Key: 'a.log' }));
    expect([get.ServerSideEncryption, get.SSEKMSKeyId]).toEqual(['aws:kms', keyArn]);
    expect(await get.Body!.transformToString()).toBe('hello');
  });

  it('refuses a write without kms:GenerateDataKey and a read without kms:Decrypt, naming action and key', async () => {
    const { Bucket, keyArn, role, s3 } = await encryptedBucket(['kms:Decrypt']);
    const write = await failure(s3.send(new PutObjectCommand({ Bucket, Key: 'w', Body: 'x' })));
    expect([write.name, write.$metadata.httpStatusCode, write.message]).toEqual([
      'AccessDenied',
      403,
      `User: ${sessionArn(role.arn)} is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn} because no identity-based policy allows the kms:GenerateDataKey action`,
    ]);
    const other = await encryptedBucket(['kms:GenerateDataKey']);
    await other.s3.send(new PutObjectCommand({ Bucket: other.Bucket, Key: 'r', Body: 'x' }));
    const head = await other.s3.send(new HeadObjectCommand({ Bucket: other.Bucket, Key: 'r' }));
    expect(head.SSEKMSKeyId).toBe(other.keyArn);
    const read = await failure(other.s3.send(new GetObjectCommand({ Bucket: other.Bucket, Key: 'r' })));
    expect([read.name, read.message]).toEqual([
      'AccessDenied',
      `User: ${sessionArn(other.role.arn)} is not authorized to perform: kms:Decrypt on resource: ${other.keyArn} because no identity-based policy allows the kms:Decrypt action`,
    ]);
  });

  it('starts a multipart upload with kms:GenerateDataKey but needs kms:Decrypt for its parts', async () => {
    const { Bucket, keyArn, role, s3 } = await encryptedBucket(['kms:GenerateDataKey']);
    const { UploadId, ServerSideEncryption, SSEKMSKeyId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key: 'big' }),
    );
    expect([ServerSideEncryption, SSEKMSKeyId]).toEqual(['aws:kms', keyArn]);
    const part = await failure(
      s3.send(new UploadPartCommand({ Bucket, Key: 'big', UploadId, PartNumber: 1, Body: 'part' })),
    );
    expect(part.message).toBe(
      `User: ${sessionArn(role.arn)} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
    );
  });

  it('an explicit aws:kms header without a key uses the account AWS managed key, which other accounts cannot use', async () => {
    const Bucket = await newBucket(customerS3, 'sse');
    const put = await customerS3.send(
      new PutObjectCommand({ Bucket, Key: 'm', Body: 'x', ServerSideEncryption: 'aws:kms' }),
    );
    const { KeyMetadata } = await customerKms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    expect([put.SSEKMSKeyId, KeyMetadata!.KeyManager]).toEqual([KeyMetadata!.Arn, 'AWS']);
    await customerS3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${Bucket}/*`,
            },
          ],
        }),
      }),
    );
    const read = await failure(s3As('vendor').send(new GetObjectCommand({ Bucket, Key: 'm' })));
    expect(read.message).toBe(
      `User: arn:aws:iam::${VENDOR}:root is not authorized to perform: kms:Decrypt on resource: ${KeyMetadata!.Arn} because no resource-based policy allows the kms:Decrypt action`,
    );
  });
});

describe('S3 events into an SSE-KMS queue', () => {
  it('are delivered only once the key policy lets s3.amazonaws.com use the key for this bucket', async () => {
    const keyArn = await createRestrictedKey(sandbox);
    const sqs = sandboxClient(sandbox, SQSClient);
    const Bucket = await newBucket(customerS3, 'events');
    const { url: QueueUrl, arn: queueArn } = await queueForBucketEvents(sqs, Bucket, {
      namePrefix: 'enc-events',
      attributes: { KmsMasterKeyId: keyArn },
      operator: 'ArnLike',
    });
    await customerS3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    const receive = async () =>
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 })))
        .Messages ?? [];
    // S3 publishes as the object is committed: what is not in the queue now was not delivered.
    await customerS3.send(new PutObjectCommand({ Bucket, Key: 'before', Body: 'x' }));
    expect(await receive()).toEqual([]);
    const { Policy } = await customerKms.send(new GetKeyPolicyCommand({ KeyId: keyArn }));
    const policy = JSON.parse(Policy!) as { Statement: object[] };
    policy.Statement.push({
      Sid: 'S3Events',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${Bucket}` } },
    });
    await customerKms.send(new PutKeyPolicyCommand({ KeyId: keyArn, Policy: JSON.stringify(policy) }));
    await customerS3.send(new PutObjectCommand({ Bucket, Key: 'after', Body: 'x' }));
    const messages = await receive();
    expect(messages.map((m) => JSON.parse(m.Body!).Records[0].s3.object.key)).toEqual(['after']);
  });
});
