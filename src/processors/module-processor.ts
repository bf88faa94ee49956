/**
 * `module`: a user-written processor, loaded with import() from the path in the configuration
 * (relative to the configuration file). Its default export is a ProcessorFactory, or a Processor
 * object. See docs/processors.md and examples/processors/.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Processor, ProcessorEnvironment, ProcessorFactory } from './processor.js';
import { ProcessorSetupError } from './processor-setup-error.js';

export interface ModuleProcessorOptions {
  /** The module's path, relative to the configuration file's directory. */
  path: string;
  options: Record<string, unknown>;
}

function isProcessor(value: unknown): value is Processor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Processor).process === 'function' &&
    typeof (value as Processor).name === 'string'
  );
}

export async function loadModuleProcessor(
  settings: ModuleProcessorOptions,
  environment: ProcessorEnvironment,
): Promise<Processor> {
  const path = isAbsolute(settings.path) ? settings.path : resolve(environment.configDir, settings.path);
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ERR_MODULE_NOT_FOUND'
        ? 'the file does not exist'
        : `it failed to load: ${(error as Error).message}`;
    throw new ProcessorSetupError(`processor.path: cannot load the processor module ${path}: ${why}`, {
      cause: error,
    });
  }
  const exported = loaded.default;
  let processor: unknown = exported;
  if (typeof exported === 'function') {
    try {
      processor = await (exported as ProcessorFactory)(settings.options, environment);
    } catch (error) {
      throw new ProcessorSetupError(
        `processor.options: the processor module ${path} rejected its options: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (!isProcessor(processor)) {
    throw new ProcessorSetupError(
      `processor.path: the module ${path} must export by default a function (options, environment) => Processor ` +
        'or a Processor object with a name and a process(input, context) method (see docs/processors.md)',
    );
  }
  return processor;
}
