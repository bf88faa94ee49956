/**
 * Every queue of the sandbox, by ARN, with the URL ↔ queue mapping SQS clients address them by
 * (`{endpoint}/{accountId}/{queueName}`), and the snapshot form `--state` persists.
 */
import type { Clock } from './clock.js';
import type { MessageAttributes } from './message-attributes.js';
import { MessageQueue, type QueueIdentity, type StoredMessage } from './message-queue.js';
import { queueDoesNotExist } from './sqs-errors.js';

/** A queue's ARN from its parts. */
export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

export class QueueRegistry {
  private readonly queues = new Map<string, MessageQueue>();
  /** Tags per queue ARN. */
  readonly tags = new Map<string, Record<string, string>>();

  constructor(
    private readonly clock: Clock,
    /** The endpoint queue URLs start with, e.g. `http://127.0.0.1:4566`. */
    private readonly endpoint: () => string,
  ) {}

  get(arn: string): MessageQueue | undefined {
    return this.queues.get(arn);
  }

  /** Adds a new queue with the given (validated) attributes. */
  create(identity: QueueIdentity, attributes: Record<string, string>): MessageQueue {
    const now = this.clock.nowMs();
    const queue = new MessageQueue(identity, attributes, now, now, this.clock, (arn) => this.queues.get(arn));
    this.queues.set(identity.arn, queue);
    return queue;
  }

  delete(queue: MessageQueue): void {
    this.queues.delete(queue.identity.arn);
    this.tags.delete(queue.identity.arn);
    queue.markDeleted();
  }

  /** Queues of one account in one region, in name order. */
  list(accountId: string, region: string): MessageQueue[] {
    return [...this.queues.values()]
      .filter((q) => q.identity.accountId === accountId && q.identity.region === region)
      .sort((a, b) => (a.identity.name < b.identity.name ? -1 : 1));
  }

  /** Queues whose redrive policy names `arn` as their dead-letter queue. */
  sourcesOf(arn: string): MessageQueue[] {
    return [...this.queues.values()].filter((q) => q.attributes.RedrivePolicy?.includes(`"${arn}"`));
  }

  urlOf(queue: MessageQueue): string {
    return `${this.endpoint()}/${queue.identity.accountId}/${queue.identity.name}`;
  }

  /**
   * The queue a QueueUrl names. Like SQS, only the path's account and name matter (clients send
   * URLs with any host); a URL that names no existing queue is QueueDoesNotExist.
   */
  resolveUrl(queueUrl: string, region: string): MessageQueue {
    let path: string;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      path = queueUrl;
    }
    const parts = path.split('/').filter(Boolean);
    const queue =
      parts.length === 2
        ? this.queues.get(queueArn(region, parts[0]!, decodeURIComponent(parts[1]!)))
        : undefined;
    if (!queue) throw queueDoesNotExist();
    return queue;
  }

  /** Everything, in a JSON-safe form (binary attribute values as base64). */
  snapshot(): QueueSnapshot[] {
    return [...this.queues.values()].map((q) => ({
      identity: q.identity,
      attributes: q.attributes,
      createdAtMs: q.createdAtMs,
      lastModifiedAtMs: q.lastModifiedAtMs,
      tags: this.tags.get(q.identity.arn) ?? {},
      messages: [...q.messages.values()].map((m) => ({
        ...m,
        attributes: attributesToJson(m.attributes),
        systemAttributes: attributesToJson(m.systemAttributes),
      })),
    }));
  }

  restore(data: QueueSnapshot[]): void {
    this.queues.clear();
    this.tags.clear();
    for (const s of data) {
      const q = new MessageQueue(
        s.identity,
        s.attributes,
        s.createdAtMs,
        s.lastModifiedAtMs,
        this.clock,
        (arn) => this.queues.get(arn),
      );
      for (const m of s.messages) {
        q.restoreMessage({
          ...m,
          attributes: attributesFromJson(m.attributes),
          systemAttributes: attributesFromJson(m.systemAttributes),
        } as StoredMessage);
      }
      this.queues.set(s.identity.arn, q);
      this.tags.set(s.identity.arn, s.tags);
    }
  }
}

type JsonAttributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;

/** A queue as `--state` stores it. */
export interface QueueSnapshot {
  identity: QueueIdentity;
  attributes: Record<string, string>;
  createdAtMs: number;
  lastModifiedAtMs: number;
  tags: Record<string, string>;
  messages: Array<
    Omit<StoredMessage, 'attributes' | 'systemAttributes'> & {
      attributes: JsonAttributes;
      systemAttributes: JsonAttributes;
    }
  >;
}

function attributesToJson(attributes: MessageAttributes): JsonAttributes {
  const out: JsonAttributes = {};
  for (const [k, v] of Object.entries(attributes)) {
    out[k] = {
      DataType: v.DataType,
      StringValue: v.StringValue,
      BinaryValue: v.BinaryValue?.toString('base64'),
    };
  }
  return out;
}

function attributesFromJson(attributes: JsonAttributes): MessageAttributes {
  const out: MessageAttributes = {};
  for (const [k, v] of Object.entries(attributes)) {
    out[k] = {
      DataType: v.DataType,
      StringValue: v.StringValue,
      BinaryValue: v.BinaryValue === undefined ? undefined : Buffer.from(v.BinaryValue, 'base64'),
    };
  }
  return out;
}
