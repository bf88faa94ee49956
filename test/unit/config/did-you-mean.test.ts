import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../../src/config/did-you-mean.js';

describe('did you mean', () => {
  it.each([
    ['externalId', 'externalId', 0],
    ['externlId', 'externalId', 1],
    ['btach', 'batch', 1],
    ['ExternalID', 'externalId', 0],
    ['kitten', 'sitting', 3],
  ])('the distance from %s to %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it.each([
    ['assumeRoleFlg', ['assumeRoleFlag', 'assumeRoleArn'], 'assumeRoleFlag'],
    ['stsCredsExpiration', ['stsCredsExpirationTime', 'sessionName'], 'stsCredsExpirationTime'],
    ['regin', ['region', 'endpoint'], 'region'],
    ['colour', ['region', 'endpoint'], undefined],
  ])('suggests for %s among %j: %s', (word, candidates, expected) => {
    expect(closestMatch(word, candidates)).toBe(expected);
  });

  it('lists what is allowed when nothing is close', () => {
    expect(didYouMean('colour', ['region', 'endpoint'])).toBe('allowed here: `region`, `endpoint`');
    expect(didYouMean('regoin', ['region', 'endpoint'])).toBe('did you mean `region`?');
  });
});
