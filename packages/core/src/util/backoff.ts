/** Exponential backoff with ±20% jitter: `base × 2^(attempt-1)`, capped at `max`. */
export function backoffMs(attempt: number, options: { baseMs: number; maxMs: number; random?: () => number }): number {
  const random = options.random ?? Math.random
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exponential * (0.8 + random() * 0.4))
}
