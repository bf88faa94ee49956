import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * The path a program name resolves to (as spawn would find it: a path with a slash as given,
 * else the first executable on PATH), or undefined when there is none.
 */
export async function findProgram(
  command: string,
  options: { cwd?: string; path?: string } = {},
): Promise<string | undefined> {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(options.cwd ?? process.cwd(), command)]
    : (options.path ?? process.env.PATH ?? '')
        .split(delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}
