import { createHash } from 'node:crypto'
import { sleep } from '@cam/core/adapter-kit'

/**
 * Spaces requests out so one process stays under a requests-per-second budget, and
 * pauses everyone when the service says so (`Retry-After`, `ratelimit-remaining: 0`).
 */
export interface RequestRateLimiter {
  /** Resolves when the caller may send its request; rejects with the signal's reason when aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void>
  /** No request may start before `ms` milliseconds from now. */
  pauseFor(ms: number): void
}

/** Creates a limiter allowing `requestsPerSecond` request starts per second, evenly spaced. */
export function createRequestRateLimiter(requestsPerSecond: number): RequestRateLimiter {
  const intervalMs = 1000 / requestsPerSecond
  let nextStartAt = 0
  return {
    async acquire(signal) {
      const now = Date.now()
      const startAt = Math.max(now, nextStartAt)
      nextStartAt = startAt + intervalMs
      await sleep(startAt - now, { signal })
    },
    pauseFor(ms) {
      nextStartAt = Math.max(nextStartAt, Date.now() + ms)
    },
  }
}

const shared = new Map<string, { requestsPerSecond: number; limiter: RequestRateLimiter }>()

/**
 * The limiter shared by every sender and alert channel of this process that use the
 * same API key and base URL: Resend's limit is per team, not per client object.
 * The key is hashed so the map never holds it in clear.
 */
export function sharedRateLimiter(apiKey: string, baseUrl: string, requestsPerSecond: number): RequestRateLimiter {
  const id = createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex')
  const existing = shared.get(id)
  if (existing && existing.requestsPerSecond === requestsPerSecond) return existing.limiter
  const limiter = createRequestRateLimiter(requestsPerSecond)
  shared.set(id, { requestsPerSecond, limiter })
  return limiter
}
