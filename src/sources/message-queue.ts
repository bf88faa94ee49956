/**
 * What the live source needs of SQS, and nothing more: receive, delete in batches, change
 * visibility in batches (Filebeat's `interfaces.go`). The consumer and its batchers are written
 * against this interface, so unit tests hand them a small fake instead of mocking the SDK module.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  type ChangeMessageVisibilityBatchCommandInput,
  type ChangeMessageVisibilityBatchCommandOutput,
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandInput,
  type DeleteMessageBatchCommandOutput,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type ReceiveMessageCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** One ReceiveMessage answer: what the consumer reads of it. */
export type ReceivedMessages = Pick<ReceiveMessageCommandOutput, 'Messages'>;

/** One batch call's answer: the entries SQS reports as failed. */
export type BatchFailures = Pick<
  DeleteMessageBatchCommandOutput | ChangeMessageVisibilityBatchCommandOutput,
  'Failed'
>;

/** The three SQS operations of the live source (a small fake in unit tests). */
export interface MessageQueue {
  /** One ReceiveMessage call; the signal aborts its long poll. */
  receiveMessage(input: ReceiveMessageCommandInput, signal?: AbortSignal): Promise<ReceivedMessages>;
  /** One DeleteMessageBatch call (up to ten entries). */
  deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<BatchFailures>;
  /** One ChangeMessageVisibilityBatch call (up to ten entries). */
  changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchCommandInput): Promise<BatchFailures>;
}

/** The queue operations through an SQS client (in the queue's region). */
export function sqsMessageQueue(sqs: SQSClient): MessageQueue {
  return {
    receiveMessage: (input, signal) => sqs.send(new ReceiveMessageCommand(input), { abortSignal: signal }),
    deleteMessageBatch: (input) => sqs.send(new DeleteMessageBatchCommand(input)),
    changeMessageVisibilityBatch: (input) => sqs.send(new ChangeMessageVisibilityBatchCommand(input)),
  };
}
