import { describe, expect, it } from 'vitest';
import { resolveConfigPath } from '../../../src/config/config-path.js';
import { findConnection } from '../../../src/config/find-connection.js';
import { locateKey, validateConfigText } from '../../../src/config/load-config.js';
import { UsageError } from '../../../src/errors/index.js';
import { VALID_CONFIG } from '../../fixtures/config.js';

describe('findConnection', () => {
  const { config } = validateConfigText('bb.yaml', VALID_CONFIG, { env: {} });

  it('returns the connection with that name', () => {
    expect(findConnection(config, 'acme').source.bucket).toBe('acme-src');
  });

  it('an unknown name is a usage error listing the known names', () => {
    expect(() => findConnection(config, 'acne')).toThrow(
      new UsageError('no connection named "acne": known connections: acme'),
    );
  });

  it('says so when there are no connections', () => {
    expect(() => findConnection({ ...config, connections: [] }, 'acme')).toThrow(
      'no connection named "acme": the configuration has no connections',
    );
  });
});

describe('the configuration path', () => {
  it.each([
    ['flag.yaml', { BUCKETBRIDGE_CONFIG: 'env.yaml' }, 'flag.yaml'],
    [undefined, { BUCKETBRIDGE_CONFIG: 'env.yaml' }, 'env.yaml'],
    [undefined, { BUCKETBRIDGE_CONFIG: '' }, 'bucketbridge.yaml'],
    [undefined, {}, 'bucketbridge.yaml'],
  ])('--config %s with %j is %s', (flag, env, expected) => {
    expect(resolveConfigPath(flag, env)).toBe(expected);
  });
});

describe('locateKey', () => {
  const loaded = validateConfigText('bb.yaml', VALID_CONFIG, { env: {} });

  it.each([
    [['connections', 0, 'source', 'bucket'], 'bb.yaml:19:23: connections[0].source.bucket'],
    [['vendor', 'accountId'], 'bb.yaml:3:14: vendor.accountId'],
    // A key the file does not hold (a default) points at the closest key it does hold.
    [['connections', 0, 'concurrency'], 'bb.yaml:12:5: connections[0].concurrency'],
  ])('%j is at %s', (path, where) => {
    expect(locateKey(loaded, path)).toBe(where);
  });
});
