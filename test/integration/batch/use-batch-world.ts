/**
 * One batch world for a test file: its own sandbox (started with `sandbox` options), the
 * customer's setup (integration/batch/batch-world.ts) with `objects` uploaded before the tests,
 * all closed after them.
 *
 * ```ts
 * const { sandbox, world } = useBatchWorld({ processor: { type: 'gzip' } }, { objects: { count: 150, … } });
 * ```
 */
import pLimit from 'p-limit';
import type { SandboxOptions } from '../../../sandbox/server.js';
import { useBeforeAll } from '../../helpers/late-bound.js';
import { type TestSandbox, useTestSandbox } from '../../helpers/sandbox.js';
import { type BatchWorld, createBatchWorld, type WorldOptions } from './batch-world.js';

export interface SourceObjects {
  count: number;
  /** Key and body of object `i`. */
  object(i: number): [key: string, body: string];
  /** Uploads at once. */
  parallel: number;
}

export function useBatchWorld(
  options: WorldOptions,
  setup: { sandbox?: SandboxOptions; objects?: SourceObjects } = {},
): { sandbox: TestSandbox; world: BatchWorld } {
  const sandbox = useTestSandbox(setup.sandbox);
  const world = useBeforeAll(
    'the batch world',
    async () => {
      const made = await createBatchWorld(sandbox, options);
      if (setup.objects) await putObjects(made, setup.objects);
      return made;
    },
    (made) => made.close(),
  );
  return { sandbox, world };
}

async function putObjects(world: BatchWorld, { count, object, parallel }: SourceObjects): Promise<void> {
  const limit = pLimit(parallel);
  await Promise.all(Array.from({ length: count }, (_, i) => limit(() => world.put(...object(i)))));
}
