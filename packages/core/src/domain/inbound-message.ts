import type { ClassificationResult } from './classification.js'

/** Processing status of a stored message. */
export type InboundMessageStatus = 'pending' | 'processed' | 'quarantined'

/** A raw message fetched from an inbox and stored. */
export interface InboundMessage {
  id: string
  /** Name of the inbox it came from (`Inbox.name`). */
  inbox: string
  /** Unique key of the message inside its inbox, e.g. `INBOX:1700000000:42` (mailbox, UIDVALIDITY, UID). */
  sourceKey: string
  /** Message-ID header (normalised, with angle brackets), when present. */
  messageId: string | null
  /** The raw RFC 822 bytes (possibly only the headers when `truncated`). */
  raw: Uint8Array
  /** True when the inbox stored only part of an oversized message. */
  truncated: boolean
  receivedAt: Date
  /**
   * `pending` until the process step handled it; `quarantined` when processing failed
   * `maxMessageAttempts` times (see `lastError`) — set aside, never blocking the others,
   * until a human retries it (`client.retryQuarantinedMessage`).
   */
  status: InboundMessageStatus
  /** Filled once processed. */
  processedAt: Date | null
  leadId: string | null
  campaignId: string | null
  /** Outbound email the message answers (matched by Message-ID), when found. */
  outboundEmailId: string | null
  classification: ClassificationResult | null
  /** Why it could not be matched or parsed, when that happened. */
  note: string | null
  /** Times the message was claimed for processing. */
  attempts: number
  /**
   * Failed processing attempts since it was stored or last retried by a human: errors
   * caused by the message (not outages of the store) and claims that expired before an
   * outcome (the worker crashed or stalled while processing it).
   */
  failures: number
  /** Why the last processing attempt failed, null when none did. */
  lastError: string | null
  claimedBy: string | null
  claimExpiresAt: Date | null
}
