import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file spawns real server processes (and one an embedded PostgreSQL); two at a time suits the
    // 2-core CI machine without starving the servers under test.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 90_000,
  },
});
