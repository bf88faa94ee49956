/**
 * The answers `init` collects, as `--set` keys (dotted paths), and how they become a
 * configuration. The interactive wizard fills the same keys, so both paths share every rule.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors/index.js';
import { didYouMean } from '../did-you-mean.js';
import { problemsInRawConfig } from '../load-config.js';
import { formatPath } from '../locate.js';
import type { RawProblem } from '../raw-problem.js';
import { CURRENT_CONFIG_VERSION } from '../schema.js';
import { INIT_PROCESSOR_TYPES, SET_KEYS } from './set-keys.js';

export { INIT_PROCESSOR_TYPES, SET_KEYS } from './set-keys.js';

const LIST_KEYS = new Set(['vendor.principals', 'processing.regions', 'connection.assumeRoleArn']);

/** Answers keyed by `--set` key. */
export type InitAnswers = Record<string, string>;

/** A fresh external ID: `bb-` and 16 hex digits from a cryptographic random source. */
export function generateExternalId(): string {
  return `bb-${randomBytes(8).toString('hex')}`;
}

/** Parses `--set key=value` flags; repeated list keys accumulate. Unknown keys are a UsageError. */
export function parseSetFlags(flags: readonly string[]): InitAnswers {
  const answers: InitAnswers = {};
  const problems: string[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      problems.push(`--set ${flag}: expected key=value, e.g. --set vendor.accountId=111111111111`);
      continue;
    }
    const key = flag.slice(0, eq).trim();
    const value = flag.slice(eq + 1).trim();
    if (!(key in SET_KEYS)) {
      problems.push(`--set ${key}: unknown key (${didYouMean(key, Object.keys(SET_KEYS))})`);
      continue;
    }
    answers[key] = LIST_KEYS.has(key) && answers[key] ? `${answers[key]},${value}` : value;
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return answers;
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/** `true`/`false` (also yes/no, y/n); anything else is kept so the schema reports it. */
export function parseFlag(value: string | undefined): boolean | string | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (['true', 'yes', 'y'].includes(v)) return true;
  if (['false', 'no', 'n'].includes(v)) return false;
  return value;
}

export const hasConnection = (answers: InitAnswers): boolean =>
  Object.keys(answers).some((key) => key.startsWith('connection.'));

/** The keys still missing for a configuration, in the order a user would give them. */
export function missingRequiredKeys(answers: InitAnswers): string[] {
  const required = ['vendor.accountId'];
  if (hasConnection(answers)) {
    required.push(
      'connection.name',
      'connection.accountId',
      'connection.source.bucket',
      'connection.destination.bucket',
    );
    if (parseFlag(answers['connection.assumeRoleFlag']) === true) required.push('connection.assumeRoleArn');
  }
  return required.filter((key) => answers[key] === undefined || answers[key] === '');
}

