import { CamError, errorClassMarker, hasErrorClassMarker, markErrorClass } from './cam-error.js'

const sendMarker = errorClassMarker('SendError')
const alertDeliveryMarker = errorClassMarker('AlertDeliveryError')
const inboxMarker = errorClassMarker('InboxError')

/**
 * How a failed send should be treated:
 * - `retryable`: nothing was sent; try again later.
 * - `permanent`: nothing was sent and retrying cannot help.
 * - `in_doubt`: the connection broke after the message was handed over (e.g. SMTP after
 *   the final `.` of DATA, before the server's answer): it may have gone out. A sender
 *   that is not idempotent says so instead of `retryable`; CAM never resends such an
 *   email by itself — it is held `in_doubt` for a human (`client.resolveInDoubtEmail`).
 */
export type SendErrorKind = 'retryable' | 'permanent' | 'in_doubt'

/**
 * Who a failed send is about:
 * - `email` (default): this email or its recipient.
 * - `mailbox`: the sending identity itself (authentication refused for good, account
 *   disabled): CAM pauses that mailbox alone, alerts once and gives the email back to be
 *   sent later (from the same mailbox for a follow-up, from another one for a first touch).
 */
export type SendErrorScope = 'email' | 'mailbox'

/**
 * The recipient was refused by the receiving server during the send (SMTP `RCPT TO`):
 * the same finding as a bounce report, known at once. `hard` (5.1.x: no such user) suppresses
 * the address; `block` (5.7.x: policy, reputation) counts against the sending mailbox's health.
 */
export interface SendRefusal {
  type: 'hard' | 'block'
  /** The server's reply, e.g. `550 5.1.1 <lee@prospect.example>: user unknown`. */
  diagnosticCode: string
}

/**
 * Thrown by a {@link Sender} adapter when a send failed.
 *
 * - `retryable`: nothing was sent (or the provider deduplicates by idempotency key);
 *   try again later, not before `retryAfterMs` when given.
 * - `permanent`: retrying cannot help (invalid recipient, rejected payload, bad API key…);
 *   the email is marked failed and a human has to look.
 */
export class SendError extends CamError {
  readonly kind: SendErrorKind
  /** Minimum wait before a retry, in milliseconds, when the provider said so. */
  readonly retryAfterMs: number | undefined
  /** Provider-specific error name, e.g. `rate_limit_exceeded`. */
  readonly providerCode: string | undefined
  /** Field of the email the provider rejected, when it said which. */
  readonly field: string | undefined
  /** Whether the email or the sending mailbox is at fault (default `email`). */
  readonly scope: SendErrorScope
  /** Set when the receiving server refused the recipient during the send (a bounce known at once). */
  readonly refusal: SendRefusal | undefined

  constructor(
    kind: SendErrorKind,
    message: string,
    options: { retryAfterMs?: number; providerCode?: string; field?: string; scope?: SendErrorScope; refusal?: SendRefusal; cause?: unknown } = {},
  ) {
    super(kind === 'retryable' ? 'SEND_RETRYABLE' : kind === 'permanent' ? 'SEND_PERMANENT' : 'SEND_IN_DOUBT', message, { cause: options.cause })
    markErrorClass(this, sendMarker)
    this.name = 'SendError'
    this.kind = kind
    this.retryAfterMs = options.retryAfterMs
    this.providerCode = options.providerCode
    this.field = options.field
    this.scope = options.scope ?? 'email'
    this.refusal = options.refusal
  }

  /** True when `error` is a {@link SendError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is SendError {
    return hasErrorClassMarker(error, sendMarker)
  }

  /** Convenience: a retryable error. */
  static retryable(message: string, options: { retryAfterMs?: number; providerCode?: string; cause?: unknown } = {}): SendError {
    return new SendError('retryable', message, options)
  }

  /** Convenience: the email may have been sent (the answer was lost). */
  static inDoubt(message: string, options: { providerCode?: string; cause?: unknown } = {}): SendError {
    return new SendError('in_doubt', message, options)
  }

  /** Convenience: a permanent error. */
  static permanent(message: string, options: { providerCode?: string; field?: string; scope?: SendErrorScope; refusal?: SendRefusal; cause?: unknown } = {}): SendError {
    return new SendError('permanent', message, options)
  }
}

/**
 * Thrown by an {@link AlertChannel} that could not deliver. Delivery is retried with
 * backoff; `retryAfterMs` (e.g. from a 429 `Retry-After`) sets the earliest retry.
 */
export class AlertDeliveryError extends CamError {
  readonly retryAfterMs: number | undefined
  /** True when retrying cannot help (bad webhook URL, revoked token). Still retried, but slowly, and reported loudly. */
  readonly permanent: boolean

  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean; cause?: unknown } = {}) {
    super('ALERT_FAILED', message, { cause: options.cause })
    markErrorClass(this, alertDeliveryMarker)
    this.name = 'AlertDeliveryError'
    this.retryAfterMs = options.retryAfterMs
    this.permanent = options.permanent ?? false
  }

  /** True when `error` is an {@link AlertDeliveryError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is AlertDeliveryError {
    return hasErrorClassMarker(error, alertDeliveryMarker)
  }
}

/**
 * Thrown by an {@link Inbox} adapter. `permanent` failures (wrong password, revoked
 * token, missing mailbox) are not retried quickly: hammering a server with bad
 * credentials gets accounts locked.
 */
export class InboxError extends CamError {
  readonly permanent: boolean

  constructor(message: string, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(options.permanent ? 'INBOX_AUTH_FAILED' : 'INBOX_FAILED', message, { cause: options.cause })
    markErrorClass(this, inboxMarker)
    this.name = 'InboxError'
    this.permanent = options.permanent ?? false
  }

  /** True when `error` is an {@link InboxError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is InboxError {
    return hasErrorClassMarker(error, inboxMarker)
  }
}
