/**
 * `init`: writes a first configuration file from the wizard's answers or from `--set` flags.
 * Never overwrites a file without `force`; never waits for input when not interactive.
 */
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, UsageError } from '../../errors/index.js';
import { MakeDirectoryError, makeDirectory } from '../../fs/make-directory.js';
import { validateConfigText } from '../load-config.js';
import { writeFileAtomic } from '../write-file-atomic.js';
import {
  answerProblems,
  configFromAnswers,
  type InitAnswers,
  missingRequiredKeys,
  SET_KEYS,
} from './init-answers.js';
import { renderConfig } from './render-config.js';

export interface InitOptions {
  /** Where to write the file. */
  path: string;
  /** Replace an existing file. Default false. */
  force?: boolean;
  /** Ask questions (a TTY and no --non-interactive). */
  interactive: boolean;
  /** Answers given with `--set`; in interactive mode their questions are skipped. */
  preset: InitAnswers;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Runs init and returns the path written. */
export async function runInit(options: InitOptions): Promise<string> {
  const { path } = options;
  if (!options.force && (await exists(path))) {
    throw new UsageError(`${path} already exists; nothing was written. Pass --force to overwrite it.`);
  }
  let answers = options.preset;
  if (options.interactive) {
    const { runInitWizard } = await import('./init-wizard.js');
    try {
      answers = await runInitWizard(answers);
    } catch (error) {
      if ((error as Error).name === 'ExitPromptError')
        throw new UsageError('init cancelled; nothing was written.');
      throw error;
    }
  }
  const missing = missingRequiredKeys(answers);
  if (missing.length > 0) {
    const lines = missing.map((key) => `  --set ${key}=…   ${SET_KEYS[key]}`).join('\n');
    throw new UsageError(
      `init needs ${missing.length === 1 ? 'a value' : 'values'} for ${missing.join(', ')} (nothing was written):\n${lines}`,
    );
  }
  const problems = answerProblems(answers);
  if (problems.length > 0) {
    throw new ConfigError(
      problems.map((p) => ({
        file: '--set',
        path: String(p.path[0]),
        expected: p.expected,
        ...(p.found !== undefined ? { found: p.found } : {}),
        ...(p.hint !== undefined ? { hint: p.hint } : {}),
      })),
    );
  }
  const text = renderConfig(configFromAnswers(answers));
  // The file must pass `config validate` exactly as written; a failure here is a bug in init.
  validateConfigText(path, text, { env: {} });
  try {
    makeDirectory(dirname(path));
  } catch (error) {
    if (!(error instanceof MakeDirectoryError)) throw error;
    throw new UsageError(`${path}: ${error.message}; nothing was written`, { cause: error });
  }
  await writeFileAtomic(path, text);
  return path;
}
