import { describe, expect, it } from 'vitest';
import { refValueOf, resolveParameterValues } from '../../../../sandbox/cloudformation/parameters.js';
import type { TemplateParameter } from '../../../../sandbox/cloudformation/template-parser.js';

const DECLARED: Record<string, TemplateParameter> = {
  Name: { Type: 'String', AllowedPattern: '[\\w+=,.@-]{1,64}', Default: 'BucketBridgeAccessRole' },
  Stage: { Type: 'String', AllowedValues: ['dev', 'prod'], Default: 'dev' },
  Code: { Type: 'String', MinLength: 2, MaxLength: 4, Default: 'ab' },
  Seconds: { Type: 'Number', MinValue: 3600, MaxValue: 43200, Default: 3600 },
  Principals: { Type: 'CommaDelimitedList', Default: 'a,b' },
};

describe('parameter values', () => {
  it('take defaults, given values and previous values', () => {
    expect(
      resolveParameterValues(
        DECLARED,
        [
          { key: 'Stage', value: 'prod' },
          { key: 'Code', usePreviousValue: true },
        ],
        { Name: 'Old', Stage: 'dev', Code: 'xyz', Seconds: '7200', Principals: 'c' },
      ),
    ).toEqual({
      Name: 'BucketBridgeAccessRole',
      Stage: 'prod',
      Code: 'xyz',
      Seconds: '3600',
      Principals: 'a,b',
    });
  });

  it.each<[string, string, string]>([
    ['Name', 'has space', "Parameter 'Name' must match pattern [\\w+=,.@-]{1,64}"],
    ['Stage', 'qa', "Parameter 'Stage' must be one of AllowedValues"],
    ['Code', 'a', "Parameter 'Code' must contain at least 2 characters"],
    ['Code', 'abcde', "Parameter 'Code' must contain at most 4 characters"],
    ['Seconds', 'soon', "Parameter 'Seconds' must be a number"],
    ['Seconds', '60', "Parameter 'Seconds' must be a number not less than 3600"],
    ['Seconds', '50000', "Parameter 'Seconds' must be a number not greater than 43200"],
  ])('refuse %s=%s with "%s"', (key, value, message) => {
    expect(() => resolveParameterValues(DECLARED, [{ key, value }])).toThrow(message);
  });

  it('name parameters without values and parameters the template lacks', () => {
    expect(() => resolveParameterValues({ A: { Type: 'String' }, B: { Type: 'String' } }, [])).toThrow(
      'Parameters: [A, B] must have values',
    );
    expect(() => resolveParameterValues(DECLARED, [{ key: 'Nope', value: 'x' }])).toThrow(
      'Parameters: [Nope] do not exist in the template',
    );
  });

  it('give lists for CommaDelimitedList parameters', () => {
    expect(refValueOf(DECLARED.Principals!, 'arn:a, arn:b')).toEqual(['arn:a', 'arn:b']);
    expect(refValueOf(DECLARED.Name!, 'a,b')).toBe('a,b');
  });
});
