/**
 * The clients `onboard --apply` uses, signed with whatever credentials the default chain finds
 * (the customer's administrator: a profile, environment keys, SSO) and pointed at the configured
 * endpoint (the sandbox) when there is one.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { parseArn } from '../../aws/arn.js';
import { type AwsSettings, clientConfig, createClient } from '../../aws/client-factory.js';
import type { OnboardingContext } from '../onboarding-context.js';
import type { ApplyClients } from './plan-onboarding.js';

export function createApplyClients(settings: AwsSettings, context: OnboardingContext): ApplyClients {
  const queueRegion = context.live?.mode === 'sqs' ? parseArn(context.live.queueArn)?.region : undefined;
  return {
    sts: createClient(STSClient, { settings }),
    iam: createClient(IAMClient, { settings }),
    // The customer's buckets are in the connection's region; should one be elsewhere, the SDK
    // re-sends to the bucket's region on a redirect.
    s3: new S3Client({
      ...clientConfig({ settings, region: context.region, service: 's3' }),
      followRegionRedirects: true,
    }),
    sns: createClient(SNSClient, { settings, region: context.region }),
    sqs: createClient(SQSClient, { settings, region: queueRegion || context.region }),
    kms: (region) => createClient(KMSClient, { settings, region }),
  };
}
