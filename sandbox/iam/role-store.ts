/**
 * The IAM roles of every sandbox account, with their trust and inline policies. IAM is global:
 * one store serves all regions. Policies keep the exact text the caller sent (IAM returns it
 * verbatim, URL-encoded) next to the parsed document the authorizer evaluates.
 */
import { randomBytes } from 'node:crypto';
import type { PolicyDocument } from '../core/types.js';

export interface RoleTag {
  Key: string;
  Value: string;
}

export interface StoredPolicy {
  text: string;
  document: PolicyDocument;
}

export interface Role {
  accountId: string;
  name: string;
  /** `/` or `/a/b/`. */
  path: string;
  /** `AROA…`, 21 characters. */
  roleId: string;
  arn: string;
  createDate: Date;
  description?: string;
  maxSessionDurationSec: number;
  trustPolicy: StoredPolicy;
  tags: RoleTag[];
  /** Inline policies by name. */
  policies: Map<string, StoredPolicy>;
}

/** The persisted form of a role (what `snapshot()` writes and `restore()` reads). */
interface RoleRecord {
  accountId: string;
  name: string;
  path: string;
  roleId: string;
  createDate: string;
  description?: string;
  maxSessionDurationSec: number;
  trustPolicy: string;
  tags: RoleTag[];
  policies: Array<[string, string]>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newRoleId(): string {
  const bytes = randomBytes(17);
  let id = 'AROA';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

export function roleArnOf(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

/** Account and name of a role ARN (`arn:aws:iam::ACCT:role/path/NAME`), or undefined. */
export function parseRoleArn(arn: string): { accountId: string; path: string; name: string } | undefined {
  const match = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  if (!match) return undefined;
  return { accountId: match[1]!, path: match[2]!, name: match[3]! };
}

function storedPolicy(text: string): StoredPolicy {
  return { text, document: JSON.parse(text) as PolicyDocument };
}

export class RoleStore {
  // Keyed by account, then by lower-cased name: IAM role names are unique case-insensitively.
  private readonly accounts = new Map<string, Map<string, Role>>();

  private rolesOf(accountId: string): Map<string, Role> {
    let roles = this.accounts.get(accountId);
    if (!roles) {
      roles = new Map();
      this.accounts.set(accountId, roles);
    }
    return roles;
  }

  get(accountId: string, name: string): Role | undefined {
    return this.accounts.get(accountId)?.get(name.toLowerCase());
  }

  /** The role an ARN names; the ARN's path must be the role's. */
  getByArn(arn: string): Role | undefined {
    const parsed = parseRoleArn(arn);
    if (!parsed) return undefined;
    const role = this.get(parsed.accountId, parsed.name);
    return role && role.arn === arn ? role : undefined;
  }

  /** Roles of an account sorted by name, optionally under a path prefix. */
  list(accountId: string, pathPrefix = '/'): Role[] {
    return [...(this.accounts.get(accountId)?.values() ?? [])]
      .filter((role) => role.path.startsWith(pathPrefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  create(args: {
    accountId: string;
    name: string;
    path: string;
    trustPolicy: StoredPolicy;
    description?: string;
    maxSessionDurationSec: number;
    tags: RoleTag[];
    createDate: Date;
  }): Role {
    const role: Role = {
      ...args,
      roleId: newRoleId(),
      arn: roleArnOf(args.accountId, args.path, args.name),
      policies: new Map(),
    };
    this.rolesOf(args.accountId).set(args.name.toLowerCase(), role);
    return role;
  }

  delete(role: Role): void {
    this.accounts.get(role.accountId)?.delete(role.name.toLowerCase());
  }

  snapshot(): { roles: RoleRecord[] } {
    const roles: RoleRecord[] = [];
    for (const account of this.accounts.values()) {
      for (const role of account.values()) {
        roles.push({
          accountId: role.accountId,
          name: role.name,
          path: role.path,
          roleId: role.roleId,
          createDate: role.createDate.toISOString(),
          description: role.description,
          maxSessionDurationSec: role.maxSessionDurationSec,
          trustPolicy: role.trustPolicy.text,
          tags: role.tags,
          policies: [...role.policies].map(([name, policy]) => [name, policy.text]),
        });
      }
    }
    return { roles };
  }

  restore(data: unknown): void {
    this.accounts.clear();
    const roles = (data as { roles?: RoleRecord[] } | undefined)?.roles ?? [];
    for (const record of roles) {
      const role: Role = {
        accountId: record.accountId,
        name: record.name,
        path: record.path,
        roleId: record.roleId,
        arn: roleArnOf(record.accountId, record.path, record.name),
        createDate: new Date(record.createDate),
        description: record.description,
        maxSessionDurationSec: record.maxSessionDurationSec,
        trustPolicy: storedPolicy(record.trustPolicy),
        tags: record.tags,
        policies: new Map(record.policies.map(([name, text]) => [name, storedPolicy(text)])),
      };
      this.rolesOf(role.accountId).set(role.name.toLowerCase(), role);
    }
  }
}
