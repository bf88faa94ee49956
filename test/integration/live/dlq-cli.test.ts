/**
 * `bucketbridge dlq list|replay` as processes on the sandbox. sns mode: an object whose copy fails
 * every time (S3 answers 503 to CopyObject) is retried until its message reaches the vendor's
 * dead-letter queue after maxReceiveCount receives; `dlq list` shows it (text and --json) with the
 * ledger's reason and leaves it there; once S3 recovers, `dlq replay` moves it back and the object
 * is processed once. sqs mode: the role has no grant on the customer's dead-letter queue, so both
 * commands end with exit 1 and say what to grant; with the grant, they work. Needs `npm run build`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEAD_LETTER_ACTIONS } from '../../../src/live/dead-letter-queue.js';
import type { DeadLetter } from '../../../src/live/dead-letters.js';
import type { LiveRun } from '../../../src/live/run-live.js';
import { INLINE_POLICY_NAME } from '../../../src/onboarding/render-cloudformation.js';
import { createLedger } from '../../../src/state/create-ledger.js';
import { CLEAN_ENV, runCli } from '../../helpers/run-cli.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import { queueArn, queueDepth, vendorQueueUrl } from './live-queues.js';
import { createLiveWorld, type LiveWorld } from './live-world.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const dlq = (world: LiveWorld, ...args: string[]) =>
  runCli(['dlq', ...args, '--config', world.configPath, '--connection', 'acme'], {
    env: { ...CLEAN_ENV, ...sandbox.env('vendor'), AWS_ENDPOINT_URL: '' },
  });

/** The ledger entry of an object, read through the Ledger interface. */
async function ledgerEntry(world: LiveWorld, key: string, body: string) {
  const ledger = createLedger({ setting: 'sqlite:./state/ledger.db', configPath: world.configPath });
  try {
    const version = createHash('md5').update(body).digest('hex');
    return {
      entry: await ledger.get({ connection: 'acme', bucket: world.sourceBucket, key, version }),
      stats: await ledger.stats('acme'),
    };
  } finally {
    await ledger.close();
  }
}

describe('dlq list and replay (sns mode, the vendor queue)', () => {
  let world: LiveWorld;
  let run: LiveRun;
  let dlqUrl: string;
  beforeAll(async () => {
    world = await createLiveWorld(sandbox, { mode: 'sns', maxReceiveCount: 2 });
    run = await world.start();
    dlqUrl = await vendorQueueUrl(world, '-dlq');
  }, 60_000);
  afterAll(async () => {
    sandbox.setFaults('');
    await run?.stop(0);
    world?.close();
  });

  it('a message whose object keeps failing lands in the dead-letter queue after maxReceiveCount receives', async () => {
    sandbox.setFaults('s3:CopyObject=503');
    await world.put('in/poison.txt', 'poison body');
    await waitFor('the message in the dead-letter queue', async () => {
      return (await queueDepth(world.vendorSqs, dlqUrl)).visible === 1;
    });
    sandbox.setFaults('');
    const { entry } = await ledgerEntry(world, 'in/poison.txt', 'poison body');
    expect(entry).toMatchObject({ state: 'failed' });
  }, 60_000);

  it('dlq list shows the key, receive count, first-seen time and reason, without consuming the message', async () => {
    const text = await dlq(world, 'list');
    expect(text.exitCode, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`1 message in the dead-letter queue of connection acme (${dlqUrl})`);
    expect(lines[2]).toMatch(/^[0-9a-f-]{36} {2}received 2 times, first seen \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(lines[3]).toMatch(
      new RegExp(
        `^ {2}s3://${world.sourceBucket}/in/poison\\.txt {2}failed: .*\\(gave up after \\d+ attempts\\)$`,
      ),
    );

    const json = await dlq(world, 'list', '--json');
    expect(json.exitCode, json.stderr).toBe(0);
    const document = JSON.parse(json.stdout) as { connection: string; messages: DeadLetter[] };
    expect(document.connection).toBe('acme');
    expect(document.messages).toHaveLength(1);
    const [letter] = document.messages;
    // The text listing before this one is not counted either: each listing hides its own receive.
    expect(letter).toMatchObject({ receiveCount: 3, malformed: null });
    expect(letter!.objects).toEqual([
      {
        bucket: world.sourceBucket,
        key: 'in/poison.txt',
        version: createHash('md5').update('poison body').digest('hex'),
        ledgerState: 'failed',
        reason: expect.stringMatching(/^ServiceUnavailable|^SlowDown|503/),
      },
    ]);
    expect(Date.parse(letter!.firstSeenAt!)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(letter!.sentAt!)).toBeLessThanOrEqual(Date.parse(letter!.firstSeenAt!));
    // Listed twice, still there and visible.
    expect(await queueDepth(world.vendorSqs, dlqUrl)).toEqual({ visible: 1, inFlight: 0 });
  }, 60_000);

  it('dlq replay after the fix moves it back and the object is processed once', async () => {
    const replayed = await dlq(world, 'replay');
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    expect(replayed.stdout).toBe(
      `moved 1 message of connection acme from ${dlqUrl} back to ${await vendorQueueUrl(world)}\n`,
    );
    await waitFor('the output', async () => (await world.output('out/poison.txt')) === 'poison body');
    const { entry, stats } = await ledgerEntry(world, 'in/poison.txt', 'poison body');
    expect(entry).toMatchObject({ state: 'done' });
    expect(stats).toMatchObject({ done: 1, failed: 0, claimed: 0 });
    await waitFor('the queue to drain', async () => {
      const depth = await queueDepth(world.vendorSqs, await vendorQueueUrl(world));
      return depth.visible + depth.inFlight === 0;
    });
    expect(await queueDepth(world.vendorSqs, dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(run.stats()[0]).toMatchObject({ processed: 1 });
    const empty = await dlq(world, 'list');
    expect(empty.stdout).toBe(`0 messages in the dead-letter queue of connection acme (${dlqUrl})\n`);
  }, 60_000);
});

describe('dlq with bad input', () => {
  let world: LiveWorld;
  beforeAll(async () => {
    world = await createLiveWorld(sandbox, { mode: 'sns' });
  }, 60_000);
  afterAll(() => world?.close());

  it('refuses --max 0 with exit 2 and the flag named', async () => {
    const result = await dlq(world, 'replay', '--max', '0');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "option '--max <n>' argument '0' is invalid. expected a whole number of messages, 1 or more, found \"0\"",
    );
  });

  it("ends with exit 1 when the vendor's queue does not exist yet", async () => {
    const result = await dlq(world, 'replay');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`cannot find the vendor's queue ${world.vendorQueueName}`);
    expect(result.stderr).toContain('(bucketbridge live or run creates it when the connection first starts)');
  });

  it('refuses a batch connection with exit 2', async () => {
    const file = parse(readFileSync(world.configPath, 'utf8')) as {
      connections: Array<Record<string, unknown>>;
    };
    const { live: _live, ...connection } = file.connections[0]!;
    writeFileSync(
      world.configPath,
      stringify({ ...file, connections: [{ ...connection, workflow: 'batch' }] }),
    );
    const result = await dlq(world, 'list');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'connection acme is a batch connection: only live connections have a dead-letter queue',
    );
  });
});

