import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
  },
});