/** The configuration (as written to the file, before defaults) the answers describe. */
export function configFromAnswers(answers: InitAnswers): Record<string, unknown> {
  const a = answers;
  const accountId = a['vendor.accountId'];
  const region = a['aws.region'] || 'us-east-1';
  const regions = list(a['processing.regions']) ?? [region];
  const raw: Record<string, unknown> = {
    version: CURRENT_CONFIG_VERSION,
    vendor: { accountId, principals: list(a['vendor.principals']) ?? [`arn:aws:iam::${accountId}:root`] },
    aws: { region, ...(a['aws.endpoint'] ? { endpoint: a['aws.endpoint'] } : {}) },
    processing: { regions, defaultRegion: a['processing.defaultRegion'] || regions[0] },
    ledger: a.ledger || 'sqlite:./bucketbridge.db',
    connections: [],
  };
  if (!hasConnection(a)) return raw;
  const name = a['connection.name'];
  const assumeRole = parseFlag(a['connection.assumeRoleFlag']) ?? false;
  const type = a['connection.processor.type'] || 'copy';
  // The customer's region is written only when it is not aws.region, which it defaults to.
  const customerRegion = a['connection.region'];
  const connection: Record<string, unknown> = {
    name,
    accountId: a['connection.accountId'],
    ...(customerRegion && customerRegion !== region ? { region: customerRegion } : {}),
    assumeRoleFlag: assumeRole,
    assumeRoleArn: list(a['connection.assumeRoleArn']) ?? [],
    ...(assumeRole === true
      ? {
          externalId: a['connection.externalId'] || generateExternalId(),
          sessionName: a['connection.sessionName'] || `bucketbridge-${name ?? ''}`.slice(0, 64),
        }
      : {
          ...(a['connection.externalId'] ? { externalId: a['connection.externalId'] } : {}),
          ...(a['connection.sessionName'] ? { sessionName: a['connection.sessionName'] } : {}),
        }),
    stsCredsExpirationTime: a['connection.stsCredsExpirationTime'] || '1h',
    source: { bucket: a['connection.source.bucket'], prefix: a['connection.source.prefix'] ?? '' },
    destination: {
      bucket: a['connection.destination.bucket'],
      prefix: a['connection.destination.prefix'] ?? '',
    },
    workflow: a['connection.workflow'] || 'batch',
    processor: { type },
  };
  raw.connections = [connection];
  return raw;
}

/** The `--set` key a configuration path came from: `connections[0].source.bucket` → `connection.source.bucket`. */
export function setKeyOf(path: (string | number)[]): string {
  if (path[0] === 'connections' && typeof path[1] === 'number')
    return `connection.${formatPath(path.slice(2))}`;
  return formatPath(path);
}

/**
 * Every problem in the answers, by the schema and cross-field rules the file is checked with,
 * plus `init`'s own limit on processor types. Paths are `--set` keys.
 */
export function answerProblems(answers: InitAnswers): RawProblem[] {
  // Values init derives (principals from the account, the session name from the connection's
  // name) are only reported when the user gave them; otherwise the source value's problem says it.
  const derived = ['vendor.principals', 'connection.sessionName'].filter((key) => answers[key] === undefined);
  const problems = problemsInRawConfig(configFromAnswers(answers), '--set')
    .problems.map((p) => ({ ...p, path: [setKeyOf(p.path)] }))
    .filter((p) => !derived.some((key) => String(p.path[0]).startsWith(key)));
  const type = answers['connection.processor.type'];
  if (type !== undefined && type !== '' && !(INIT_PROCESSOR_TYPES as readonly string[]).includes(type)) {
    const others = problems.filter((p) => !String(p.path[0]).startsWith('connection.processor'));
    return [
      ...others,
      {
        path: ['connection.processor.type'],
        expected: `one of ${INIT_PROCESSOR_TYPES.map((t) => `\`${t}\``).join(', ')}`,
        found: JSON.stringify(type),
        hint: 'other processors take more settings: edit the file after init',
      },
    ];
  }
  return problems;
}

/**
 * The problem (in words) with one answer, given the others, or undefined when it is fine. Used by
 * the wizard's prompt validation, so a prompt applies exactly the rules `config validate` does.
 */
export function answerProblem(answers: InitAnswers, key: string, value: string): string | undefined {
  const problem = answerProblems({ ...answers, [key]: value }).find((p) => {
    const path = String(p.path[0]);
    return path === key || path.startsWith(`${key}[`);
  });
  if (problem === undefined) return undefined;
  const found = problem.found === undefined ? '' : `, found ${problem.found}`;
  const hint = problem.hint === undefined ? '' : ` (${problem.hint})`;
  // A list answer's problem names the entry by its position, as a person counts: entry 2.
  const index = /^\[(\d+)\]/.exec(String(problem.path[0]).slice(key.length))?.[1];
  const where = index === undefined ? '' : `entry ${Number(index) + 1}: `;
  return `${where}expected ${problem.expected}${found}${hint}`;
}
