/**
 * External-ID rotation with no downtime, in the configuration file: `--rotate-external-id` puts a
 * new ID in `externalId` and keeps the old one in `previousExternalIds` (the trust policy accepts
 * both, and workers fall back to a previous one while the customer has not applied it);
 * `--retire-external-id` removes `previousExternalIds`, so the trust policy names only the current
 * ID. The file is edited as text at the places the yaml library's Document locates (so every other
 * byte stays as written; unusual layouts are re-serialised from the Document, comments kept), and
 * replaced atomically.
 */
import { type Document, isScalar, isSeq, type Pair, Scalar, type YAMLMap, YAMLSeq } from 'yaml';
import type { Connection } from '../config/resolved-config.js';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import { UsageError } from '../errors/index.js';
import { generateExternalId, readConnectionNode } from './external-id.js';

const ROTATED_COMMENT = ' rotated by bucketbridge onboard --rotate-external-id';

/** How a re-serialised file is printed: long values never folded, flow lists as users write them (`[a, b]`). */
const PRINT_OPTIONS = { lineWidth: 0, flowCollectionPadding: false } as const;

/** One replacement of the file's text: `[from, to)` becomes `text`. */
interface Splice {
  from: number;
  to: number;
  text: string;
}

/** The text with the splices made (they must not overlap). */
function spliced(text: string, splices: Splice[]): string {
  return [...splices]
    .sort((a, b) => b.from - a.from)
    .reduce((out, { from, to, text: insert }) => out.slice(0, from) + insert + out.slice(to), text);
}

/** Where the line holding `at` starts, and where it ends (its `\n`, or -1 on a last line without one). */
function lineAround(text: string, at: number): { start: number; end: number } {
  return { start: text.lastIndexOf('\n', at - 1) + 1, end: text.indexOf('\n', at) };
}

/** IDs as a one-line flow list of quoted strings, as onboard writes them. */
function flowList(ids: readonly string[]): string {
  return `[${ids.map((id) => JSON.stringify(id)).join(', ')}]`;
}

/** The key's pair in the connection's mapping. */
function pairOf(connection: YAMLMap, key: string): Pair | undefined {
  return connection.items.find((item) => isScalar(item.key) && item.key.value === key);
}

/** The IDs of a `previousExternalIds` node (non-strings kept as text: the schema refuses them anyway). */
function idsOf(node: unknown): string[] {
  return isSeq(node) ? node.items.map((item) => String(isScalar(item) ? item.value : item)) : [];
}

/**
 * The rotation as text splices, so every other byte of the file stays as written: the externalId
 * value (and its comment) replaced, the flow list of previous IDs replaced or a line added after
 * externalId. Undefined for layouts a splice cannot handle (a flow-style connection, a block list).
 */
function rotationSplices(
  text: string,
  connection: YAMLMap,
  newId: string,
  ids: string[],
): Splice[] | undefined {
  const idPair = pairOf(connection, 'externalId');
  const value = idPair?.value;
  const keyRange = isScalar(idPair?.key) ? idPair.key.range : undefined;
  const previous = connection.get('previousExternalIds', true);
  if (connection.flow || !isScalar(value) || !value.range || !keyRange) return undefined;
  const valueLine = lineAround(text, value.range[0]);
  if (valueLine.end === -1) return undefined;
  const splices: Splice[] = [
    { from: value.range[0], to: valueLine.end, text: `${JSON.stringify(newId)} #${ROTATED_COMMENT}` },
  ];
  if (previous !== undefined) {
    if (!isSeq(previous) || !previous.flow || !previous.range) return undefined;
    splices.push({ from: previous.range[0], to: previous.range[1], text: flowList(ids) });
    return splices;
  }
  const keyLine = lineAround(text, keyRange[0]);
  const indent = text.slice(keyLine.start, keyRange[0]);
  if (!/^[ ]*(- )?$/.test(indent)) return undefined;
  const column = ' '.repeat(indent.length);
  splices.push({
    from: valueLine.end + 1,
    to: valueLine.end + 1,
    text: `${column}previousExternalIds: ${flowList(ids)}\n`,
  });
  return splices;
}

/** The rotation on the Document, re-serialised: the fallback of {@link rotationSplices}. */
function rotatedDocument(document: Document, connection: YAMLMap, newId: string, ids: string[]): string {
  const current = connection.get('externalId', true) as Scalar<string>;
  current.value = newId;
  current.comment = ROTATED_COMMENT;
  const list = new YAMLSeq();
  list.flow = true;
  for (const id of ids) {
    const node = document.createNode(id) as Scalar;
    node.type = Scalar.QUOTE_DOUBLE;
    list.add(node);
  }
  const pair = pairOf(connection, 'previousExternalIds');
  if (pair !== undefined) pair.value = list;
  else {
    const at = connection.items.indexOf(pairOf(connection, 'externalId') as Pair) + 1;
    connection.items.splice(at, 0, document.createPair('previousExternalIds', list));
  }
  return document.toString(PRINT_OPTIONS);
}

