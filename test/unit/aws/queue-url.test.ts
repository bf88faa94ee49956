import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from '../../../src/aws/queue-url.js';

describe('parseQueueUrl, the one queue-URL reader', () => {
  const ACCOUNT = '222222222222';
  it.each([
    ['https://sqs.us-east-1.amazonaws.com/222222222222/events', 'us-east-1', 'events'],
    ['https://sqs.eu-west-2.amazonaws.com/222222222222/events/', 'eu-west-2', 'events'],
    ['https://us-east-1.queue.amazonaws.com/222222222222/events', 'us-east-1', 'events'],
    ['https://eu-west-1.queue.amazonaws.com/222222222222/events', 'eu-west-1', 'events'],
    ['https://queue.amazonaws.com/222222222222/events', 'us-east-1', 'events'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/222222222222/q.fifo', 'cn-north-1', 'q.fifo'],
    ['https://cn-northwest-1.queue.amazonaws.com.cn/222222222222/q', 'cn-northwest-1', 'q'],
    ['https://sqs-fips.us-gov-west-1.amazonaws.com/222222222222/events', 'us-gov-west-1', 'events'],
    ['https://sqs-fips.us-east-2.amazonaws.com/222222222222/events', 'us-east-2', 'events'],
    ['https://sqs.us-east-1.api.aws/222222222222/events', 'us-east-1', 'events'],
    [
      'https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.sqs.us-east-1.vpce.amazonaws.com/222222222222/events',
      'us-east-1',
      'events',
    ],
    [
      'https://vpce-0123-xyz.sqs.ap-southeast-2.vpce.amazonaws.com/222222222222/my_queue-1',
      'ap-southeast-2',
      'my_queue-1',
    ],
    ['HTTPS://SQS.EU-CENTRAL-1.AMAZONAWS.COM/222222222222/events', 'eu-central-1', 'events'],
    ['http://127.0.0.1:4566/222222222222/events', undefined, 'events'],
    ['http://localhost:9324/222222222222/events', undefined, 'events'],
    ['https://sqs.example.internal/222222222222/events', undefined, 'events'],
  ])('%s is queue %s/%s', (url, region, name) => {
    expect(parseQueueUrl(url)).toEqual({ accountId: ACCOUNT, name, region });
  });

  it.each([
    ['https://sqs.eu-west-1.amazonaws.com/events'],
    ['https://sqs.eu-west-1.amazonaws.com/2222/events'],
    ['https://sqs.eu-west-1.amazonaws.com/222222222222/events/extra'],
    ['https://sqs.eu-west-1.amazonaws.com/222222222222/bad%20name'],
    [`https://sqs.eu-west-1.amazonaws.com/222222222222/${'q'.repeat(81)}`],
    ['ftp://sqs.eu-west-1.amazonaws.com/222222222222/events'],
    ['arn:aws:sqs:eu-west-1:222222222222:events'],
    ['not a url'],
  ])('%s is not a queue URL', (url) => {
    expect(parseQueueUrl(url)).toBeUndefined();
  });
});
