import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'main/**/*.test.ts', 'server/**/*.test.ts', 'renderer/**/*.test.ts', 'preload/**/*.test.ts', 'test-support/**/*.test.ts'],
    // RxDB's own test suites are written for mocha-style globals.
    globals: true,
    // Native modules (better-sqlite3) and child processes: separate processes keep them isolated.
    pool: 'forks',
    testTimeout: 30_000,
    // The JSON report lets .ci/run close with a plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    hookTimeout: 30_000,
  },
});
