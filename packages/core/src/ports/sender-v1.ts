/** A mailbox with optional display name. */
export interface Mailbox {
  email: string
  name?: string
}

/** A fully rendered email, ready for a provider. */
export interface OutgoingEmail {
  from: Mailbox
  to: Mailbox
  replyTo?: string
  subject: string
  text: string
  html?: string
  /** Our Message-ID with angle brackets; set it as the `Message-ID` header when the provider allows. */
  messageId: string
  /** Previous email of the thread (follow-ups). */
  inReplyTo?: string
  /** Earlier emails of the thread, oldest first. */
  references: string[]
  /**
   * Extra headers to set verbatim, e.g. `List-Unsubscribe` and
   * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
   */
  headers: Record<string, string>
  /** Identifiers for provider-side tagging and logs. */
  tags: { campaignId: string; leadId: string; emailId: string; stepIndex: number }
}

/** What a provider answered. */
export interface SendResult {
  /** The provider's id for the email (e.g. Resend's `id`). */
  providerId?: string
  /** The Message-ID the provider actually used, when it replaced ours. */
  messageId?: string
}

/** Options of one send. */
export interface SendOptions {
  /**
   * Stable per outbound email: the same key on every attempt. An idempotent sender
   * passes it to the provider so a repeated attempt cannot send twice.
   */
  idempotencyKey: string
  signal?: AbortSignal
}

/**
 * Port: sends one email.
 *
 * Contract (checked by `describeSenderConformance`):
 * - Failures throw `SendError` — `retryable` (with `retryAfterMs` when known) or
 *   `permanent`. Anything else thrown is treated as retryable.
 * - A sender that declares `idempotent: true` guarantees that two sends with the same
 *   `idempotencyKey` deliver one email; CAM then retries in-doubt sends after a crash.
 *   A sender that is not idempotent must only throw when nothing was sent; in-doubt
 *   emails are set aside for a human instead of being resent.
 */
export interface SenderV1 {
  /** Name for logs and events, e.g. `resend`. */
  readonly name: string
  /** Whether repeating a send with the same idempotency key is safe. */
  readonly idempotent: boolean
  /**
   * How long the provider remembers an idempotency key (Resend: 24 hours). An
   * interrupted send older than this is set aside as `in_doubt` instead of being
   * retried, because the provider would no longer recognise the key. Omit when keys
   * never expire.
   */
  readonly idempotencyWindowMs?: number
  send(email: OutgoingEmail, options: SendOptions): Promise<SendResult>
  /** Frees connections (e.g. an SMTP pool's idle ones); the worker calls it on stop. A later send reconnects. */
  close?(): Promise<void>
}
