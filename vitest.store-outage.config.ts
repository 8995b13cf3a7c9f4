// The two-replica PostgreSQL store-outage test on its own (excluded from the main run while issue 13's
// bug is open: a replica sometimes never stores the incident after the store returns).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/replicas-store-outage.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
