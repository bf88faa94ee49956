import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors/index.js';
import { VALID_CONFIG, withReplaced } from '../../fixtures/config.js';

const FILE_WITH_ENDPOINT = withReplaced(
  VALID_CONFIG,
  '  region: us-east-1\n',
  '  region: us-east-1\n  endpoint: http://127.0.0.1:4566\n',
);

describe('environment overrides', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, { region: string; endpoint: string | undefined }]> = [
    ['none: the file decides', {}, { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' }],
    [
      'AWS_ENDPOINT_URL overrides the file',
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' },
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' },
    ],
    [
      'BUCKETBRIDGE_ENDPOINT wins over AWS_ENDPOINT_URL',
      { BUCKETBRIDGE_ENDPOINT: 'http://127.0.0.1:7000', AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' },
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:7000' },
    ],
    [
      'AWS_DEFAULT_REGION overrides the file',
      { AWS_DEFAULT_REGION: 'eu-west-1' },
      { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' },
    ],
    [
      'AWS_REGION wins over AWS_DEFAULT_REGION',
      { AWS_REGION: 'ap-southeast-2', AWS_DEFAULT_REGION: 'eu-west-1' },
      { region: 'ap-southeast-2', endpoint: 'http://127.0.0.1:4566' },
    ],
    [
      'empty variables are ignored',
      { AWS_REGION: '', BUCKETBRIDGE_ENDPOINT: ' ' },
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' },
    ],
  ];

  it.each(cases)('%s', (_name, env, expected) => {
    const { aws } = validateConfigText('bb.yaml', FILE_WITH_ENDPOINT, { env }).config;
    expect({ region: aws.region, endpoint: aws.endpoint }).toEqual(expected);
  });

  it('a bad override names the variable, the key it overrides, and the value', () => {
    const attempt = () =>
      validateConfigText('bb.yaml', VALID_CONFIG, {
        env: { AWS_REGION: 'moon-1', BUCKETBRIDGE_ENDPOINT: 'localhost:4566' },
      });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      [
        'environment variable BUCKETBRIDGE_ENDPOINT: aws.endpoint: expected an http(s) URL such as http://127.0.0.1:4566, found "localhost:4566"',
        'environment variable AWS_REGION: aws.region: expected an AWS region name such as us-east-1, found "moon-1"',
      ].join('\n'),
    );
  });
});
