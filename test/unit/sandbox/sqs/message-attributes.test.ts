import { describe, expect, it } from 'vitest';
import {
  type MessageAttributes,
  md5OfBody,
  md5OfMessageAttributes,
  selectMessageAttributes,
  validateMessageAttributes,
} from '../../../../sandbox/sqs/message-attributes.js';

describe('MD5 of message attributes', () => {
  // Expected digests computed by moto's independent implementation of AWS's algorithm.
  it.each<[string, MessageAttributes, string]>([
    [
      'one string attribute',
      { color: { DataType: 'String', StringValue: 'blue' } },
      'da1b33cc3cbfe8b1630921e78e6b9880',
    ],
    [
      'a number and a custom string type',
      { n: { DataType: 'Number', StringValue: '42' }, k: { DataType: 'String.custom', StringValue: 'x y' } },
      '6252a88eeb1c1986c042a92b10881b12',
    ],
    [
      'binary bytes and a unicode string',
      {
        bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 255]) },
        greeting: { DataType: 'String', StringValue: 'héllo ☃' },
      },
      '532eeed323f34d05fbcb574cdb6b6c2f',
    ],
    [
      'names sorted by byte order, upper case first',
      {
        b: { DataType: 'String', StringValue: '2' },
        a: { DataType: 'String', StringValue: '1' },
        B: { DataType: 'String', StringValue: '3' },
      },
      'cdfe26fe8c4507323d1c9f944481db72',
    ],
  ])('matches AWS for %s', (_name, attributes, expected) => {
    expect(md5OfMessageAttributes(attributes)).toBe(expected);
  });

  it('is absent for no attributes', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });

  it('hashes the body as UTF-8', () => {
    expect(md5OfBody('héllo')).toBe('be50e8478cf24ff3595bc7307fb91b50');
    expect(md5OfBody('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});

describe('validating message attributes', () => {
  it.each<[string, MessageAttributes, string]>([
    [
      'a reserved AWS. prefix',
      { 'AWS.x': { DataType: 'String', StringValue: 'v' } },
      "Message (user) attribute name 'AWS.x' is invalid.",
    ],
    [
      'a doubled period',
      { 'a..b': { DataType: 'String', StringValue: 'v' } },
      "attribute name 'a..b' is invalid",
    ],
    [
      'an unknown type',
      { a: { DataType: 'Json', StringValue: '{}' } },
      "The type of message (user) attribute 'a' is invalid.",
    ],
    [
      'an empty string value',
      { a: { DataType: 'String', StringValue: '' } },
      "The message attribute 'a' with type 'String' must use field 'String'.",
    ],
    [
      'a binary without bytes',
      { a: { DataType: 'Binary' } },
      "The message attribute 'a' with type 'Binary' must use field 'Binary'.",
    ],
    [
      'a number that is not one',
      { a: { DataType: 'Number', StringValue: 'ten' } },
      "Can't cast the value of message (user) attribute 'a' to a number.",
    ],
  ])('refuses %s', (_name, attributes, message) => {
    expect(() => validateMessageAttributes(attributes)).toThrow(message);
  });

  it('refuses more than 10 attributes', () => {
    const many: MessageAttributes = {};
    for (let i = 0; i < 11; i++) many[`a${i}`] = { DataType: 'String', StringValue: 'v' };
    expect(() => validateMessageAttributes(many)).toThrow(
      'Number of message attributes [11] exceeds the allowed maximum [10].',
    );
  });

  it('accepts custom type suffixes', () => {
    expect(() =>
      validateMessageAttributes({ a: { DataType: 'Number.float', StringValue: '1.5' } }),
    ).not.toThrow();
  });
});

describe('selecting attributes for a receive', () => {
  const attributes: MessageAttributes = {
    'trace.id': { DataType: 'String', StringValue: '1' },
    'trace.span': { DataType: 'String', StringValue: '2' },
    other: { DataType: 'String', StringValue: '3' },
  };

  it.each<[string[], string[]]>([
    [[], []],
    [['All'], ['trace.id', 'trace.span', 'other']],
    [['.*'], ['trace.id', 'trace.span', 'other']],
    [['trace.*'], ['trace.id', 'trace.span']],
    [['other', 'missing'], ['other']],
  ])('selects %j as %j', (requested, names) => {
    expect(Object.keys(selectMessageAttributes(attributes, requested))).toEqual(names);
  });
});