/**
 * Sets `externalId` to `newId` in the file and appends the ID it held to `previousExternalIds`
 * (created right after `externalId` when missing). Returns the previous IDs the file now holds.
 */
export async function rotateExternalIdInConfig(
  configPath: string,
  connectionName: string,
  newId: string,
): Promise<string[]> {
  const { text, document, connection } = await readConnectionNode(configPath, connectionName, 'externalId');
  const current = connection.get('externalId', true);
  if (!isScalar(current) || typeof current.value !== 'string') {
    throw new UsageError(
      `--rotate-external-id: connection "${connectionName}" in ${configPath} has no externalId to rotate; run bucketbridge onboard without it first (it generates one)`,
    );
  }
  const ids = [...idsOf(connection.get('previousExternalIds', true)), current.value];
  const splices = rotationSplices(text, connection, newId, ids);
  await writeFileAtomic(
    configPath,
    splices ? spliced(text, splices) : rotatedDocument(document, connection, newId, ids),
  );
  return ids;
}

/** Removes `previousExternalIds` from the connection in the file; the file is not written when it has none. */
export async function retireExternalIdsInConfig(configPath: string, connectionName: string): Promise<void> {
  const { text, document, connection } = await readConnectionNode(
    configPath,
    connectionName,
    'previousExternalIds',
  );
  const pair = pairOf(connection, 'previousExternalIds');
  if (pair === undefined) return;
  const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
  const value = pair.value;
  if (!connection.flow && keyRange && isSeq(value) && value.flow && value.range) {
    // The key's own lines go, when nothing else shares them.
    const first = lineAround(text, keyRange[0]);
    const last = lineAround(text, value.range[1]);
    if (/^[ ]*$/.test(text.slice(first.start, keyRange[0])) && last.end !== -1) {
      await writeFileAtomic(configPath, spliced(text, [{ from: first.start, to: last.end + 1, text: '' }]));
      return;
    }
  }
  connection.delete('previousExternalIds');
  await writeFileAtomic(configPath, document.toString(PRINT_OPTIONS));
}

/** Options of {@link rotateOrRetire}: what `onboard` was asked to do and where. */
export interface RotationStep {
  configPath: string;
  /** `rotate`: new external ID; `retire`: drop the previous ones. */
  step: 'rotate' | 'retire';
  /** Show what would change, write nothing. */
  dryRun: boolean;
  say: (line: string) => void;
}

/** What a rotation step did. */
export interface RotationResult {
  /** The connection as it is after the step (what the files and `--apply` use). */
  connection: Connection;
  /** IDs retired by `--retire-external-id` (verify them with `--retired-external-id`). */
  retiredExternalIds: string[];
}

/**
 * Runs `--rotate-external-id` or `--retire-external-id` on the configuration file (unless a dry
 * run) and returns the connection the onboarding files are then written for.
 */
export async function rotateOrRetire(connection: Connection, options: RotationStep): Promise<RotationResult> {
  const { configPath, dryRun, say } = options;
  const previous = connection.previousExternalIds ?? [];
  const dryNote = dryRun ? ' (dry run: the configuration is not changed)' : '';
  if (options.step === 'rotate') {
    if (connection.externalId === undefined) {
      throw new UsageError(
        `--rotate-external-id: connection "${connection.name}" has no externalId to rotate; run bucketbridge onboard without it first (it generates one)`,
      );
    }
    const newId = generateExternalId();
    const previousExternalIds = dryRun
      ? [...previous, connection.externalId]
      : await rotateExternalIdInConfig(configPath, connection.name, newId);
    say(
      `Connection "${connection.name}": external ID rotated to ${newId}${dryNote}; the trust policy accepts it and ` +
        `the previous ${previousExternalIds.join(', ')} until bucketbridge onboard --retire-external-id. ` +
        'Workers use the new one once the customer has applied it, and fall back to a previous one until then.',
    );
    return { connection: { ...connection, externalId: newId, previousExternalIds }, retiredExternalIds: [] };
  }
  if (previous.length === 0) {
    say(
      `Connection "${connection.name}" has no previousExternalIds: nothing to retire; the trust policy names only its externalId.`,
    );
    return { connection, retiredExternalIds: [] };
  }
  if (!dryRun) await retireExternalIdsInConfig(configPath, connection.name);
  const { previousExternalIds: _, ...rest } = connection;
  say(
    `Connection "${connection.name}": retired external ID ${previous.join(', ')}${dryNote}; the trust policy names only ${connection.externalId}. ` +
      `Once it is applied, check the retired one is refused: bucketbridge verify --connection ${connection.name} ` +
      previous.map((id) => `--retired-external-id ${id}`).join(' '),
  );
  return { connection: rest, retiredExternalIds: previous };
}
