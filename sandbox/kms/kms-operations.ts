/**
 * KMS's operations as far as S3 and bucketbridge use them: keys and their policies, aliases, and
 * the symmetric cryptography (Encrypt, Decrypt, GenerateDataKey). Every operation on a key is
 * authorized by the key policy together with the caller's IAM policies (`resourcePolicyGoverns`).
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../core/errors.js';
import type { CallerIdentity } from '../core/identity.js';
import type { Authorizer, PolicyDocument } from '../core/types.js';
import { invalidCiphertext, keyArnOf, open, seal } from './ciphertext.js';
import { defaultKeyPolicy } from './key-policies.js';
import type { KeyStore, KmsAlias, KmsKey } from './key-store.js';
import { asKmsError, invalidMember, keyNotFound, missingMember } from './kms-errors.js';

export interface KmsRuntime {
  store: KeyStore;
  authz: Authorizer;
}

export interface KmsCall {
  caller: CallerIdentity;
  region: string;
  input: Record<string, unknown>;
}

export type KmsOperation = (runtime: KmsRuntime, call: KmsCall) => Record<string, unknown>;

/** Condition keys of a use of a key: the caller's account, the service it came through, the context. */
export function keyConditionContext(
  caller: CallerIdentity,
  encryptionContext: Record<string, string> = {},
  viaService?: string,
): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = { 'kms:CallerAccount': caller.accountId };
  if (viaService) context['kms:ViaService'] = viaService;
  const keys = Object.keys(encryptionContext);
  if (keys.length > 0) context['kms:EncryptionContextKeys'] = keys;
  for (const [k, v] of Object.entries(encryptionContext)) context[`kms:EncryptionContext:${k}`] = v;
  return context;
}

/** Authorizes `action` on `key` for the caller; throws AccessDeniedException with AWS's message. */
export function authorizeKey(
  runtime: KmsRuntime,
  caller: CallerIdentity,
  action: string,
  key: KmsKey,
  context: Record<string, string | string[]>,
): void {
  try {
    runtime.authz.authorize({
      caller,
      action,
      resource: key.arn,
      resourceAccountId: key.accountId,
      resourcePolicy: key.policy,
      resourcePolicyGoverns: true,
      context,
    });
  } catch (error) {
    throw asKmsError(error);
  }
}

/** Actions on no particular key (CreateKey, ListAliases) need only the caller's IAM policies. */
function authorizeAccountAction(runtime: KmsRuntime, call: KmsCall, action: string): void {
  try {
    runtime.authz.authorize({
      caller: call.caller,
      action,
      resource: '*',
      resourceAccountId: call.caller.accountId,
    });
  } catch (error) {
    throw asKmsError(error);
  }
}

function str(input: Record<string, unknown>, member: string, required: true): string;
function str(input: Record<string, unknown>, member: string, required?: false): string | undefined;
function str(input: Record<string, unknown>, member: string, required = false): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) {
    if (required) throw missingMember(member);
    return undefined;
  }
  return String(value);
}

function encryptionContextOf(input: Record<string, unknown>): Record<string, string> {
  const value = input.EncryptionContext;
  if (value === undefined || value === null) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function parsePolicy(text: string): PolicyDocument {
  try {
    const policy = JSON.parse(text) as PolicyDocument;
    if (policy && typeof policy === 'object' && policy.Statement !== undefined) return policy;
  } catch {
    // falls through to KMS's answer for a document it cannot read
  }
  throw new AwsError(
    'MalformedPolicyDocumentException',
    'The key policy is not a JSON policy document with a Statement.',
  );
}

function resolveKey(runtime: KmsRuntime, call: KmsCall): KmsKey {
  return runtime.store.resolve(str(call.input, 'KeyId', true), call.caller.accountId, call.region);
}

/** DescribeKey's KeyMetadata. */
export function keyMetadata(key: KmsKey): Record<string, unknown> {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: key.creationDateMs / 1000,
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  };
}

function aliasEntry(alias: KmsAlias): Record<string, unknown> {
  return {
    AliasName: alias.aliasName,
    AliasArn: alias.aliasArn,
    TargetKeyId: alias.targetKeyId,
    CreationDate: alias.creationDateMs / 1000,
    LastUpdatedDate: alias.creationDateMs / 1000,
  };
}

