/** Wait after a 429 that carried no `Retry-After`: one minute. */
export const defaultRateLimitPauseMs = 60_000
/** Longest wait honoured after a 429, whatever `Retry-After` says: one hour. */
export const longestRateLimitPauseMs = 60 * 60_000

/** Why no call may be made now. */
export type BudgetRefusal = { kind: 'daily_cap'; day: string; cap: number } | { kind: 'rate_limited'; until: Date }

/**
 * The model calls this classifier may still make: at most `dailyCallCap` per UTC day of the
 * classification time (counted in memory, from 0 at each new day), and none while a provider's
 * 429 asked us to wait. Times come from the classification context, so a simulated clock
 * drives the budget as it drives the worker.
 */
export class ModelCallBudget {
  #day = ''
  #calls = 0
  #pausedUntil = 0

  constructor(private readonly dailyCallCap: number) {}

  /**
   * Takes one call from today's budget, or says why none may be made. Synchronous, so
   * concurrent classifications cannot overrun the cap.
   */
  take(now: Date): BudgetRefusal | null {
    if (now.getTime() < this.#pausedUntil) return { kind: 'rate_limited', until: new Date(this.#pausedUntil) }
    const day = now.toISOString().slice(0, 10)
    if (day !== this.#day) {
      this.#day = day
      this.#calls = 0
    }
    if (this.#calls >= this.dailyCallCap) return { kind: 'daily_cap', day, cap: this.dailyCallCap }
    this.#calls++
    return null
  }

  /** After a 429: no call until `retryAfterMs` (default one minute, at most one hour) from `now`. Returns the end of the pause. */
  pause(now: Date, retryAfterMs: number | undefined): Date {
    const wait = Math.min(retryAfterMs ?? defaultRateLimitPauseMs, longestRateLimitPauseMs)
    this.#pausedUntil = Math.max(this.#pausedUntil, now.getTime() + wait)
    return new Date(this.#pausedUntil)
  }
}
