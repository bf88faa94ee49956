import { configDefaults, defineConfig } from 'vitest/config';

/** Suites that need a PostgreSQL server end in `.pg.test.ts` (see test/helpers/postgres.ts). */
const POSTGRES_SUITES = 'test/**/*.pg.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start their own sandbox servers and child processes; two cores.
    pool: 'forks',
    maxWorkers: 2,
    // Silences the AWS SDK's Node.js 20 end-of-support notice in test output (see bin/bucketbridge).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // A process warning fails the test it happened in (test/helpers/fail-on-warning.ts).
    setupFiles: ['./test/helpers/fail-on-warning.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, POSTGRES_SUITES],
        },
      },
      {
        extends: true,
        // One server for the run, started only when a PostgreSQL suite is queued.
        test: {
          name: 'postgres',
          include: [POSTGRES_SUITES],
          globalSetup: ['test/helpers/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
