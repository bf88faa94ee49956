/**
 * The published JSON Schema, read by an independent validator (Ajv, as editors use it), accepts
 * what bucketbridge accepts and refuses what it refuses, for everything a JSON Schema can express
 * (cross-field rules are `config validate`'s alone).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors/index.js';
import { VALID_CONFIG, withReplaced } from '../../fixtures/config.js';

const published = JSON.parse(
  readFileSync(new URL('../../../schema/bucketbridge.schema.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
ajv.addKeyword('x-duration');
ajv.addKeyword('x-default');
const validate = ajv.compile(published);

const acceptedByBucketbridge = (text: string) => {
  try {
    validateConfigText('bb.yaml', text, { env: {} });
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
};

describe('the published JSON Schema', () => {
  it('compiles under strict JSON Schema 2020-12 rules', () => {
    expect(typeof validate).toBe('function');
  });

  const cases: Array<[string, string, boolean]> = [
    ['the contract example', VALID_CONFIG, true],
    [
      'the shipped example',
      readFileSync(new URL('../../../examples/bucketbridge.example.yaml', import.meta.url), 'utf8'),
      true,
    ],
    [
      'a duration in seconds',
      withReplaced(VALID_CONFIG, 'stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: 3600'),
      true,
    ],
    ['an unknown key', withReplaced(VALID_CONFIG, 'externalId:', 'externlId:'), false],
    [
      'a credential key',
      withReplaced(VALID_CONFIG, '    workflow: batch', '    secretAccessKey: x\n    workflow: batch'),
      false,
    ],
    [
      'a role ARN of another service',
      withReplaced(VALID_CONFIG, 'arn:aws:iam::222222222222:role/BucketBridgeAccessRole', 'arn:aws:s3:::b'),
      false,
    ],
    [
      'a missing bucket',
      withReplaced(VALID_CONFIG, '{ bucket: acme-dst, prefix: "out/" }', '{ prefix: "out/" }'),
      false,
    ],
    [
      'an account ID as a number',
      withReplaced(VALID_CONFIG, 'accountId: "222222222222"', 'accountId: 222222222222'),
      false,
    ],
    [
      'a duration that is not one',
      withReplaced(VALID_CONFIG, 'stsCredsExpirationTime: 1h', 'stsCredsExpirationTime: soon'),
      false,
    ],
    ['an unknown processor', withReplaced(VALID_CONFIG, '{ type: copy }', '{ type: gzp }'), false],
    ['an old version', withReplaced(VALID_CONFIG, 'version: 2', 'version: 1'), false],
  ];

  it.each(cases)('%s: accepted %s, like config validate', (_name, text, accepted) => {
    expect(validate(parse(text))).toBe(accepted);
    expect(acceptedByBucketbridge(text)).toBe(accepted);
  });
});
