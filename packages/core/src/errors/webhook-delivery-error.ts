import { CamError, errorClassMarker, hasErrorClassMarker, markErrorClass } from './cam-error.js'

const webhookDeliveryMarker = errorClassMarker('WebhookDeliveryError')

/**
 * One failed attempt to deliver a webhook: the endpoint answered something other than
 * 2xx, timed out, or could not be reached. Reported in `webhook:failed` and kept (its
 * message) as the delivery's `lastError`. The message never holds the secret or the
 * payload, only the status and a short, single-line excerpt of the answer.
 */
export class WebhookDeliveryError extends CamError {
  /** The HTTP status, or null when there was no answer (timeout, network error). */
  readonly status: number | null
  /** The wait the endpoint asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: { status?: number | null; retryAfterMs?: number | undefined; cause?: unknown } = {}) {
    super('WEBHOOK_FAILED', message, { cause: options.cause })
    markErrorClass(this, webhookDeliveryMarker)
    this.name = 'WebhookDeliveryError'
    this.status = options.status ?? null
    this.retryAfterMs = options.retryAfterMs
  }

  /** True when `error` is a {@link WebhookDeliveryError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is WebhookDeliveryError {
    return hasErrorClassMarker(error, webhookDeliveryMarker)
  }
}
