/**
 * `@cam/core/testing`: in-memory adapters, a manual clock and the adapter
 * conformance suites. Import in tests and examples, never in production code.
 *
 * @packageDocumentation
 */
export type { ConformanceTestApi } from './conformance/test-api.js'
export { createManualClock, type ManualClock } from './manual-clock.js'
