import type { Clock } from '../util/clock.js'

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): Date
  /** Jumps to `date` (may go backwards, for tests of clock skew). */
  set(date: Date): void
}

/** Creates a {@link ManualClock} starting at `start` (default 2026-01-05T08:00:00Z, a Monday). */
export function createManualClock(start: Date = new Date('2026-01-05T08:00:00Z')): ManualClock {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms): expected a finite number ≥ 0, got ${ms}`)
      current += ms
      return new Date(current)
    },
    set(date: Date) {
      current = date.getTime()
    },
  }
}
