/**
 * Loading a configuration: read the YAML file, validate it against the schema and the cross-field
 * rules, apply the environment's overrides, then resolve it (`resolved-config.ts`: durations as
 * numbers, derived defaults). Every problem is reported at once, each with the file, line,
 * column, key path, what was expected and what was found.
 */
import type { Document, LineCounter } from 'yaml';
import { ConfigError, type ConfigProblem } from '../errors/index.js';
import { declaredVersion, isNewerVersion, isOlderVersion } from './config-version.js';
import { credentialKeyProblems } from './credential-keys.js';
import { crossFieldProblems } from './cross-field-rules.js';
import { endpointProblems } from './endpoint-rules.js';
import { applyEnvOverrides, type EnvOverride } from './env-overrides.js';
import { formatPath, locate } from './locate.js';
import { parseConfigText, readConfigText } from './parse-config-text.js';
import type { RawProblem } from './raw-problem.js';
import { type Config, resolveConfig } from './resolved-config.js';
import { type ConfigFile, CURRENT_CONFIG_VERSION, configSchema } from './schema.js';
import { problemsFromZodIssues } from './zod-problems.js';

export interface LoadedConfig {
  /** The configuration file's path as given. Relative paths inside the file resolve against its folder. */
  path: string;
  /** The resolved configuration: validated, defaults and environment overrides applied. */
  config: Config;
  /** The parsed YAML document (comments and source ranges kept). */
  document: Document;
  /** Maps a node's offset in the file to a line and column (see {@link locateKey}). */
  lineCounter: LineCounter;
  /** Keys whose values came from environment variables rather than the file. */
  overrides: EnvOverride[];
}

export interface LoadConfigOptions {
  /** Environment for overrides (BUCKETBRIDGE_ENDPOINT, AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

function versionProblems(raw: unknown, path: string): { problems: RawProblem[]; stop: boolean } {
  const version = declaredVersion(raw);
  if (isNewerVersion(version)) {
    return {
      stop: true,
      problems: [
        {
          path: ['version'],
          expected: `version ${CURRENT_CONFIG_VERSION} or older`,
          found: `version ${version}`,
          hint: 'this file was written by a newer bucketbridge; upgrade bucketbridge to use it',
        },
      ],
    };
  }
  if (isOlderVersion(version)) {
    const missing = (raw as { version?: unknown }).version === undefined;
    return {
      stop: false,
      problems: [
        {
          path: missing ? [] : ['version'],
          expected: `version ${CURRENT_CONFIG_VERSION}`,
          found: missing ? 'no version key (a version 1 file)' : `version ${version}`,
          hint: `run \`bucketbridge config migrate --config ${path}\` to upgrade the file`,
        },
      ],
    };
  }
  return { stop: false, problems: [] };
}

/** Places raw problems in the file and sorts them by position. */
function placeProblems(
  problems: RawProblem[],
  path: string,
  document: Document,
  lineCounter: LineCounter,
): ConfigProblem[] {
  const placed = problems.map((p) => {
    const position = locate(document, lineCounter, p.path, p.at);
    const problem: ConfigProblem = { file: path, path: formatPath(p.path), expected: p.expected };
    if (position) Object.assign(problem, { line: position.line, column: position.column });
    else if (p.path.length === 0) Object.assign(problem, { line: 1, column: 1 });
    if (p.found !== undefined) problem.found = p.found;
    if (p.hint !== undefined) problem.hint = p.hint;
    return problem;
  });
  return placed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export interface ValidateOptions {
  /** Environment for overrides. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Accept an older `version` (for `config migrate`, which checks the rest before upgrading). */
  allowOlderVersion?: boolean;
}

/**
 * Every problem in a configuration given as plain data (parsed YAML, or answers from `init`):
 * version, credential keys, the schema, the cross-field rules. `stop` is set when the data
 * cannot be read at all (a newer version).
 */
export function problemsInRawConfig(
  raw: unknown,
  path: string,
  options: { allowOlderVersion?: boolean } = {},
): { problems: RawProblem[]; config?: ConfigFile } {
  const version = versionProblems(raw, path);
  if (version.stop) return { problems: version.problems };
  // An older file is checked as if it declared the current version: migration only adds keys
  // whose defaults the schema applies anyway, so its other problems are the same before and after.
  const olderVersion = version.problems.length > 0;
  const subject =
    olderVersion && raw !== null && typeof raw === 'object'
      ? { ...raw, version: CURRENT_CONFIG_VERSION }
      : raw;
  const credentials = credentialKeyProblems(raw);
  const credentialPaths = new Set(credentials.map((p) => formatPath(p.path)));
  const result = configSchema.safeParse(subject, { reportInput: true });
  const schemaProblems = result.success
    ? []
    : problemsFromZodIssues(result.error.issues, configSchema, subject).filter(
        (p) => !credentialPaths.has(formatPath(p.path)),
      );
  const problems = [
    ...(options.allowOlderVersion ? [] : version.problems),
    ...credentials,
    ...schemaProblems,
    ...crossFieldProblems(raw),
  ];
  return result.success && problems.length === 0 ? { problems, config: result.data } : { problems };
}

/**
 * Validates the text of a configuration file. Returns the configuration, or throws a ConfigError
 * holding every problem found.
 */
export function validateConfigText(path: string, text: string, options: ValidateOptions = {}): LoadedConfig {
  const { document, lineCounter } = parseConfigText(path, text);
  const raw: unknown = document.toJS({ maxAliasCount: 100 });
  const fail = (problems: RawProblem[]): never => {
    throw new ConfigError(placeProblems(problems, path, document, lineCounter));
  };
  if (raw === null || raw === undefined) {
    fail([
      {
        path: [],
        expected: 'a mapping with version, vendor and connections (create one with `bucketbridge init`)',
        found: 'an empty file',
      },
    ]);
  }
  const checked = problemsInRawConfig(raw, path, options);
  if (checked.config === undefined) return fail(checked.problems);
  const {
    config,
    problems: envProblems,
    overrides,
  } = applyEnvOverrides(checked.config, options.env ?? process.env);
  if (envProblems.length > 0) throw new ConfigError(envProblems);
  const resolved = resolveConfig(config);
  const regions = resolved.connections.map((c, i) => ({
    key:
      config.connections[i]?.region === undefined
        ? `connections[${i}] (aws.region)`
        : `connections[${i}].region`,
    region: c.region,
  }));
  const endpointRuleProblems = endpointProblems(config.aws, regions, overrides);
  if (endpointRuleProblems.length > 0) fail(endpointRuleProblems);
  return { path, config: resolved, document, lineCounter, overrides };
}

/**
 * Reads, validates and returns a configuration file with defaults and environment overrides
 * applied. Throws ConfigError (exit code 2) listing every problem.
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const text = await readConfigText(path);
  return validateConfigText(path, text, { env: options.env ?? process.env });
}

/**
 * `file:line:column` of a key in a loaded configuration, for errors found after loading (e.g. a
 * bucket that does not exist): `locateKey(loaded, ['connections', 0, 'source', 'bucket'])`.
 */
export function locateKey(loaded: LoadedConfig, path: (string | number)[]): string {
  const position = locate(loaded.document, loaded.lineCounter, path);
  const where = position ? `${loaded.path}:${position.line}:${position.column}` : loaded.path;
  return `${where}: ${formatPath(path)}`;
}
