/**
 * Setup file of every test run (vitest.config.ts `setupFiles`): a process warning in a test
 * worker (MaxListenersExceededWarning, a DeprecationWarning, an unhandled-rejection notice...)
 * fails the test that was running when it was emitted, or the file when it came between tests.
 * Warnings point at leaks and misuse that a passing assertion does not see.
 */
import { afterAll, afterEach } from 'vitest';

const KEY = Symbol.for('bucketbridge.test.processWarnings');
type Store = { seen: string[] };

// Once per process: a worker that runs several files must not add a listener per file.
const registry = globalThis as Record<symbol, Store | undefined>;
const store: Store = registry[KEY] ?? createStore();

function createStore(): Store {
  const created: Store = { seen: [] };
  registry[KEY] = created;
  process.on('warning', (warning) => {
    created.seen.push(`${warning.name}: ${warning.message}`);
  });
  return created;
}

/** Warnings are emitted on the next tick; give them one turn of the event loop to arrive. */
async function failOnWarnings(when: string): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (store.seen.length === 0) return;
  const warnings = store.seen.splice(0);
  throw new Error(`process warning ${when}: ${warnings.join('\n')}`);
}

afterEach(() => failOnWarnings('during this test'));
afterAll(() => failOnWarnings('in this file, between tests'));
