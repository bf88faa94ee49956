/**
 * The keys and aliases of every account and region, and how KMS resolves the four ways of naming
 * a key (key ID, key ARN, alias name, alias ARN). A bare key ID or alias name means the caller's
 * account in the request's region; the ARN forms may name another account.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { PolicyDocument } from '../core/types.js';
import { awsManagedKeyPolicy } from './key-policies.js';
import { aliasNotFound, invalidKeyId, keyNotFound } from './kms-errors.js';

export interface KmsKey {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  description: string;
  /** `CUSTOMER` for keys an account created, `AWS` for AWS managed keys such as `aws/s3`. */
  keyManager: 'CUSTOMER' | 'AWS';
  enabled: boolean;
  creationDateMs: number;
  /** The key policy as sent (KMS returns it verbatim) and parsed. */
  policyText: string;
  policy: PolicyDocument;
  /** 32 bytes of AES-256 key material, base64. */
  material: string;
}

export interface KmsAlias {
  aliasName: string;
  aliasArn: string;
  targetKeyId: string;
  accountId: string;
  region: string;
  creationDateMs: number;
}

interface KeyStoreSnapshot {
  version: 1;
  keys: Array<Omit<KmsKey, 'policy'>>;
  aliases: KmsAlias[];
}

const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;
/** AWS managed keys the sandbox creates on first use, by alias. */
const AWS_MANAGED = new Map([['alias/aws/s3', 's3']]);

export class KeyStore {
  private readonly keys = new Map<string, KmsKey>();
  private readonly aliases = new Map<string, KmsAlias>();

  constructor(private readonly nowMs: () => number) {}

  create(args: {
    accountId: string;
    region: string;
    description: string;
    policyText: string;
    keyManager?: KmsKey['keyManager'];
  }): KmsKey {
    const keyId = randomUUID();
    const key: KmsKey = {
      keyId,
      arn: `arn:aws:kms:${args.region}:${args.accountId}:key/${keyId}`,
      accountId: args.accountId,
      region: args.region,
      description: args.description,
      keyManager: args.keyManager ?? 'CUSTOMER',
      enabled: true,
      creationDateMs: this.nowMs(),
      policyText: args.policyText,
      policy: JSON.parse(args.policyText) as PolicyDocument,
      material: randomBytes(32).toString('base64'),
    };
    this.keys.set(key.arn, key);
    return key;
  }

  setPolicy(key: KmsKey, policyText: string, policy: PolicyDocument): void {
    key.policyText = policyText;
    key.policy = policy;
  }

  byArn(arn: string): KmsKey | undefined {
    return this.keys.get(arn);
  }

  /** The key a KeyId parameter names, for a caller of `accountId` calling in `region`; throws NotFoundException. */
  resolve(keyId: string, accountId: string, region: string): KmsKey {
    const keyArn = KEY_ARN.exec(keyId);
    if (keyArn) {
      const key = this.keys.get(keyId);
      if (!key) throw keyNotFound(keyId);
      return key;
    }
    const aliasArn = ALIAS_ARN.exec(keyId);
    if (aliasArn) return this.resolveAlias(aliasArn[3]!, aliasArn[2]!, aliasArn[1]!);
    if (keyId.startsWith('alias/')) return this.resolveAlias(keyId, accountId, region);
    if (!/^[0-9a-f-]{36}$|^mrk-[0-9a-f]{32}$/.test(keyId)) throw invalidKeyId(keyId);
    const arn = `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
    const key = this.keys.get(arn);
    if (!key) throw keyNotFound(arn);
    return key;
  }

  aliasArn(aliasName: string, accountId: string, region: string): string {
    return `arn:aws:kms:${region}:${accountId}:${aliasName}`;
  }

  findAlias(aliasName: string, accountId: string, region: string): KmsAlias | undefined {
    return this.aliases.get(this.aliasArn(aliasName, accountId, region));
  }

  addAlias(aliasName: string, key: KmsKey): KmsAlias {
    const alias: KmsAlias = {
      aliasName,
      aliasArn: this.aliasArn(aliasName, key.accountId, key.region),
      targetKeyId: key.keyId,
      accountId: key.accountId,
      region: key.region,
      creationDateMs: this.nowMs(),
    };
    this.aliases.set(alias.aliasArn, alias);
    return alias;
  }

  /** The aliases of one account and region, in name order; optionally only those of one key. */
  listAliases(accountId: string, region: string, keyId?: string): KmsAlias[] {
    return [...this.aliases.values()]
      .filter((a) => a.accountId === accountId && a.region === region)
      .filter((a) => keyId === undefined || a.targetKeyId === keyId)
      .sort((a, b) => a.aliasName.localeCompare(b.aliasName));
  }

  private resolveAlias(aliasName: string, accountId: string, region: string): KmsKey {
    const alias =
      this.findAlias(aliasName, accountId, region) ?? this.createAwsManaged(aliasName, accountId, region);
    if (!alias) throw aliasNotFound(this.aliasArn(aliasName, accountId, region));
    return this.keys.get(`arn:aws:kms:${alias.region}:${alias.accountId}:key/${alias.targetKeyId}`)!;
  }

  /** AWS creates a service's managed key the first time the account uses it. */
  private createAwsManaged(aliasName: string, accountId: string, region: string): KmsAlias | undefined {
    const service = AWS_MANAGED.get(aliasName);
    if (!service) return undefined;
    const key = this.create({
      accountId,
      region,
      description: `Default key that protects my ${service.toUpperCase()} objects when no other key is defined`,
      policyText: JSON.stringify(awsManagedKeyPolicy(accountId, service, region)),
      keyManager: 'AWS',
    });
    return this.addAlias(aliasName, key);
  }

  snapshot(): KeyStoreSnapshot {
    return {
      version: 1,
      keys: [...this.keys.values()].map(({ policy: _parsed, ...rest }) => rest),
      aliases: [...this.aliases.values()],
    };
  }

  restore(data: unknown): void {
    const snapshot = data as Partial<KeyStoreSnapshot> | undefined;
    for (const key of snapshot?.keys ?? [])
      this.keys.set(key.arn, { ...key, policy: JSON.parse(key.policyText) as PolicyDocument });
    for (const alias of snapshot?.aliases ?? []) this.aliases.set(alias.aliasArn, alias);
  }
}
