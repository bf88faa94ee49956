/**
 * Builds the processor a connection's `processor` settings describe, checking what can be checked
 * before any object is touched (programs on PATH, modules that load).
 */
import { resolve } from 'node:path';
import type { ProcessorSettings } from '../config/resolved-config.js';
import { createCollectProcessor } from './collect/collect.js';
import { createCompressProcessor } from './compress.js';
import { createCopyProcessor } from './copy.js';
import { createExecProcessor } from './exec.js';
import { findProgram } from './find-program.js';
import { loadModuleProcessor } from './module-processor.js';
import type { Processor, ProcessorEnvironment } from './processor.js';
import { ProcessorSetupError } from './processor-setup-error.js';
import { createVideoProcessor } from './video.js';

/**
 * Checks the program exists before any object is touched. Returns what to spawn: a bare name as
 * given (found on PATH; messages keep the name the user wrote), a path resolved against the
 * configuration file's folder.
 */
async function requireProgram(
  command: string,
  setting: string,
  environment: ProcessorEnvironment,
): Promise<string> {
  const found = await findProgram(command, { cwd: environment.configDir });
  if (found === undefined) {
    const hint = command.includes('/') ? 'check the path' : 'install it or give its full path';
    throw new ProcessorSetupError(`${setting}: the program "${command}" was not found (${hint})`);
  }
  return command.includes('/') ? found : command;
}

export async function createProcessor(
  settings: ProcessorSettings,
  environment: ProcessorEnvironment,
): Promise<Processor> {
  switch (settings.type) {
    case 'copy':
      return createCopyProcessor();
    case 'gzip':
    case 'brotli':
    case 'deflate':
      return createCompressProcessor({
        format: settings.type,
        ...(settings.level === undefined ? {} : { level: settings.level }),
      });
    case 'exec': {
      // The list form many tools accept: the program, then its arguments.
      const [program = '', ...listArgs] =
        typeof settings.command === 'string' ? [settings.command] : settings.command;
      return createExecProcessor({
        command: await requireProgram(
          program,
          typeof settings.command === 'string' ? 'processor.command' : 'processor.command[0]',
          environment,
        ),
        args: [...listArgs, ...settings.args],
        timeoutMs: settings.timeoutMs,
        outputSuffix: settings.outputSuffix,
      });
    }
    case 'video':
      return createVideoProcessor({
        codec: settings.codec,
        ...(settings.crf === undefined ? {} : { crf: settings.crf }),
        ...(settings.bitrate === undefined ? {} : { bitrate: settings.bitrate }),
        ...(settings.maxHeight === undefined ? {} : { maxHeight: settings.maxHeight }),
        preset: settings.preset,
        ffmpegPath: await requireProgram(settings.ffmpegPath, 'processor.ffmpegPath', environment),
        timeoutMs: settings.timeoutMs,
      });
    case 'collect':
      return createCollectProcessor({
        format: settings.format,
        ...(settings.recordsField === undefined ? {} : { recordsField: settings.recordsField }),
        // A relative file path is relative to the configuration file, like every path in it.
        sink:
          settings.sink.type === 'file'
            ? { type: 'file', path: resolve(environment.configDir, settings.sink.path) }
            : settings.sink,
      });
    case 'module':
      return loadModuleProcessor({ path: settings.path, options: settings.options }, environment);
  }
}
