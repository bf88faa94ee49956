/**
 * Vitest global setup of the `postgres` project (files named `*.pg.test.ts`): one server for the
 * run, from BUCKETBRIDGE_TEST_POSTGRES_URL or a throwaway one it starts and removes afterwards.
 * Vitest calls it only when such a file is queued, so other runs pay nothing.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.BUCKETBRIDGE_TEST_POSTGRES_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return async () => undefined;
  }
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
