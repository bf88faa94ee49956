/** The human form of a verify report (stderr): one table per connection, remediations indented below. */
import type { CheckStatus, VerifyReport } from './verify-types.js';

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

export function formatVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  for (const connection of report.connections) {
    const where = connection.processingRegion
      ? `processed in ${connection.processingRegion}`
      : 'region unknown';
    lines.push(`connection ${connection.name} (${where})`);
    const width = Math.max(...connection.checks.map((c) => c.id.length));
    for (const check of connection.checks) {
      lines.push(`  ${LABEL[check.status]}  ${check.id.padEnd(width)}  ${check.detail}`);
      if (check.remediation !== '') lines.push(`  ${' '.repeat(6 + width)}  fix: ${check.remediation}`);
    }
    const count = (status: CheckStatus) => connection.checks.filter((c) => c.status === status).length;
    lines.push(
      `  ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warnings, ${count('skip')} skipped`,
      '',
    );
  }
  lines.push(report.ok ? 'verify: every check passed' : 'verify: at least one check failed');
  return `${lines.join('\n')}\n`;
}
