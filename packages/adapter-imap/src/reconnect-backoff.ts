/** Exponential backoff settings. */
export interface BackoffSettings {
  initialDelayMs: number
  maxDelayMs: number
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential growth capped at
 * `maxDelayMs`, with "equal jitter" (half fixed, half random) so many workers that lost the
 * same server do not reconnect in lockstep, yet never retry immediately. The jitter stays
 * inside the cap: the delay is never above `maxDelayMs`, so a server that comes back is
 * tried again within `maxDelayMs` however long it was gone.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Waits `ms` milliseconds. Rejects with the signal's reason as soon as `signal` aborts; the
 * timer is cleared either way (no stray timers keep the process alive).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
