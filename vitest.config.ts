import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A browser on a loaded two-core machine can take seconds to show what a second shows at rest.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Two cores: more workers than that only adds contention on the databases.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
