/**
 * Source of "now". Every step takes time from an injected clock so tests and
 * simulations can jump days ahead.
 */
export interface Clock {
  now(): Date
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() }
