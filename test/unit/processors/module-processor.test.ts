import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/cli/report-error.js';
import { loadModuleProcessor } from '../../../src/processors/module-processor.js';
import { ProcessorSetupError } from '../../../src/processors/processor-setup-error.js';
import { type FakeObject, fakeObject } from './fake-object.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const environment = (configDir: string) => ({ configDir, log: { debug() {}, info() {}, warn() {} } });

describe('user processor modules', () => {
  let fake: FakeObject | undefined;
  afterEach(() => fake?.dispose());

  it('loads the example module relative to the configuration file and runs it with its options', async () => {
    const processor = await loadModuleProcessor(
      { path: './examples/processors/redact-emails.mjs', options: { mask: '<hidden>' } },
      environment(repoRoot),
    );
    expect(processor.name).toBe('redact-emails');
    fake = fakeObject('contact alice@example.com or bob.smith+x@mail.example.org\nno address here\n');
    await processor.process(fake.input, fake.context);
    expect(fake.outputs[0]!.body.toString()).toBe('contact <hidden> or <hidden>\nno address here\n');
  });

  it.each([
    [
      'a module that does not exist',
      { path: './missing.mjs', options: {} },
      `processor.path: cannot load the processor module ${fixtures}missing.mjs: the file does not exist`,
    ],
    [
      'a module whose default export is not a processor',
      { path: './not-a-processor.mjs', options: {} },
      `processor.path: the module ${fixtures}not-a-processor.mjs must export by default a function ` +
        '(options, environment) => Processor or a Processor object with a name and a process(input, context) method ' +
        '(see docs/processors.md)',
    ],
    [
      'a factory that rejects its options',
      { path: './throwing-factory.mjs', options: {} },
      `processor.options: the processor module ${fixtures}throwing-factory.mjs rejected its options: options.token is required`,
    ],
  ])('refuses %s with a setup error (exit 2)', async (_name, settings, message) => {
    const error = await loadModuleProcessor(settings, environment(fixtures)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessorSetupError);
    expect((error as Error).message).toBe(message);
    expect(exitCodeFor(error)).toBe(2);
  });
});
