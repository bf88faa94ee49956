/**
 * The `aws` block: how bucketbridge reaches AWS. Region and attempts, the sandbox's endpoint, and
 * the endpoint options real deployments need (FIPS, dual-stack, VPC interface endpoints per
 * service). The SDK does the work underneath; `endpoint-rules.ts` refuses what the SDK refuses.
 */
import { z } from 'zod';
import { regionSchema } from './schema-primitives.js';

/** The services whose endpoint can be overridden one by one (`aws.endpoints.<service>`). */
export const ENDPOINT_SERVICES = ['s3', 'sts', 'sqs', 'sns'] as const;
export type EndpointService = (typeof ENDPOINT_SERVICES)[number];

const HTTP_URL_EXPECTED = 'an http(s) URL such as http://127.0.0.1:4566';

const httpUrl = z.url({ protocol: /^https?$/, error: HTTP_URL_EXPECTED });

const serviceEndpointUrl = (service: string, example: string) =>
  z
    .url({ protocol: /^https?$/, error: `an http(s) URL such as ${example}` })
    .optional()
    .describe(
      `Endpoint for ${service} only, e.g. a VPC interface endpoint's DNS name. Overridden by AWS_ENDPOINT_URL_${service.toUpperCase()}.`,
    );

export const awsSchema = z
  .strictObject({
    region: regionSchema
      .default('us-east-1')
      .describe(
        "The vendor's region: STS and the vendor's own queues. Also the default of each connection's `region`. Overridden by AWS_REGION, then AWS_DEFAULT_REGION.",
      ),
    endpoint: httpUrl
      .optional()
      .describe(
        'Endpoint override for a local stand-in (the sandbox) for every service, buckets addressed in the path; unset for real AWS. Overridden by BUCKETBRIDGE_ENDPOINT, then AWS_ENDPOINT_URL.',
      ),
    endpoints: z
      .strictObject({
        s3: serviceEndpointUrl('s3', 'https://bucket.vpce-0a1b2c3d-4e5f6a7b.s3.us-east-1.vpce.amazonaws.com'),
        sts: serviceEndpointUrl('sts', 'https://vpce-0a1b2c3d-4e5f6a7b.sts.us-east-1.vpce.amazonaws.com'),
        sqs: serviceEndpointUrl('sqs', 'https://vpce-0a1b2c3d-4e5f6a7b.sqs.us-east-1.vpce.amazonaws.com'),
        sns: serviceEndpointUrl('sns', 'https://vpce-0a1b2c3d-4e5f6a7b.sns.us-east-1.vpce.amazonaws.com'),
      })
      .default({})
      .describe(
        'Per-service endpoints (VPC interface endpoints, a proxy). They take precedence over `aws.endpoint` for their service; S3 keeps virtual-hosted addressing, as with AWS PrivateLink for S3.',
      ),
    useFipsEndpoint: z
      .boolean()
      .default(false)
      .describe(
        "Use FIPS 140 endpoints (the SDK's `useFipsEndpoint`). Cannot be combined with an endpoint override, nor with a China region for S3. Overridden by AWS_USE_FIPS_ENDPOINT.",
      ),
    useDualstackEndpoint: z
      .boolean()
      .default(false)
      .describe(
        "Use dual-stack (IPv4 and IPv6) endpoints (the SDK's `useDualstackEndpoint`). Cannot be combined with an endpoint override. Overridden by AWS_USE_DUALSTACK_ENDPOINT.",
      ),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe('SDK attempts per request (throttling and 5xx are retried).'),
  })
  .default({
    region: 'us-east-1',
    endpoints: {},
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: 5,
  })
  .describe(
    'How bucketbridge talks to AWS. Credentials never go here: they come from the AWS credential chain.',
  );
