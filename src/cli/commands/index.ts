import type { Command } from 'commander';

/**
 * Every command of the CLI, registered in the order `--help` lists them. A command module defines
 * its flags here and lazy-imports its implementation in its action.
 */
export function registerCommands(program: Command): void {
  void program;
}
