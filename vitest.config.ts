import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Root-only lab tests share the machine's network stack; run files one at a time.
    fileParallelism: false,
    // The second one counts the tests this machine could not run and why (and fails CI when there are any).
    reporters: ['default', './test/helpers/lab-skip-reporter.ts'],
  },
});
