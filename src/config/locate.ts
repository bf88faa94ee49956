/** Maps a key path of a parsed YAML document back to a line and column of its file. */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** A key path segment: an object key or a list index. */
export type PathSegment = string | number;

/** `connections[0].source.bucket` from `['connections', 0, 'source', 'bucket']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/**
 * The position of the node at `path`, or of its key when `at` is 'key'. When the path does not
 * exist in the file (a missing key), the position of the deepest node that does exist.
 */
export function locate(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  at: 'key' | 'value' = 'value',
): Position | undefined {
  let node: Node | null = document.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      keyNode = isScalar(pair.key) ? pair.key : undefined;
      // `key:` with no value still has a key to point at.
      node = (pair.value as Node | null) ?? keyNode ?? node;
      if (pair.value === null || pair.value === undefined) break;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      keyNode = undefined;
      node = node.items[segment] as Node;
    } else {
      break;
    }
  }
  const target = at === 'key' && keyNode ? keyNode : node;
  const offset = target?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
