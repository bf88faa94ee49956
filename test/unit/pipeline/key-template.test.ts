import { describe, expect, it } from 'vitest';
import { keyParts, renderOutputKey, validateKeyTemplate } from '../../../src/pipeline/key-template.js';

describe('output keys from the key template', () => {
  const table: Array<[string, string, string, string, string]> = [
    // template, source prefix, destination prefix, source key, output key
    ['{relkey}', 'in/', 'out/', 'in/2024/01/a.log.gz', 'out/2024/01/a.log.gz'],
    ['{relkey}', '', '', 'a.txt', 'a.txt'],
    ['{relkey}', 'in/', '', 'in/x', 'x'],
    ['{key}', 'in/', 'out/', 'in/a b+c%20.txt', 'out/in/a b+c%20.txt'],
    ['{dir}{stem}.mp4', 'in/', 'opt/', 'in/movies/clip.mov', 'opt/movies/clip.mp4'],
    ['{dir}{stem}.mp4', 'in/', 'opt/', 'in/clip.mov', 'opt/clip.mp4'],
    ['{name}', 'in/', 'flat/', 'in/deep/er/file.tar.gz', 'flat/file.tar.gz'],
    ['{stem}{ext}.bak', '', '', 'dir/file.tar.gz', 'file.tar.gz.bak'],
    ['{stem}|{ext}', '', '', 'noext', 'noext|'],
    ['{stem}|{ext}', '', '', 'd/.env', '.env|'],
    ['{dir}{name}', 'in/', 'out/', 'in/ünïcødé/ファイル.txt', 'out/ünïcødé/ファイル.txt'],
  ];
  it.each(table)(
    '%s with prefixes %j → %j maps %j to %j',
    (template, sourcePrefix, destinationPrefix, key, output) => {
      expect(renderOutputKey(key, { template, sourcePrefix, destinationPrefix })).toBe(output);
    },
  );

  it('splits a key into its parts', () => {
    expect(keyParts('in/a/b/c.tar.gz', 'in/')).toEqual({
      key: 'in/a/b/c.tar.gz',
      relkey: 'a/b/c.tar.gz',
      dir: 'a/b/',
      name: 'c.tar.gz',
      stem: 'c.tar',
      ext: '.gz',
    });
  });

  it('refuses an output key longer than S3 allows, saying what to shorten', () => {
    const key = `in/${'k'.repeat(1000)}`;
    expect(() =>
      renderOutputKey(key, {
        template: '{relkey}',
        sourcePrefix: 'in/',
        destinationPrefix: 'a-long-prefix/'.repeat(3),
      }),
    ).toThrow(
      `The output key for source key "${key}" is 1042 bytes long; S3 allows 1024. Shorten destination.prefix or destination.keyTemplate`,
    );
  });

  it('accepts a 1,000-byte key that still fits', () => {
    const key = `in/${'é'.repeat(498)}x`;
    expect(renderOutputKey(key, { sourcePrefix: 'in/', destinationPrefix: 'o/' })).toBe(`o/${key.slice(3)}`);
  });

  it.each([
    ['{relkey}', []],
    ['{dir}{stem}.mp4', []],
    ['{path}', ['unknown placeholder {path}; use {key}, {relkey}, {dir}, {name}, {stem}, {ext}']],
    ['fixed.txt', ['the template has no placeholder, so every object would be written to the same key']],
  ])('validates the template %j', (template, problems) => {
    expect(validateKeyTemplate(template)).toEqual(problems);
  });
});
