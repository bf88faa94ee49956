/**
 * Which objects a connection processes: the source prefix, include/exclude globs relative to it,
 * the suffix, size and last-modified bounds (absolute, and `ignoreOlderThan` relative to now);
 * folder markers are never processed. Used by the batch lister and the live event consumer alike.
 */
import picomatch from 'picomatch';
import type { Connection } from '../config/resolved-config.js';
import type { SourceObject } from './source-object.js';

/** Why an object was left out; `undefined` when it is to be processed. */
export type FilterVerdict =
  | 'outside-prefix'
  | 'folder-marker'
  | 'not-included'
  | 'excluded'
  | 'suffix'
  | 'too-small'
  | 'too-large'
  | 'modified-too-early'
  | 'modified-too-late'
  | 'ignored-older'
  | undefined;

export type ObjectFilter = (object: SourceObject) => FilterVerdict;

export interface ObjectFilterOptions {
  /**
   * What `ignoreOlderThan` counts back from, in epoch milliseconds, asked at each object. Default:
   * the time the filter was built, so a batch judges every object against its run's start; live
   * passes `Date.now` so an event is judged when it is handled, as Filebeat's `ignore_older` is.
   */
  now?: () => number;
}

/** Builds the filter for a connection's `source` settings. */
export function createObjectFilter(
  source: Connection['source'],
  options: ObjectFilterOptions = {},
): ObjectFilter {
  const builtAt = Date.now();
  const now = options.now ?? (() => builtAt);
  // `dot: true` so that `*.gz` also matches `.hidden.gz`: users filter by shape, not by dotfile rules.
  const globOptions = { dot: true };
  const include = source.include.length > 0 ? picomatch(source.include, globOptions) : undefined;
  const exclude = source.exclude.length > 0 ? picomatch(source.exclude, globOptions) : undefined;
  const after = source.modifiedAfter === undefined ? undefined : Date.parse(source.modifiedAfter);
  const before = source.modifiedBefore === undefined ? undefined : Date.parse(source.modifiedBefore);
  return (object) => {
    const { key, size, lastModified } = object;
    if (!key.startsWith(source.prefix)) return 'outside-prefix';
    if (key.endsWith('/')) return 'folder-marker';
    const relative = key.slice(source.prefix.length);
    if (include && !include(relative)) return 'not-included';
    if (exclude?.(relative)) return 'excluded';
    if (source.suffix !== undefined && !key.endsWith(source.suffix)) return 'suffix';
    if (size !== undefined) {
      if (source.minSizeBytes !== undefined && size < source.minSizeBytes) return 'too-small';
      if (source.maxSizeBytes !== undefined && size > source.maxSizeBytes) return 'too-large';
    }
    if (lastModified !== undefined) {
      if (after !== undefined && lastModified.getTime() < after) return 'modified-too-early';
      if (before !== undefined && lastModified.getTime() >= before) return 'modified-too-late';
      const maxAgeMs = source.ignoreOlderThanMs;
      if (maxAgeMs !== undefined && lastModified.getTime() < now() - maxAgeMs) return 'ignored-older';
    }
    return undefined;
  };
}
