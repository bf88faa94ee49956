/**
 * `policy lint`: checks IAM policy documents (identity, resource or trust policies) for what a
 * cross-account integration should never grant. One rule per file under rules/; every finding
 * names the file, the statement (index and Sid), the level, why it matters and the fix.
 */
import type { PolicyDocument } from '../policies/policy-document.js';
import type { LintFinding, LintOptions, StatementRule } from './lint-types.js';
import { PolicyFileError, readPolicyFile } from './read-policy-file.js';
import { aclPermission } from './rules/acl-permission.js';
import { deletePermission } from './rules/delete-permission.js';
import { listAllBuckets } from './rules/list-all-buckets.js';
import { listWithoutPrefix } from './rules/list-without-prefix.js';
import { notActionWithAllow } from './rules/not-action-with-allow.js';
import { permissionsManagement } from './rules/permissions-management.js';
import { principalStar } from './rules/principal-star.js';
import { resourceStar } from './rules/resource-star.js';
import { trustWithoutExternalId } from './rules/trust-without-external-id.js';
import { wildcardAction } from './rules/wildcard-action.js';
import { viewStatement } from './statement-view.js';

/** Every statement rule, in the order findings are listed for one statement. */
export const STATEMENT_RULES: StatementRule[] = [
  trustWithoutExternalId,
  principalStar,
  notActionWithAllow,
  wildcardAction,
  resourceStar,
  deletePermission,
  permissionsManagement,
  aclPermission,
  listWithoutPrefix,
  listAllBuckets,
];

/** Findings on the document as a whole. */
function documentFindings(file: string, document: PolicyDocument): LintFinding[] {
  if (document.Version === '2012-10-17') return [];
  return [
    {
      file,
      rule: 'policy-version',
      level: 'warning',
      message:
        document.Version === undefined
          ? 'has no "Version" (IAM then assumes 2008-10-17)'
          : `has "Version": "${document.Version}"`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM policy variable syntax, quoted for the user.
      why: 'the 2008-10-17 policy language has no policy variables, so ${aws:username}-style values and the ${*} escapes are taken literally',
      fix: 'set "Version": "2012-10-17"',
    },
  ];
}

export function lintPolicy(file: string, document: PolicyDocument, options: LintOptions = {}): LintFinding[] {
  const findings = documentFindings(file, document);
  document.Statement.forEach((statement, index) => {
    const view = viewStatement(statement, index);
    for (const rule of STATEMENT_RULES) {
      const found = rule.check(view, options);
      if (found === undefined) continue;
      findings.push({
        file,
        statementIndex: index,
        ...(typeof statement.Sid === 'string' && statement.Sid !== '' ? { sid: statement.Sid } : {}),
        rule: rule.id,
        ...found,
      });
    }
  });
  return findings;
}

export interface LintFilesResult {
  findings: LintFinding[];
  /** Files that could not be linted, with the reason (exit code 2). */
  problems: PolicyFileError[];
  /** Files linted. */
  files: string[];
}

export async function lintPolicyFiles(files: string[], options: LintOptions = {}): Promise<LintFilesResult> {
  const result: LintFilesResult = { findings: [], problems: [], files: [] };
  for (const file of files) {
    try {
      const document = await readPolicyFile(file);
      result.findings.push(...lintPolicy(file, document, options));
      result.files.push(file);
    } catch (error) {
      if (!(error instanceof PolicyFileError)) throw error;
      result.problems.push(error);
    }
  }
  return result;
}
