import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Most test files wait on real processes (PostgreSQL, pgBackRest, Chromium), not on a core:
    // vitest's default (cores - 1, a single worker on a 2-core machine) left CI running serially.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default'],
  },
});
