/**
 * Put/GetBucketNotificationConfiguration. A configuration is stored only when every destination's
 * policy lets this bucket publish (S3 asks each queue/topic); then each destination gets `s3:TestEvent`.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { ownerConfiguredBucket } from './bucket-policy.js';
import { publishTestEvents } from './events.js';
import { parseNotificationConfiguration, renderNotificationRules } from './notification-config.js';
import type { S3Call } from './s3-access.js';
import { parseXml, xmlResponse } from './s3-xml.js';

export async function putBucketNotification(call: S3Call): Promise<ServiceResponse> {
  const bucket = ownerConfiguredBucket(call, 's3:PutBucketNotification');
  const rules = parseNotificationConfiguration(parseXml(await call.request.readBody()));
  const sourceArn = `arn:aws:s3:::${bucket.name}`;
  for (const rule of rules) {
    // S3 delivers only to a queue, topic or function in the bucket's own region.
    if (rule.arn.split(':')[3] !== bucket.region) {
      throw new AwsError(
        'InvalidArgument',
        'The notification destination service region is not valid for the bucket location constraint',
        400,
        { ArgumentName: rule.arn, ArgumentValue: rule.arn },
      );
    }
    const allowed = call.env.ctx.hooks.canDeliver({
      destinationArn: rule.arn,
      sourceService: 's3.amazonaws.com',
      sourceArn,
      sourceAccount: bucket.ownerAccountId,
    });
    if (!allowed)
      throw new AwsError(
        'InvalidArgument',
        'Unable to validate the following destination configurations',
        400,
        {
          ArgumentName: rule.arn,
          ArgumentValue: `Permissions on the destination ${rule.kind} do not allow S3 to publish notifications from this bucket`,
        },
      );
  }
  bucket.notifications = rules;
  publishTestEvents(call.env.ctx, bucket, rules, call.request.requestId);
  return { status: 200 };
}

export function getBucketNotification(call: S3Call): ServiceResponse {
  const bucket = ownerConfiguredBucket(call, 's3:GetBucketNotification');
  return xmlResponse('NotificationConfiguration', renderNotificationRules(bucket.notifications));
}
