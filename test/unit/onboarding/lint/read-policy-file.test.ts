import { describe, expect, it } from 'vitest';
import { PolicyFileError, parsePolicyText } from '../../../../src/onboarding/lint/read-policy-file.js';

describe('parsePolicyText', () => {
  it.each([
    [
      'a missing comma',
      '{\n  "Version": "2012-10-17"\n  "Statement": []\n}',
      "p.json:3:3: not valid JSON: expected ',' between items",
    ],
    ['a trailing comma', '{\n  "Statement": [],\n}', 'p.json:3:1: not valid JSON: trailing comma'],
    ['a bare word', '{"Statement": [ nope ]}', 'p.json:1:17: not valid JSON: unexpected character'],
    [
      'a comment',
      '// policy\n{"Statement": []}',
      'p.json:1:1: not valid JSON: comments are not allowed in JSON',
    ],
    ['an unterminated document', '{"Statement": [', "p.json:1:16: not valid JSON: expected ']'"],
    ['an empty file', '', 'p.json:1:1: not valid JSON: expected a value'],
    ['an array', '[]', 'p.json: not a policy document: expected a JSON object with a Statement'],
    ['no Statement', '{"Version": "2012-10-17"}', 'p.json: not a policy document: it has no "Statement"'],
    [
      'a statement without Effect',
      '{"Statement": [{"Action": "s3:GetObject"}]}',
      'p.json: not a policy document: Statement[0] has Effect null, expected "Allow" or "Deny"',
    ],
  ])('rejects %s with file, line and column', (_, text, message) => {
    expect(() => parsePolicyText('p.json', text)).toThrow(PolicyFileError);
    expect(() => parsePolicyText('p.json', text)).toThrow(message);
  });

  it('accepts a single statement object as IAM does, as a list of one', () => {
    const document = parsePolicyText(
      'p.json',
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
    );
    expect(document.Statement).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
  });
});
