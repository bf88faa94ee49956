import type { Document } from 'yaml';

/** One step of the configuration format, applied to the YAML document in place (comments kept). */
export interface Migration {
  /** The version this step reads. */
  from: number;
  /** The version it writes; always `from + 1`. */
  to: number;
  /** What the step does, in a sentence. */
  summary: string;
  /** Edits the document and returns one line per change made. */
  apply(document: Document): string[];
}
