/**
 * AddPermission and RemovePermission: SQS's shorthand for editing the queue policy, one
 * statement per label granting whole accounts a list of actions.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
 */
import { AwsError } from '../core/errors.js';
import type { PolicyDocument, PolicyStatement } from '../core/types.js';
import { queuePolicyOf } from './queue-attributes.js';
import { authorizeQueue, listParam, queueParam, type SqsOperation, stringParam } from './sqs-input.js';

const LABEL_RE = /^[A-Za-z0-9_-]{1,80}$/;

function labelError(label: string, reason: string): AwsError {
  return new AwsError(
    'InvalidParameterValue',
    `Value ${label} for parameter Label is invalid. Reason: ${reason}`,
  );
}

function statementsOf(policy: PolicyDocument | undefined): PolicyStatement[] {
  if (!policy) return [];
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

const addPermission: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'AddPermission', queue);
  const label = stringParam(call.input, 'Label', true);
  if (!LABEL_RE.test(label))
    throw labelError(
      label,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  const accounts = listParam(call.input, 'AWSAccountIds');
  const actions = listParam(call.input, 'Actions');
  if (accounts.length === 0)
    throw new AwsError('MissingParameter', 'The request must contain the parameter AWSAccountIds.');
  if (actions.length === 0)
    throw new AwsError('MissingParameter', 'The request must contain the parameter Actions.');
  const policy = queuePolicyOf(queue.attributes);
  const statements = statementsOf(policy);
  if (statements.some((s) => s.Sid === label)) throw labelError(label, 'Already exists.');
  statements.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
    Action: actions.map((a) => `SQS:${a}`),
    Resource: queue.identity.arn,
  });
  const next: PolicyDocument = {
    Version: policy?.Version ?? '2012-10-17',
    Id: policy?.Id ?? `${queue.identity.arn}/SQSDefaultPolicy`,
    Statement: statements,
  };
  queue.attributes = { ...queue.attributes, Policy: JSON.stringify(next) };
  queue.lastModifiedAtMs = rt.clock.nowMs();
  return {};
};

const removePermission: SqsOperation = (rt, call) => {
  const queue = queueParam(rt, call);
  authorizeQueue(rt, call.caller, 'RemovePermission', queue);
  const label = stringParam(call.input, 'Label', true);
  const policy = queuePolicyOf(queue.attributes);
  const statements = statementsOf(policy);
  const kept = statements.filter((s) => s.Sid !== label);
  if (kept.length === statements.length) throw labelError(label, "can't find label.");
  const { Policy: _removed, ...rest } = queue.attributes;
  queue.attributes =
    kept.length === 0 ? rest : { ...rest, Policy: JSON.stringify({ ...policy, Statement: kept }) };
  queue.lastModifiedAtMs = rt.clock.nowMs();
  return {};
};

export const PERMISSION_OPERATIONS: Record<string, SqsOperation> = {
  AddPermission: addPermission,
  RemovePermission: removePermission,
};
