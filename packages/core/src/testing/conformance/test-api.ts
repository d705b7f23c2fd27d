import type { StoreV1 } from '../../ports/store-v1.js'
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

/**
 * Declares tests that each get a fresh subject from `create()` and always release it
 * with `close()`, even when the test fails — the pattern every conformance suite uses.
 */
export function subjectTests<S>(
  api: ConformanceTestApi,
  options: { create: () => Promise<S>; close?: (subject: S) => Promise<void> | void; timeoutMs?: number },
): (name: string, body: (subject: S) => Promise<void>) => void {
  return (name, body) =>
    api.it(
      name,
      async () => {
        const subject = await options.create()
        try {
          await body(subject)
        } finally {
          await options.close?.(subject)
        }
      },
      options.timeoutMs,
    )
}

/** Runs `body` with a store of the suite's factory, always releasing it (the Store suite's test wrapper). */
export type WithStore = (body: (store: StoreV1) => Promise<void>) => () => Promise<void>
