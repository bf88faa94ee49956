/**
 * `--state DIR`: each part's snapshot as `DIR/<name>.json`, written atomically (temp file, then
 * rename) shortly after it changes and once more on close; restored at start. Object bodies are
 * not here: the S3 service keeps them as files under `DIR/s3/` itself.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A part of the sandbox whose state survives restarts. */
export interface Persistent {
  snapshot(): unknown;
  restore(data: unknown): void;
}

export interface StateStoreOptions {
  /** How long after a change the snapshot is written, batching bursts of changes. Default 200 ms. */
  debounceMs?: number;
  /** Called when a write fails (the sandbox keeps serving; the next change retries). */
  onError?: (error: unknown) => void;
}

export class StateStore {
  private readonly parts = new Map<string, Persistent>();
  private readonly dirty = new Set<string>();
  private readonly lastWritten = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly options: StateStoreOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Registers a part and restores its saved state, if any. */
  register(name: string, part: Persistent): void {
    this.parts.set(name, part);
    let text: string;
    try {
      text = readFileSync(this.fileOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    part.restore(JSON.parse(text));
    this.lastWritten.set(name, text);
  }

  /** Notes that a part changed; its snapshot is written after the debounce interval. */
  markDirty(name: string): void {
    if (!this.parts.has(name)) return;
    this.dirty.add(name);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.options.onError?.(error);
      }
    }, this.options.debounceMs ?? 200);
    this.timer.unref?.();
  }

  /** Writes every changed part now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const names = [...this.dirty];
    this.dirty.clear();
    for (const name of names) this.write(name);
  }

  /** Writes every part (on close), skipping those whose snapshot has not changed. */
  flushAll(): void {
    for (const name of this.parts.keys()) this.dirty.add(name);
    this.flush();
  }

  private write(name: string): void {
    const part = this.parts.get(name);
    if (!part) return;
    const text = JSON.stringify(part.snapshot());
    if (text === undefined || this.lastWritten.get(name) === text) return;
    const file = this.fileOf(name);
    const temp = `${file}.tmp-${process.pid}`;
    writeFileSync(temp, text);
    renameSync(temp, file);
    this.lastWritten.set(name, text);
  }

  private fileOf(name: string): string {
    return join(this.dir, `${name}.json`);
  }
}
