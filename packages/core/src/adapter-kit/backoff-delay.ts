import { backoffMs } from '../util/backoff.js'

/**
 * How a backoff delay is randomised, so that many clients that failed together do not all
 * retry at the same moment.
 *
 * - `proportional`: the exponential delay times a random factor from 0.8 to 1.2 (±20%), as the
 *   worker's own retries of sends, alerts and replies; can exceed `maxMs` by up to 20%.
 * - `equal`: half of the exponential delay fixed, the other half random; never above `maxMs`,
 *   never immediate. Use it when the ceiling is a promise (e.g. "reconnects within 10 s of the
 *   server's return").
 */
export type BackoffJitter = 'proportional' | 'equal'

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay before the first retry (attempt 1), before jitter, in milliseconds. */
  baseMs: number
  /** Ceiling of the exponential growth, in milliseconds. */
  maxMs: number
  /** How the delay is randomised (default `proportional`). */
  jitter?: BackoffJitter | undefined
  /** Source of randomness in [0, 1) (default `Math.random`); pass a fixed one in tests. */
  random?: (() => number) | undefined
}

/**
 * Exponential backoff with jitter: the delay before retry number `attempt` (1 for the first
 * retry), in milliseconds — `baseMs × 2^(attempt−1)`, capped at `maxMs`, then randomised as
 * `jitter` says.
 *
 * ```ts
 * const delayMs = backoffDelay(failures, { baseMs: 1_000, maxMs: 10_000, jitter: 'equal' })
 * await sleep(delayMs, { signal })
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random
  if (options.jitter !== 'equal') return backoffMs(attempt, { baseMs: options.baseMs, maxMs: options.maxMs, random })
  // The exponent is capped so a base of 0 never meets an infinite power (0 × ∞ is NaN).
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
