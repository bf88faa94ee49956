/** Every check of `verify`, in the order they run and are reported. */
import { bucketRegionsCheck } from './bucket-regions-check.js';
import { destinationAclCheck } from './destination-acl-check.js';
import { destinationWriteCheck } from './destination-write-check.js';
import { identityCheck } from './identity-check.js';
import { notificationCheck } from './notification-check.js';
import { roleAssumeCheck } from './role-assume-check.js';
import { roleDurationCheck } from './role-duration-check.js';
import { roleExternalIdCheck } from './role-external-id-check.js';
import { rolePreviousExternalIdsCheck } from './role-previous-external-ids-check.js';
import { roleRetiredExternalIdsCheck } from './role-retired-external-ids-check.js';
import { sourceEncryptionCheck } from './source-encryption-check.js';
import { sourceListCheck } from './source-list-check.js';
import { sourceReadCheck } from './source-read-check.js';
import { subscriptionCheck } from './subscription-check.js';
import { topicPolicyCheck } from './topic-policy-check.js';
import type { Check } from './verify-types.js';

export const CHECKS: readonly Check[] = [
  roleAssumeCheck,
  roleExternalIdCheck,
  rolePreviousExternalIdsCheck,
  roleRetiredExternalIdsCheck,
  roleDurationCheck,
  identityCheck,
  bucketRegionsCheck,
  sourceListCheck,
  sourceReadCheck,
  sourceEncryptionCheck,
  destinationWriteCheck,
  destinationAclCheck,
  notificationCheck,
  topicPolicyCheck,
  subscriptionCheck,
];
