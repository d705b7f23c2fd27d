/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Stops the wait early: `sleep` then rejects with the signal's `reason`. */
  signal?: AbortSignal | undefined
}

/**
 * Waits `ms` milliseconds (0 or less: resolves at once). Rejects with `signal.reason` as
 * soon as the signal aborts, or at once when it already has; the timer is cleared either way,
 * so an aborted wait leaves nothing that keeps the process alive.
 *
 * ```ts
 * await sleep(retryAfterMs, { signal }) // a worker stopping ends the wait at once
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options
  if (signal?.aborted) return Promise.reject(signal.reason)
  if (!(ms > 0)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, Math.min(ms, 2_147_483_647))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
