import { backoffDelay } from '@cam/core/adapter-kit'

/** Exponential backoff settings. */
export interface BackoffSettings {
  initialDelayMs: number
  maxDelayMs: number
}

/**
 * Delay before reconnect attempt `attempt` (0-based): the kit's exponential backoff with
 * "equal jitter" (half fixed, half random) so many workers that lost the same server do not
 * reconnect in lockstep, yet never retry immediately. The jitter stays inside the cap: the
 * delay is never above `maxDelayMs`, so a server that comes back is tried again within
 * `maxDelayMs` however long it was gone.
 */
export function reconnectDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  return backoffDelay(attempt + 1, { baseMs: settings.initialDelayMs, maxMs: settings.maxDelayMs, jitter: 'equal', random })
}
