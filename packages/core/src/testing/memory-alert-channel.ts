import type { Alert } from '../domain/alert.js'
import { AlertDeliveryError } from '../errors/send-error.js'
import type { AlertChannelV1, AlertDeliveryOptions } from '../ports/alert-channel-v1.js'

/** One delivered alert. */
export interface DeliveredAlert {
  alert: Alert
  idempotencyKey: string
}

/** An {@link AlertChannelV1} that records alerts in memory, with outage simulation. */
export interface MemoryAlertChannel extends AlertChannelV1 {
  /** Distinct alerts delivered (repeats of an idempotency key are dropped, like a deduplicating service). */
  readonly delivered: readonly DeliveredAlert[]
  /** Every call to `deliver`, including failures and repeats. */
  readonly attempts: number
  /** While down, every delivery throws (retryable). */
  setDown(down: boolean, retryAfterMs?: number): void
  /**
   * Makes the next `count` deliveries throw an `AlertDeliveryError`, with
   * `retryAfterMs` (a simulated rate limit) or `permanent` when given.
   */
  failNext(count: number, options?: { retryAfterMs?: number; permanent?: boolean }): void
}

/** Creates an in-memory alert channel named `name` (default `memory`). */
export function createMemoryAlertChannel(options: { name?: string } = {}): MemoryAlertChannel {
  const delivered: DeliveredAlert[] = []
  const keys = new Set<string>()
  let attempts = 0
  let down = false
  let downRetryAfter: number | undefined
  const failures: Array<{ retryAfterMs?: number; permanent?: boolean }> = []
  return {
    name: options.name ?? 'memory',
    get delivered() {
      return delivered
    },
    get attempts() {
      return attempts
    },
    setDown(value: boolean, retryAfterMs?: number) {
      down = value
      downRetryAfter = retryAfterMs
    },
    failNext(count: number, failureOptions: { retryAfterMs?: number; permanent?: boolean } = {}) {
      for (let i = 0; i < count; i++) failures.push(failureOptions)
    },
    async deliver(alert: Alert, deliveryOptions: AlertDeliveryOptions) {
      attempts++
      if (down) throw new AlertDeliveryError('channel is down (simulated outage)', downRetryAfter === undefined ? {} : { retryAfterMs: downRetryAfter })
      const failure = failures.shift()
      if (failure) throw new AlertDeliveryError('injected failure', failure)
      if (keys.has(deliveryOptions.idempotencyKey)) return
      keys.add(deliveryOptions.idempotencyKey)
      delivered.push({ alert: structuredClone(alert), idempotencyKey: deliveryOptions.idempotencyKey })
    },
  }
}
