/**
 * The one-way rules of `.dependency-cruiser.cjs` fail the build on an upward import. Checked on a
 * scratch copy of the `src/` folder layout, so the real tree is never touched.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const rulesFile = join(root, '.dependency-cruiser.cjs');
const srcFolders = readdirSync(join(root, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe('the dependency rules', () => {
  let scratch: string;
  let violations: Violation[];
  let exitCode: number;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bucketbridge-deps-'));
    write(scratch, '.dependency-cruiser.cjs', `module.exports = require(${JSON.stringify(rulesFile)});`);
    write(
      scratch,
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { module: 'NodeNext', strict: true } }),
    );
    for (const folder of srcFolders) write(scratch, `src/${folder}/leaf.ts`, 'export const leaf = 1;\n');
    // Upward: the object types import the CLI; the queue consumer imports the pipeline.
    write(scratch, 'src/core/upward.ts', "import { leaf } from '../cli/leaf.js';\nexport const up = leaf;\n");
    write(
      scratch,
      'src/sources/upward.ts',
      "import { leaf } from '../pipeline/leaf.js';\nexport const up = leaf;\n",
    );
    // Downward, allowed: the batch run imports the pipeline.
    write(
      scratch,
      'src/batch/downward.ts',
      "import { leaf } from '../pipeline/leaf.js';\nexport const down = leaf;\n",
    );
    // A folder the layer list does not know.
    write(
      scratch,
      'src/unplaced/thing.ts',
      "import { leaf } from '../core/leaf.js';\nexport const t = leaf;\n",
    );
    // The same command as `npm run lint:deps`, with its human output: what a developer sees fail.
    const result = await promisify(execFile)(
      join(root, 'node_modules/.bin/depcruise'),
      ['src', '--config', join(scratch, '.dependency-cruiser.cjs')],
      { cwd: scratch, encoding: 'utf8' },
    ).then(
      (done) => ({ code: 0, stdout: done.stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    exitCode = result.code;
    violations = [...result.stdout.matchAll(/^\s*error (\S+): (\S+) → (\S+)$/gm)].map(
      ([, name, from, to]) => ({
        from: from!,
        to: to!,
        rule: { name: name! },
      }),
    );
  }, 60_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('fail the build on an upward import, naming the rule of the lower folder', () => {
    expect(exitCode).not.toBe(0);
    expect(violations).toContainEqual(
      expect.objectContaining({
        from: 'src/core/upward.ts',
        to: 'src/cli/leaf.ts',
        rule: expect.objectContaining({ name: 'one-way-data-flow-core' }),
      }),
    );
    expect(violations).toContainEqual(
      expect.objectContaining({
        from: 'src/sources/upward.ts',
        to: 'src/pipeline/leaf.ts',
        rule: expect.objectContaining({ name: 'one-way-data-flow-sources' }),
      }),
    );
  });

  it('allow a downward import', () => {
    expect(violations.filter((v) => v.from === 'src/batch/downward.ts')).toEqual([]);
  });

  it('refuse a folder that has no place in the layer order', () => {
    expect(violations).toContainEqual(
      expect.objectContaining({
        from: 'src/unplaced/thing.ts',
        rule: expect.objectContaining({ name: 'src-folder-has-a-layer' }),
      }),
    );
  });

  it('cover every folder of src/ and name none that does not exist', () => {
    const rules = (createRequire(import.meta.url)(rulesFile) as { forbidden: { name: string }[] }).forbidden;
    const layered = rules
      .map((rule) => /^one-way-data-flow-(.+)$/.exec(rule.name)?.[1])
      .filter((name): name is string => name !== undefined);
    // The top layer (the CLI) may import everything, so it has no rule of its own.
    expect([...layered, 'cli'].sort()).toEqual([...srcFolders].sort());
  });
});
