/**
 * Creates a folder and its missing parents, one level at a time.
 *
 * Node's own `mkdir(path, { recursive: true })` never returns for a path whose parent exists but
 * cannot hold children and answers ENOENT for them (anything under `/proc`, a dangling symlink):
 * it takes ENOENT to mean "create the parent first", the parent exists, and it tries again,
 * forever, at full CPU. Here every failure is final.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A folder that cannot be created; `code` is the system's (ENOENT, EACCES, ENOTDIR...). */
export class MakeDirectoryError extends Error {
  override readonly name = 'MakeDirectoryError';
  constructor(
    /** The folder asked for. */
    readonly path: string,
    /** The level that could not be created (the folder itself or one of its parents). */
    readonly failedAt: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(
      `cannot create the folder ${path}${failedAt === path ? '' : ` (at ${failedAt})`}: ${code}`,
      options,
    );
  }
}

/**
 * Makes sure `path` is a folder, creating it and its missing parents. Synchronous on purpose:
 * it runs once at setup, and callers in constructors need it. Throws {@link MakeDirectoryError}.
 */
export function makeDirectory(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  for (let current = target; ; current = dirname(current)) {
    const found = statOrUndefined(path, current);
    if (found === 'directory') break;
    if (found === 'other') throw new MakeDirectoryError(path, current, 'ENOTDIR');
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      // Created meanwhile by someone else: fine, if it is a folder.
      if (code === 'EEXIST' && statOrUndefined(path, level) === 'directory') continue;
      throw new MakeDirectoryError(path, level, code, { cause: error });
    }
  }
}

function statOrUndefined(path: string, level: string): 'directory' | 'other' | undefined {
  try {
    return statSync(level).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT') return undefined;
    throw new MakeDirectoryError(path, level, code, { cause: error });
  }
}