const createKey: KmsOperation = (runtime, call) => {
  authorizeAccountAction(runtime, call, 'kms:CreateKey');
  const spec = str(call.input, 'KeySpec') ?? str(call.input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  if (spec !== 'SYMMETRIC_DEFAULT')
    throw new AwsError(
      'UnsupportedOperationException',
      `The sandbox's KMS creates only SYMMETRIC_DEFAULT keys, not ${spec}.`,
    );
  const usage = str(call.input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
  if (usage !== 'ENCRYPT_DECRYPT')
    throw invalidMember('keyUsage', usage, 'Member must satisfy enum value set: [ENCRYPT_DECRYPT]');
  const policyText = str(call.input, 'Policy') ?? JSON.stringify(defaultKeyPolicy(call.caller.accountId));
  parsePolicy(policyText);
  const key = runtime.store.create({
    accountId: call.caller.accountId,
    region: call.region,
    description: str(call.input, 'Description') ?? '',
    policyText,
  });
  return { KeyMetadata: keyMetadata(key) };
};

const describeKey: KmsOperation = (runtime, call) => {
  const key = resolveKey(runtime, call);
  authorizeKey(runtime, call.caller, 'kms:DescribeKey', key, keyConditionContext(call.caller));
  return { KeyMetadata: keyMetadata(key) };
};

function policyName(call: KmsCall): string {
  const name = str(call.input, 'PolicyName') ?? 'default';
  if (name !== 'default') throw new AwsError('NotFoundException', `Policy ${name} is not found.`);
  return name;
}

const getKeyPolicy: KmsOperation = (runtime, call) => {
  const key = resolveKey(runtime, call);
  authorizeKey(runtime, call.caller, 'kms:GetKeyPolicy', key, keyConditionContext(call.caller));
  return { Policy: key.policyText, PolicyName: policyName(call) };
};

const putKeyPolicy: KmsOperation = (runtime, call) => {
  const key = resolveKey(runtime, call);
  authorizeKey(runtime, call.caller, 'kms:PutKeyPolicy', key, keyConditionContext(call.caller));
  policyName(call);
  const text = str(call.input, 'Policy', true);
  runtime.store.setPolicy(key, text, parsePolicy(text));
  return {};
};

const createAlias: KmsOperation = (runtime, call) => {
  const aliasName = str(call.input, 'AliasName', true);
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(aliasName))
    throw invalidMember(
      'aliasName',
      aliasName,
      'Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$',
    );
  if (aliasName.startsWith('alias/aws/'))
    throw new AwsError('NotAuthorizedException', `${aliasName} is reserved for AWS managed keys.`);
  const key = runtime.store.resolve(str(call.input, 'TargetKeyId', true), call.caller.accountId, call.region);
  // An alias lives in the key's own account and region.
  if (key.accountId !== call.caller.accountId || key.region !== call.region) throw keyNotFound(key.arn);
  authorizeKey(runtime, call.caller, 'kms:CreateAlias', key, keyConditionContext(call.caller));
  const existing = runtime.store.findAlias(aliasName, key.accountId, key.region);
  if (existing)
    throw new AwsError(
      'AlreadyExistsException',
      `An alias with the name ${existing.aliasArn} already exists`,
    );
  runtime.store.addAlias(aliasName, key);
  return {};
};

const listAliases: KmsOperation = (runtime, call) => {
  authorizeAccountAction(runtime, call, 'kms:ListAliases');
  const keyId = str(call.input, 'KeyId');
  const key =
    keyId === undefined ? undefined : runtime.store.resolve(keyId, call.caller.accountId, call.region);
  const aliases = runtime.store.listAliases(call.caller.accountId, call.region, key?.keyId);
  return { Aliases: aliases.map(aliasEntry), Truncated: false };
};

function blobParam(call: KmsCall, member: string): Buffer {
  return Buffer.from(str(call.input, member, true), 'base64');
}

const encrypt: KmsOperation = (runtime, call) => {
  const key = resolveKey(runtime, call);
  const context = encryptionContextOf(call.input);
  authorizeKey(runtime, call.caller, 'kms:Encrypt', key, keyConditionContext(call.caller, context));
  const plaintext = blobParam(call, 'Plaintext');
  if (plaintext.length < 1 || plaintext.length > 4096)
    throw invalidMember('plaintext', '[SENSITIVE]', 'Member must have length between 1 and 4096');
  return {
    CiphertextBlob: seal(key.arn, key.material, plaintext, context).toString('base64'),
    KeyId: key.arn,
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

const decrypt: KmsOperation = (runtime, call) => {
  const blob = blobParam(call, 'CiphertextBlob');
  const key = runtime.store.byArn(keyArnOf(blob));
  if (!key) throw invalidCiphertext();
  const keyId = str(call.input, 'KeyId');
  if (keyId !== undefined && runtime.store.resolve(keyId, call.caller.accountId, call.region) !== key)
    throw new AwsError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    );
  const context = encryptionContextOf(call.input);
  authorizeKey(runtime, call.caller, 'kms:Decrypt', key, keyConditionContext(call.caller, context));
  return {
    KeyId: key.arn,
    Plaintext: open(blob, key.material, context).toString('base64'),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

const generateDataKey: KmsOperation = (runtime, call) => {
  const key = resolveKey(runtime, call);
  const context = encryptionContextOf(call.input);
  authorizeKey(runtime, call.caller, 'kms:GenerateDataKey', key, keyConditionContext(call.caller, context));
  const spec = str(call.input, 'KeySpec');
  const count = call.input.NumberOfBytes;
  if (spec === undefined && count === undefined)
    throw new AwsError('ValidationException', 'Please specify either number of bytes or key spec.');
  let bytes: number;
  if (spec === 'AES_256') bytes = 32;
  else if (spec === 'AES_128') bytes = 16;
  else if (spec !== undefined)
    throw invalidMember('keySpec', spec, 'Member must satisfy enum value set: [AES_256, AES_128]');
  else bytes = Number(count);
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 1024)
    throw invalidMember('numberOfBytes', String(count), 'Member must have value between 1 and 1024');
  const plaintext = randomBytes(bytes);
  return {
    CiphertextBlob: seal(key.arn, key.material, plaintext, context).toString('base64'),
    Plaintext: plaintext.toString('base64'),
    KeyId: key.arn,
  };
};

export const KMS_OPERATIONS: Record<string, KmsOperation> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  CreateAlias: createAlias,
  ListAliases: listAliases,
  Encrypt: encrypt,
  Decrypt: decrypt,
  GenerateDataKey: generateDataKey,
};
