import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['services/**/*.test.ts', 'shared/**/*.test.ts', 'views/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share one PostgreSQL/MariaDB database each; files run one at a time
    // against them, so parallel files must use their own schemas or run serially.
    fileParallelism: false,
    reporters: ['default'],
  },
});
