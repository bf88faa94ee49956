import type { Command } from 'commander';
import { registerBatchCommand } from './batch.js';
import { registerConfigCommands } from './config.js';
import { registerDemoCommand } from './demo.js';
import { registerDlqCommands } from './dlq.js';
import { registerInitCommand } from './init.js';
import { registerLedgerCommands } from './ledger.js';
import { registerLiveCommand } from './live.js';
import { registerOnboardCommand } from './onboard.js';
import { registerPolicyCommands } from './policy.js';
import { registerRunCommand } from './run.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerVerifyCommand } from './verify.js';

/**
 * Every command of the CLI, registered in the order `--help` lists them. A command module defines
 * its flags here and lazy-imports its implementation in its action.
 */
export function registerCommands(program: Command): void {
  void program;
  registerInitCommand(program);
  registerConfigCommands(program);
  registerOnboardCommand(program);
  registerPolicyCommands(program);
  registerVerifyCommand(program);
  registerBatchCommand(program);
  registerLiveCommand(program);
  registerRunCommand(program);
  registerDlqCommands(program);
  registerLedgerCommands(program);
  registerSandboxCommand(program);
  registerDemoCommand(program);
}
