/**
 * `subscription.state` (live, sns mode): the vendor's queue is subscribed to the customer's topic and
 * the subscription is confirmed. Read with the vendor's own credentials (ListSubscriptions lists the
 * vendor's subscriptions). No subscription yet is a warning: `bucketbridge live` subscribes on start.
 */
import { ListSubscriptionsCommand, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { awsErrorCode, messageOf } from '../../aws/errors.js';
import { snsTargetOrOutcome, unlessLiveThroughSns } from './live-target.js';
import { type Check, type CheckOutcome, fail, pass, warn } from './verify-types.js';

/** ListSubscriptions pages through every subscription of the account; stop after this many pages. */
const MAX_PAGES = 100;

export const subscriptionCheck: Check = {
  id: 'subscription.state',
  dependsOn: ['topic.policy'],
  notApplicable: unlessLiveThroughSns('subscription'),
  async run({ config, connection, access }): Promise<CheckOutcome> {
    const target = snsTargetOrOutcome(config, connection);
    if ('status' in target) return target;
    const sns = access.vendorClient(SNSClient, target.region);
    const found: Subscription[] = [];
    try {
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await sns.send(
          new ListSubscriptionsCommand(token === undefined ? {} : { NextToken: token }),
        );
        found.push(
          ...(answer.Subscriptions ?? []).filter(
            (s) => s.TopicArn === target.topicArn && s.Endpoint === target.vendorQueueArn,
          ),
        );
        token = answer.NextToken;
        if (!token) break;
      }
    } catch (error) {
      return fail(
        `ListSubscriptions (vendor account ${config.vendor.accountId}): ${awsErrorCode(error) ?? 'Error'}: ${messageOf(error)}`,
        "Check the vendor's credentials: they need sns:ListSubscriptions.",
      );
    }
    const confirmed = found.find((s) => s.SubscriptionArn?.startsWith('arn:'));
    if (confirmed) {
      return pass(
        `${target.vendorQueueArn} is subscribed to ${target.topicArn} (${confirmed.SubscriptionArn})`,
      );
    }
    if (found.length > 0) {
      return fail(
        `the subscription of ${target.vendorQueueArn} to ${target.topicArn} is pending confirmation`,
        'Run `bucketbridge live`: it subscribes the queue as its owner, which SNS confirms at once; or confirm the subscription with the token SNS sent to the queue.',
      );
    }
    return warn(
      `${target.vendorQueueArn} is not subscribed to ${target.topicArn} yet`,
      `Run \`bucketbridge live --connection ${connection.name}\`: it creates the vendor queue and subscribes it.`,
    );
  },
};
