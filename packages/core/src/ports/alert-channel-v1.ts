import type { Alert } from '../domain/alert.js'

/** Options of one delivery. */
export interface AlertDeliveryOptions {
  /** Stable per alert and channel: the same on every retry. Pass it on when the service dedupes. */
  idempotencyKey: string
  signal?: AbortSignal
}

/**
 * Port: delivers human alerts (Slack, email, a webhook…).
 *
 * Contract (checked by `describeAlertChannelConformance`):
 * - Resolves only once the service confirmed the alert; throw (preferably
 *   `AlertDeliveryError`, with `retryAfterMs` on rate limits) to ask for a retry.
 * - Escapes every text field of the alert for its own format: reply text, subject and
 *   names are attacker-controlled.
 */
export interface AlertChannelV1 {
  /** Unique name among the worker's channels; deliveries are tracked per name. */
  readonly name: string
  deliver(alert: Alert, options: AlertDeliveryOptions): Promise<void>
}
