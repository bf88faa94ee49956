/** Human output of `policy lint`: one block per finding, then a summary line. */
import type { LintFinding } from './lint-types.js';
import { statementLabel } from './statement-view.js';

export function formatFinding(finding: LintFinding): string {
  const where =
    finding.statementIndex === undefined
      ? finding.file
      : `${finding.file}: ${statementLabel(finding.statementIndex, finding.sid)}`;
  return `${where}: ${finding.level} [${finding.rule}] ${finding.message}\n  why: ${finding.why}\n  fix: ${finding.fix}\n`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatSummary(findings: LintFinding[], fileCount: number, unreadable: number): string {
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.length - errors;
  const tail = unreadable > 0 ? `; ${count(unreadable, 'file')} could not be linted` : '';
  return `${count(fileCount, 'policy file')} linted: ${count(errors, 'error')}, ${count(warnings, 'warning')}${tail}.\n`;
}
