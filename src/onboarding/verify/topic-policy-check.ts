/**
 * `topic.policy` (live, sns mode): the customer's topic policy lets the vendor's account subscribe
 * its SQS queue. Read through the role (sns:GetTopicAttributes, which the generated policy grants)
 * and evaluated for the vendor's account, its queue and the sqs protocol.
 */
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsErrorCode, messageOf } from '../../aws/errors.js';
import { evaluateResourcePolicy } from './evaluate-resource-policy.js';
import { snsTargetOrOutcome, unlessLiveThroughSns } from './live-target.js';
import { type Check, type CheckOutcome, fail, pass } from './verify-types.js';

export const topicPolicyCheck: Check = {
  id: 'topic.policy',
  dependsOn: ['role.assume', 'role.duration'],
  notApplicable: unlessLiveThroughSns('topic'),
  async run({ config, connection, access }): Promise<CheckOutcome> {
    const target = snsTargetOrOutcome(config, connection);
    if ('status' in target) return target;
    const vendor = config.vendor.accountId;
    const fix =
      `Add to the topic policy of ${target.topicArn} the statement of the generated topic-policy.json: Allow sns:Subscribe ` +
      `to arn:aws:iam::${vendor}:root for the sqs protocol and queues of account ${vendor} (\`bucketbridge onboard --apply\` does this).`;
    let policyText: string | undefined;
    try {
      const answer = await access
        .client(SNSClient, target.region)
        .send(new GetTopicAttributesCommand({ TopicArn: target.topicArn }));
      policyText = answer.Attributes?.Policy;
    } catch (error) {
      const code = awsErrorCode(error) ?? 'Error';
      return fail(
        `GetTopicAttributes ${target.topicArn}: ${code}: ${messageOf(error)}`,
        /NotFound/.test(code)
          ? `Create the topic ${target.topicArn} (the generated template or \`bucketbridge onboard --apply\` does), or correct live.topicArn.`
          : `Grant the role sns:GetTopicAttributes on ${target.topicArn} (the generated permissions policy has it for live connections).`,
      );
    }
    const verdict = evaluateResourcePolicy(JSON.parse(policyText ?? '{}'), {
      action: 'sns:Subscribe',
      resource: target.topicArn,
      principalAccount: vendor,
      context: {
        'sns:Protocol': 'sqs',
        'sns:Endpoint': target.vendorQueueArn,
        'aws:PrincipalAccount': vendor,
      },
    });
    const unclear =
      verdict.unevaluated.length > 0 ? ` (conditions not evaluated: ${verdict.unevaluated.join('; ')})` : '';
    if (verdict.decision === 'allowed') {
      return pass(
        `statement ${verdict.statement} lets account ${vendor} subscribe ${target.vendorQueueArn} to ${target.topicArn}${unclear}`,
      );
    }
    if (verdict.decision === 'denied') {
      return fail(
        `statement ${verdict.statement} of the policy of ${target.topicArn} denies account ${vendor} sns:Subscribe`,
        `Remove or narrow that Deny statement. ${fix}`,
      );
    }
    return fail(
      `the policy of ${target.topicArn} does not let account ${vendor} subscribe its queue ${target.vendorQueueArn}${unclear}`,
      fix,
    );
  },
};
