/**
 * The one reader of SQS queue URLs. AWS hands them out in several host forms; every one names the
 * account and queue in the path, and most name the region in the host:
 *
 * | host                                              | region                |
 * |---------------------------------------------------|-----------------------|
 * | `sqs.us-east-1.amazonaws.com`                     | us-east-1             |
 * | `sqs-fips.us-gov-west-1.amazonaws.com`            | us-gov-west-1 (FIPS)  |
 * | `sqs.us-east-1.api.aws`                           | us-east-1 (dual-stack)|
 * | `sqs.cn-north-1.amazonaws.com.cn`                 | cn-north-1            |
 * | `us-east-1.queue.amazonaws.com` (legacy)          | us-east-1             |
 * | `queue.amazonaws.com` (legacy, global)            | us-east-1             |
 * | `vpce-0a1b-c2d3.sqs.us-east-1.vpce.amazonaws.com` | us-east-1 (PrivateLink)|
 * | anything else (a custom endpoint, the sandbox)    | unknown               |
 */

/** What a queue URL names. */
export interface QueueUrlParts {
  /** The queue owner's 12-digit account ID. */
  accountId: string;
  /** The queue's name (`.fifo` included for FIFO queues). */
  name: string;
  /** The region the host names; undefined for hosts that name none (custom endpoints, localhost). */
  region: string | undefined;
}

const REGION = '([a-z]{2,4}(?:-[a-z]+)+-\\d+)';
const HOST_REGION: readonly RegExp[] = [
  new RegExp(`^sqs(?:-fips)?\\.${REGION}\\.(?:amazonaws\\.com(?:\\.cn)?|api\\.aws)$`),
  new RegExp(`^${REGION}\\.queue\\.amazonaws\\.com(?:\\.cn)?$`),
  new RegExp(`^vpce-[a-z0-9-]+\\.sqs(?:-fips)?\\.${REGION}\\.vpce\\.amazonaws\\.com(?:\\.cn)?$`),
];

/** The region an SQS host names, or undefined for a host that names none. */
function regionOfHost(host: string): string | undefined {
  if (host === 'queue.amazonaws.com') return 'us-east-1';
  for (const pattern of HOST_REGION) {
    const region = pattern.exec(host)?.[1];
    if (region !== undefined) return region;
  }
  return undefined;
}

/**
 * The account, name and region of a queue URL (`https://HOST/ACCOUNT/NAME`, any host form above),
 * or undefined when the text is not a URL or its path is not `/ACCOUNT/NAME`.
 */
export function parseQueueUrl(queueUrl: string): QueueUrlParts | undefined {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const match = /^\/(\d{12})\/([\w-]{1,80}(?:\.fifo)?)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  const [, accountId = '', name = ''] = match;
  return { accountId, name, region: regionOfHost(url.hostname.toLowerCase()) };
}
