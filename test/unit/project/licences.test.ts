import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Licences a runtime dependency may carry (the brief: MIT, Apache-2.0, BSD or ISC). */
const PERMISSIVE = new Set(['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'ISC']);

/** True when an SPDX expression can be satisfied with permissive licences only. */
function permissive(expression: string): boolean {
  const alternatives = expression.replace(/[()]/g, '').split(/\s+OR\s+/);
  return alternatives.some((alt) => alt.split(/\s+AND\s+/).every((id) => PERMISSIVE.has(id.trim())));
}

function runtimePackages(): { name: string; licence: string }[] {
  const root = join(import.meta.dirname, '../../..');
  const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .slice(1);
  return paths.map((path) => {
    const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {
      name: string;
      license?: string | { type: string };
    };
    const licence = typeof pkg.license === 'object' ? pkg.license.type : (pkg.license ?? 'UNKNOWN');
    return { name: pkg.name, licence };
  });
}

describe('runtime dependencies', () => {
  it.each([
    ['MIT', true],
    ['(MIT OR WTFPL)', true],
    ['(BSD-2-Clause OR MIT OR Apache-2.0)', true],
    ['AGPL-3.0-or-later', false],
    ['GPL-2.0 OR LGPL-3.0', false],
    ['MIT AND GPL-3.0', false],
  ])('reads the SPDX expression %s as permissive: %s', (expression, expected) => {
    expect(permissive(expression)).toBe(expected);
  });

  it('are all permissively licensed (MIT, Apache-2.0, BSD, ISC)', () => {
    const packages = runtimePackages();
    expect(packages.length).toBeGreaterThan(50);
    const offenders = packages.filter((p) => !permissive(p.licence)).map((p) => `${p.name}: ${p.licence}`);
    expect(offenders).toEqual([]);
  });
});
