/**
 * `bucketbridge policy lint FILE...`. Flags only; the linter is lazy-imported in the action so
 * `--help` stays fast.
 */
import type { Command } from 'commander';

interface LintFlags {
  json?: boolean;
  aclsDisabled?: boolean;
}

async function runPolicyLint(files: string[], flags: LintFlags): Promise<void> {
  const { lintPolicyFiles } = await import('../../onboarding/lint/lint-policy.js');
  const { formatFinding, formatSummary } = await import('../../onboarding/lint/format-findings.js');
  const { UsageError, WorkFailedError } = await import('../../errors/index.js');
  const result = await lintPolicyFiles(files, { aclsDisabled: flags.aclsDisabled === true });
  const errors = result.findings.filter((f) => f.level === 'error').length;
  for (const finding of result.findings) process.stderr.write(formatFinding(finding));
  process.stderr.write(formatSummary(result.findings, result.files.length, result.problems.length));
  if (flags.json) {
    const document = {
      ok: errors === 0 && result.problems.length === 0,
      files: result.files,
      findings: result.findings,
      problems: result.problems.map((p) => ({
        file: p.file,
        line: p.line,
        column: p.column,
        message: p.message,
      })),
      summary: { errors, warnings: result.findings.length - errors, unreadable: result.problems.length },
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  if (result.problems.length > 0) throw new UsageError(result.problems.map((p) => p.message).join('\n'));
  if (errors > 0) throw new WorkFailedError(`${errors} error-level finding${errors === 1 ? '' : 's'}`);
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('check IAM policy documents').helpCommand(false);
  policy
    .command('lint')
    .description(
      'check IAM policy JSON files (identity, resource or trust policies) for wildcard actions, Resource "*", Principal "*" without a condition, trust without sts:ExternalId, NotAction/NotResource with Allow, delete and access-changing permissions, ACL permissions and s3:ListAllMyBuckets (exit 0 clean or warnings only, 1 errors, 2 unreadable or malformed files)',
    )
    .argument('<files...>', 'policy JSON files')
    .option(
      '--acls-disabled',
      'the buckets have ACLs disabled (Object Ownership "bucket owner enforced"): ACL permissions are errors, not warnings',
    )
    .option('--json', 'print every finding as one JSON document on stdout')
    .action(async (files: string[], flags: LintFlags) => {
      await runPolicyLint(files, flags);
    });
}
