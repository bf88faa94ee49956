/**
 * The JSON documents SNS delivers to an SQS subscription: the `Notification` envelope around a
 * published message and the `SubscriptionConfirmation` a pending subscription receives. Field
 * order, the `"Key" : value` layout and the signed canonical strings follow AWS:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
import { type SigningIdentity, signCanonical } from './signing-certificate.js';

/** An SNS message attribute as publishers send it (BinaryValue as base64). */
export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface NotificationInput {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  /** ISO 8601 with milliseconds. */
  timestamp: string;
  signatureVersion: string;
  signingCertUrl: string;
  unsubscribeUrl: string;
  messageAttributes?: Record<string, SnsMessageAttribute>;
}

export interface ConfirmationInput {
  messageId: string;
  token: string;
  topicArn: string;
  subscribeUrl: string;
  timestamp: string;
  signatureVersion: string;
  signingCertUrl: string;
}

/** SNS's string to sign: each present field as `Name\nvalue\n`, in AWS's fixed order. */
export function canonicalString(
  fields: Record<string, string | undefined>,
  order: readonly string[],
): string {
  let out = '';
  for (const name of order) {
    const value = fields[name];
    if (value !== undefined) out += `${name}\n${value}\n`;
  }
  return out;
}

const NOTIFICATION_SIGNED_FIELDS = [
  'Message',
  'MessageId',
  'Subject',
  'Timestamp',
  'TopicArn',
  'Type',
] as const;
const CONFIRMATION_SIGNED_FIELDS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

/** Renders `{ "Key" : value, ... }` the way SNS lays out the bodies it puts in SQS. */
function render(
  fields: Array<[string, string | undefined]>,
  attributes?: Record<string, SnsMessageAttribute>,
): string {
  const lines = fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  if (attributes && Object.keys(attributes).length > 0) {
    const attrLines = Object.entries(attributes).map(([name, a]) => {
      const type = a.DataType.split('.')[0] === 'Binary' ? 'Binary' : a.DataType;
      const value = a.BinaryValue ?? a.StringValue ?? '';
      return `    ${JSON.stringify(name)} : ${JSON.stringify({ Type: type, Value: value })}`;
    });
    lines.push(`  "MessageAttributes" : {\n${attrLines.join(',\n')}\n  }`);
  }
  return `{\n${lines.join(',\n')}\n}`;
}

/** The signed `Notification` envelope SNS puts in an SQS queue (without RawMessageDelivery). */
export function notificationEnvelope(input: NotificationInput, identity: SigningIdentity): string {
  const signed: Record<string, string | undefined> = {
    Type: 'Notification',
    MessageId: input.messageId,
    TopicArn: input.topicArn,
    Subject: input.subject,
    Message: input.message,
    Timestamp: input.timestamp,
  };
  const signature = signCanonical(
    identity,
    canonicalString(signed, NOTIFICATION_SIGNED_FIELDS),
    input.signatureVersion,
  );
  return render(
    [
      ['Type', 'Notification'],
      ['MessageId', input.messageId],
      ['TopicArn', input.topicArn],
      ['Subject', input.subject],
      ['Message', input.message],
      ['Timestamp', input.timestamp],
      ['SignatureVersion', input.signatureVersion],
      ['Signature', signature],
      ['SigningCertURL', input.signingCertUrl],
      ['UnsubscribeURL', input.unsubscribeUrl],
    ],
    input.messageAttributes,
  );
}

/** The text SNS puts in a confirmation's `Message`. */
export function confirmationText(topicArn: string): string {
  return `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
}

/** The signed `SubscriptionConfirmation` a pending subscription's queue receives. */
export function subscriptionConfirmation(input: ConfirmationInput, identity: SigningIdentity): string {
  const message = confirmationText(input.topicArn);
  const signed: Record<string, string | undefined> = {
    Type: 'SubscriptionConfirmation',
    MessageId: input.messageId,
    Token: input.token,
    TopicArn: input.topicArn,
    Message: message,
    SubscribeURL: input.subscribeUrl,
    Timestamp: input.timestamp,
  };
  const signature = signCanonical(
    identity,
    canonicalString(signed, CONFIRMATION_SIGNED_FIELDS),
    input.signatureVersion,
  );
  return render([
    ['Type', 'SubscriptionConfirmation'],
    ['MessageId', input.messageId],
    ['Token', input.token],
    ['TopicArn', input.topicArn],
    ['Message', message],
    ['SubscribeURL', input.subscribeUrl],
    ['Timestamp', input.timestamp],
    ['SignatureVersion', input.signatureVersion],
    ['Signature', signature],
    ['SigningCertURL', input.signingCertUrl],
  ]);
}

/** The canonical string a verifier rebuilds from a delivered envelope (for tests and docs). */
export function canonicalStringOf(envelope: Record<string, string>): string {
  return canonicalString(
    envelope,
    envelope.Type === 'Notification' ? NOTIFICATION_SIGNED_FIELDS : CONFIRMATION_SIGNED_FIELDS,
  );
}
