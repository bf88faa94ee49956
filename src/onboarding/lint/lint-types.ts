/** The shapes `policy lint` works with: findings, rules and what a rule may know. */
import type { PolicyStatement } from '../policies/policy-document.js';

export type FindingLevel = 'error' | 'warning';

export interface LintFinding {
  /** The policy file, as given on the command line. */
  file: string;
  /** 0-based index of the statement in the policy's Statement list; undefined for the document itself. */
  statementIndex?: number;
  /** The statement's Sid, when it has one. */
  sid?: string;
  /** Stable rule id, e.g. `wildcard-action`. */
  rule: string;
  level: FindingLevel;
  /** What is wrong, naming the actions, principals or resources concerned. */
  message: string;
  /** Why it matters. */
  why: string;
  /** How to fix it. */
  fix: string;
}

/** What the linter knows beyond the policy text. */
export interface LintOptions {
  /**
   * The buckets have ACLs disabled (Object Ownership "bucket owner enforced", the default for
   * buckets created since April 2023): ACL permissions are then an error rather than a warning.
   * Default false (unknown).
   */
  aclsDisabled?: boolean;
}

/** One statement as a rule sees it, with its lists normalised. */
export interface StatementView {
  index: number;
  statement: PolicyStatement;
  /** Action entries, as written. */
  actions: string[];
  /** Resource entries, as written. */
  resources: string[];
}

/** What a statement rule reports: the file and statement are filled in by the linter. */
export type RuleFinding = Pick<LintFinding, 'level' | 'message' | 'why' | 'fix'>;

export interface StatementRule {
  id: string;
  check(view: StatementView, options: LintOptions): RuleFinding | undefined;
}
