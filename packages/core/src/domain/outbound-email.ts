/**
 * Status of one outbound email (one lead × one step).
 *
 * - `queued`: scheduled for `scheduledAt` (also after a retryable failure).
 * - `sending`: claimed by a worker until `claimExpiresAt`.
 * - `sent`: the sender accepted it.
 * - `failed`: permanently rejected or out of attempts; see `lastError`.
 * - `cancelled`: no longer needed (the lead replied, unsubscribed, bounced…).
 * - `in_doubt`: a worker died while sending through a sender that is not idempotent;
 *   it may or may not have gone out, so CAM will not resend it — a human decides
 *   (`client.resolveInDoubtEmail`).
 */
export type OutboundEmailStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'in_doubt'

/** One email of a sequence to one lead. */
export interface OutboundEmail {
  id: string
  campaignId: string
  leadId: string
  /** Index of the sequence step (0 = first touch). */
  stepIndex: number
  status: OutboundEmailStatus
  /** When it may be sent (inside the send schedule). */
  scheduledAt: Date
  /** Our own Message-ID (`<…@sender-domain>`), fixed when the email is scheduled. */
  messageId: string
  /** Id the provider returned (e.g. Resend's email id). */
  providerId: string | null
  /** The Message-ID the provider actually used, when it replaced ours. */
  providerMessageId: string | null
  /** Key sent with every attempt, so a provider can drop a repeated send. */
  idempotencyKey: string
  /** Message-ID this email replies to (previous step), for threading. */
  inReplyTo: string | null
  /** Message-IDs of all earlier emails of the thread. */
  references: string[]
  /** The pool mailbox it was sent (or attempted) from; null without a pool or before the attempt. */
  mailbox: string | null
  /** Rendered subject, recorded once sent. */
  subject: string | null
  /** Attempts started so far. */
  attempts: number
  lastError: string | null
  /** Worker holding the claim while `sending`. */
  claimedBy: string | null
  claimExpiresAt: Date | null
  sentAt: Date | null
  createdAt: Date
  updatedAt: Date
}
