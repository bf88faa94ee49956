import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/cli/report-error.js';
import { createLogger, type LogDestination, resolveLogLevel } from '../../../src/observe/logger.js';

function memory(): LogDestination & { lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    text: () => lines.join(''),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const out = memory();
    const logger = createLogger({ level: 'info', pretty: false, destination: out });
    logger.info({ bucket: 'acme-src', key: 'a.txt' }, 'object processed');
    expect(out.lines).toHaveLength(1);
    const line = JSON.parse(out.lines[0] ?? '');
    expect(line).toMatchObject({ level: 'info', bucket: 'acme-src', key: 'a.txt', msg: 'object processed' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
    expect(out.lines[0]?.endsWith('\n')).toBe(true);
  });

  it('leaves out lines below its level', () => {
    const out = memory();
    const logger = createLogger({ level: 'warn', pretty: false, destination: out });
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(out.lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });

  it('writes a readable line, not JSON, in pretty mode', () => {
    const out = memory();
    const logger = createLogger({ level: 'info', pretty: true, colorize: false, destination: out });
    logger.info({ bucket: 'acme-src' }, 'object processed');
    const text = out.text();
    expect(text).toMatch(/INFO.*object processed/);
    expect(text).toContain('bucket: "acme-src"');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('writes an error with its name, message, AWS metadata and cause chain', () => {
    const out = memory();
    const logger = createLogger({ level: 'info', pretty: false, destination: out });
    const sdk = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    logger.error(
      { err: new Error('Failed to read s3://acme-src/a.txt', { cause: sdk }), bucket: 'acme-src' },
      'read failed',
    );
    logger.error(sdk);
    const [first, second] = out.lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      msg: 'read failed',
      bucket: 'acme-src',
      err: {
        type: 'Error',
        message: 'Failed to read s3://acme-src/a.txt',
        cause: { type: 'AccessDenied', message: 'Access Denied', $metadata: { httpStatusCode: 403 } },
      },
    });
    expect(first.err.stack).toContain('Failed to read s3://acme-src/a.txt');
    expect(second).toMatchObject({ msg: 'Access Denied', err: { type: 'AccessDenied' } });
  });

  describe('format follows whether stderr is a terminal', () => {
    const original = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    afterEach(() => {
      if (original) Object.defineProperty(process.stderr, 'isTTY', original);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    });

    it.each([
      [true, false],
      [false, true],
    ])('stderr.isTTY %s gives JSON %s', (isTTY, json) => {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
      const out = memory();
      createLogger({ level: 'info', colorize: false, destination: out }).info('hello');
      const parsed = (() => {
        try {
          return JSON.parse(out.text());
        } catch {
          return undefined;
        }
      })();
      expect(parsed !== undefined).toBe(json);
      expect(out.text()).toContain('hello');
    });
  });

  it('adds base fields to every line', () => {
    const out = memory();
    createLogger({ level: 'info', pretty: false, destination: out, base: { connection: 'acme' } }).info('x');
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({ connection: 'acme' });
  });
});

describe('resolveLogLevel', () => {
  it.each([
    [undefined, {}, 'info'],
    [undefined, { BUCKETBRIDGE_LOG_LEVEL: 'debug' }, 'debug'],
    [undefined, { BUCKETBRIDGE_LOG_LEVEL: ' WARN ' }, 'warn'],
    [undefined, { BUCKETBRIDGE_LOG_LEVEL: '' }, 'info'],
    ['error', { BUCKETBRIDGE_LOG_LEVEL: 'debug' }, 'error'],
    ['silent', {}, 'silent'],
  ])('flag %s with environment %j gives %s', (flag, env, level) => {
    expect(resolveLogLevel(flag, env)).toBe(level);
  });

  it.each([
    ['loud', {}, '--log-level: expected one of trace, debug, info, warn, error, fatal, silent, found "loud"'],
    [
      undefined,
      { BUCKETBRIDGE_LOG_LEVEL: 'verbose' },
      'BUCKETBRIDGE_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, found "verbose"',
    ],
  ])('rejects level %s / %j as a usage error', (flag, env, message) => {
    expect(() => resolveLogLevel(flag, env)).toThrow(message);
    try {
      resolveLogLevel(flag, env);
    } catch (error) {
      expect(error).toMatchObject({ name: 'UsageError', kind: 'invalid-input' });
      expect(exitCodeFor(error)).toBe(2);
    }
  });
});
