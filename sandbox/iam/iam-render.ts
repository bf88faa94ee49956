/** How IAM renders roles and policies in its XML answers. */
import type { XmlObject } from '../protocols/xml.js';
import type { Role } from './role-store.js';

/**
 * IAM returns policy documents URL-encoded (RFC 3986: everything but unreserved characters is
 * percent-encoded), which clients such as the AWS CLI and boto3 decode.
 */
export function encodePolicy(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** ISO 8601 without milliseconds, as IAM and STS print dates. */
export function awsDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A role as IAM answers it: GetRole in full; CreateRole without MaxSessionDuration and
 * RoleLastUsed; ListRoles without tags and last use.
 */
export function renderRole(role: Role, form: 'get' | 'create' | 'list' = 'get'): XmlObject {
  const tags =
    role.tags.length > 0 ? { member: role.tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : undefined;
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: awsDate(role.createDate),
    AssumeRolePolicyDocument: encodePolicy(role.trustPolicy.text),
    Description: role.description,
    MaxSessionDuration: form === 'create' ? undefined : role.maxSessionDurationSec,
    Tags: form === 'list' ? undefined : tags,
    RoleLastUsed: form === 'get' ? {} : undefined,
  };
}
