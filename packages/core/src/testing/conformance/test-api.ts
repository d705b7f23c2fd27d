/**
 * The subset of a test runner the conformance suites need. Pass vitest's (or
 * jest's, or mocha's) functions:
 *
 * ```ts
 * import { describe, it, beforeEach, afterEach } from 'vitest'
 * describeStoreConformance({ describe, it, beforeEach, afterEach }, { name: 'my store', create })
 * ```
 *
 * Suites assert with `node:assert/strict`, so they work with any runner.
 */
export interface ConformanceTestApi {
  describe: (name: string, body: () => void) => void
  it: (name: string, body: () => Promise<void> | void, timeoutMs?: number) => void
  beforeEach?: (body: () => Promise<void> | void) => void
  afterEach?: (body: () => Promise<void> | void) => void
}
