import { defineConfig } from 'vitest/config';

// One project per package. Integration suites start real servers on port 0; suites that need
// PostgreSQL run only when TEST_DATABASE_URL is set and say so when skipped.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'contracts', include: ['packages/contracts/src/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          // One migrated embedded database per run, which each test file loads (support/lexbridge.ts).
          globalSetup: ['packages/server/test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'emulator',
          include: ['packages/imanage-emulator/src/**/*.test.ts', 'packages/imanage-emulator/test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'graph-emulator',
          include: ['packages/graph-emulator/src/**/*.test.ts', 'packages/graph-emulator/test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['packages/web/test/**/*.test.ts'],
          // Builds packages/web/dist when it is missing or older than its sources, and makes sure the
          // embedded-database template exists (the Lexbridge processes under test start from it).
          globalSetup: ['packages/web/test/global-setup.ts', 'packages/server/test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