describe("dlq list and replay (sqs mode, the customer's queue)", () => {
  let world: LiveWorld;
  beforeAll(async () => {
    world = await createLiveWorld(sandbox, { mode: 'sqs', maxReceiveCount: 2 });
  }, 60_000);
  afterAll(() => world?.close());

  it('ends with exit 1 naming the dead-letter queue and the statement to grant when the role may not use it', async () => {
    const dlqArn = await queueArn(world.customerSqs, world.customerDlqUrl!);
    for (const command of ['list', 'replay']) {
      const result = await dlq(world, command);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `connection acme: the role cannot use the customer's dead-letter queue ${dlqArn}: AccessDenied: `,
      );
      expect(result.stderr).toContain(
        `{"Sid":"HandleDeadLetters","Effect":"Allow","Action":["sqs:ChangeMessageVisibility","sqs:DeleteMessage","sqs:GetQueueAttributes","sqs:GetQueueUrl","sqs:ReceiveMessage"],"Resource":"${dlqArn}"}`,
      );
      expect(result.stderr).not.toContain('This is a bug');
    }
  }, 60_000);

  it('works once the customer grants those statements', async () => {
    const dlqArn = await queueArn(world.customerSqs, world.customerDlqUrl!);
    const queue = await queueArn(world.customerSqs, world.customerQueueUrl!);
    const roleName = (
      parse(readFileSync(world.configPath, 'utf8')) as { connections: [{ onboarding: { roleName: string } }] }
    ).connections[0].onboarding.roleName;
    const iam = new IAMClient(sandbox.sdkConfig('customer'));
    try {
      const current = await iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: INLINE_POLICY_NAME }),
      );
      const policy = JSON.parse(decodeURIComponent(current.PolicyDocument!)) as { Statement: unknown[] };
      policy.Statement.push(
        {
          Sid: 'HandleDeadLetters',
          Effect: 'Allow',
          Action: DEAD_LETTER_ACTIONS,
          Resource: dlqArn,
        },
        { Sid: 'ReplayDeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queue },
      );
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: INLINE_POLICY_NAME,
          PolicyDocument: JSON.stringify(policy),
        }),
      );
    } finally {
      iam.destroy();
    }
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    await world.customerSqs.send(
      new SendMessageCommand({ QueueUrl: world.customerDlqUrl, MessageBody: 'not an event' }),
    );
    const listed = await dlq(world, 'list', '--json');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const messages = (JSON.parse(listed.stdout) as { messages: DeadLetter[] }).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ objects: [], receiveCount: 0 });
    expect(messages[0]!.malformed).toMatch(/not JSON|JSON/);
    // The queue holds the s3:TestEvent of the notification's set-up: nobody reads it in this test.
    const before = await queueDepth(world.customerSqs, world.customerQueueUrl!);
    const replayed = await dlq(world, 'replay', '--max', '1');
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    expect(await queueDepth(world.customerSqs, world.customerQueueUrl!)).toEqual({
      visible: before.visible + 1,
      inFlight: 0,
    });
    expect(await queueDepth(world.customerSqs, world.customerDlqUrl!)).toEqual({ visible: 0, inFlight: 0 });
  }, 60_000);
});
