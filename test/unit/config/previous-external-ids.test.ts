/** `connections[].previousExternalIds`: every bad value gets a located error with the exact text. */
import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors/index.js';
import { VALID_CONFIG, withReplaced } from '../../fixtures/config.js';

const FILE = 'bb.yaml';
const CURRENT = '    externalId: "bb-3f9c2a71d0e84b5c"\n';

function problemsOf(text: string): string[] {
  try {
    validateConfigText(FILE, text, { env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split('\n');
  }
}

/** VALID_CONFIG with a `previousExternalIds` line right after `externalId`. */
const withPrevious = (value: string) =>
  withReplaced(VALID_CONFIG, CURRENT, `${CURRENT}    previousExternalIds: ${value}\n`);

describe('previousExternalIds', () => {
  it('loads a list of earlier IDs', () => {
    const { config } = validateConfigText(FILE, withPrevious('["bb-old-1", "bb-old-2"]'), { env: {} });
    expect(config.connections[0]!.previousExternalIds).toEqual(['bb-old-1', 'bb-old-2']);
  });

  it('is absent when the file does not set it', () => {
    const { config } = validateConfigText(FILE, VALID_CONFIG, { env: {} });
    expect(config.connections[0]!.previousExternalIds).toBeUndefined();
  });

  it.each([
    [
      'an ID with a space',
      '["bb-old", "bb old"]',
      [
        'bb.yaml:17:37: connections[0].previousExternalIds[1]: expected 2 to 1224 characters of letters, digits and _+=,.@:/-, found "bb old"',
      ],
    ],
    [
      'an ID of one character',
      '["x"]',
      [
        'bb.yaml:17:27: connections[0].previousExternalIds[0]: expected 2 to 1224 characters of letters, digits and _+=,.@:/-, found "x"',
      ],
    ],
    [
      'a single ID instead of a list',
      '"bb-old"',
      ['bb.yaml:17:26: connections[0].previousExternalIds: expected a list, found "bb-old"'],
    ],
    [
      'the same ID twice',
      '["bb-old", "bb-new", "bb-old"]',
      [
        'bb.yaml:17:47: connections[0].previousExternalIds[2]: expected an external ID not listed twice, found "bb-old" (previousExternalIds[0] already holds it; remove this one)',
      ],
    ],
    [
      'the current ID',
      '["bb-old", "bb-3f9c2a71d0e84b5c"]',
      [
        'bb.yaml:17:37: connections[0].previousExternalIds[1]: expected an external ID other than the current externalId, found "bb-3f9c2a71d0e84b5c" (the current externalId is always trusted; remove it from previousExternalIds)',
      ],
    ],
  ])('%s: a located error', (_, value, expected) => {
    expect(problemsOf(withPrevious(value))).toEqual(expected);
  });

  it('without an externalId: a located error on the key', () => {
    const text = withReplaced(VALID_CONFIG, CURRENT, '    previousExternalIds: ["bb-old"]\n');
    expect(problemsOf(text)).toEqual([
      'bb.yaml:16:5: connections[0].previousExternalIds: expected previousExternalIds only with an externalId (the ID they were rotated to), found no externalId key (set externalId to the current external ID, or remove previousExternalIds)',
    ]);
  });
});
