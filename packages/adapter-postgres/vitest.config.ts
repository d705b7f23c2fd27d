import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // Most files wait on servers, child processes and timeouts rather than compute, and each
    // uses its own schema or cluster: run three at once even on a 2-core machine.
    maxWorkers: 3,
    hookTimeout: 60_000,
  },
})
