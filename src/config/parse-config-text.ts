/** Reads a configuration file as a YAML document that remembers where every node came from. */
import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from '../errors/index.js';

export interface ParsedConfigFile {
  /** The file's path as the user gave it. */
  path: string;
  /** The file's text. */
  text: string;
  /** The YAML document, with comments and source ranges kept (for migrations and locations). */
  document: Document;
  /** Turns a node's offset into a line and column. */
  lineCounter: LineCounter;
}

/** Reads the file; a missing or unreadable file is a ConfigError naming the path and the fix. */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const found =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'a directory'
          : `a file that cannot be read (${code ?? String(error)})`;
    const hint =
      code === 'ENOENT'
        ? 'create one with `bucketbridge init`, or pass --config PATH (or set BUCKETBRIDGE_CONFIG)'
        : undefined;
    throw new ConfigError(
      [
        {
          file: path,
          path: '',
          expected: 'a readable YAML configuration file',
          found,
          ...(hint ? { hint } : {}),
        },
      ],
      { cause: error },
    );
  }
}

/** Parses YAML text; syntax errors (all of them) become a ConfigError with line and column. */
export function parseConfigText(path: string, text: string): ParsedConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  if (document.errors.length > 0) {
    const problems: ConfigProblem[] = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return {
        file: path,
        line,
        column: col,
        path: '',
        expected: 'valid YAML',
        found: `a syntax error: ${error.message.split('\n')[0]}`,
      };
    });
    throw new ConfigError(problems);
  }
  return { path, text, document, lineCounter };
}

/** Reads and parses a configuration file. */
export async function readConfigFile(path: string): Promise<ParsedConfigFile> {
  return parseConfigText(path, await readConfigText(path));
}
