import type { ReplyCategory } from './classification.js'

/** What an alert is about. */
export type AlertKind = 'reply' | 'campaign_paused' | 'mailbox_paused' | 'email_in_doubt'

/**
 * A human alert. Created together with the event that caused it, then delivered to
 * every configured channel exactly once (see {@link AlertDelivery}).
 *
 * All text fields hold attacker-controlled content verbatim (reply text, subject,
 * names); channels must escape them for their format.
 */
export interface Alert {
  id: string
  kind: AlertKind
  /** One-line summary, e.g. `Positive reply from Ana Silva (Acme)`. */
  title: string
  campaignId: string | null
  campaignName: string | null
  leadId: string | null
  leadEmail: string | null
  leadName: string | null
  /** Reply category, for `reply` alerts. */
  category: ReplyCategory | null
  /** Subject of the reply. */
  subject: string | null
  /** The prospect's new text (quoted history removed), possibly long. */
  excerpt: string | null
  /** Why it happened (classifier reason, rule that paused the campaign…). */
  reason: string | null
  /** Inbound message that triggered it. */
  messageId: string | null
  createdAt: Date
}

/**
 * Input for creating an alert: the store assigns `createdAt`, and `id` unless one is given
 * (core gives one when an `alert.raised` event recorded with the alert names it).
 */
export type NewAlert = Omit<Alert, 'id' | 'createdAt'> & { id?: string }

/** Delivery of one alert to one channel. */
export interface AlertDelivery {
  id: string
  alertId: string
  /** `AlertChannel.name`. */
  channel: string
  status: 'pending' | 'delivering' | 'delivered'
  attempts: number
  /** Earliest time of the next attempt. */
  nextAttemptAt: Date
  lastError: string | null
  deliveredAt: Date | null
  claimedBy: string | null
  claimExpiresAt: Date | null
}
