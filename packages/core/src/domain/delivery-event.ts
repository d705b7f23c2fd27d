import type { BounceType } from './classification.js'
import type { LeadState } from './lead.js'

/**
 * What a provider reports about an email it sent — the same findings a DSN or an ARF
 * report brings over IMAP, through the provider's own channel (e.g. Resend's webhooks):
 *
 * - `delivered`: the receiving server accepted it.
 * - `delayed`: delivery is being retried by the provider (a temporary failure so far).
 * - `bounced`: the receiving server rejected it (`bounce.type`: hard, soft or block).
 * - `complained`: the recipient marked it as spam (feedback loop).
 * - `suppressed`: the provider did not send it because the address is on its own
 *   suppression list (an earlier bounce or complaint on the provider's account).
 * - `failed`: the provider could not send it at all (its own error, e.g. a quota).
 */
export type DeliveryEventType = 'delivered' | 'delayed' | 'bounced' | 'complained' | 'suppressed' | 'failed'

/** Every delivery event type. */
export const deliveryEventTypes: readonly DeliveryEventType[] = ['delivered', 'delayed', 'bounced', 'complained', 'suppressed', 'failed']

/** Details of a bounce a provider reported. */
export interface DeliveryBounce {
  /** hard: the address does not exist (suppressed); soft: temporary (retried); block: refused by policy (spam, reputation). */
  type: BounceType
  /** The provider's explanation, one line. */
  reason: string | null
  /** SMTP diagnostic (`550 5.1.1 …`) when the provider gives it. */
  diagnosticCode: string | null
}

/**
 * A delivery event as a provider adapter hands it to `client.recordDeliveryEvent`.
 * Which email: the provider's id as the sender stored it (`OutboundEmail.providerId`),
 * or the Message-ID (ours, or the one the provider used).
 */
export interface DeliveryEventInput {
  /** The provider's id of this event (Svix `svix-id` for Resend): an event is applied once. */
  id: string
  /** Provider name, e.g. `resend`; event ids are unique per provider. */
  provider: string
  type: DeliveryEventType
  /** Which email: at least one of the two. */
  email: { providerId?: string | undefined; messageId?: string | undefined }
  /** The recipient the event is about, when the provider says. */
  recipient?: string | undefined
  /** Required when `type` is `bounced`. */
  bounce?: { type: BounceType; reason?: string | undefined; diagnosticCode?: string | undefined } | undefined
  /** The provider's explanation for `suppressed`, `failed` or `delayed`. */
  reason?: string | undefined
  /** When it happened, as the provider says. */
  occurredAt: Date
}

/** A delivery event as stored: the email it was matched to, text cleaned. */
export interface DeliveryEvent {
  /** The provider's event id. */
  id: string
  provider: string
  type: DeliveryEventType
  /** The outbound email (`OutboundEmail.id`). */
  emailId: string
  campaignId: string
  leadId: string
  /** Normalised recipient address, when the provider said. */
  recipient: string | null
  bounce: DeliveryBounce | null
  reason: string | null
  occurredAt: Date
  /** When CAM recorded it. */
  recordedAt: Date
}

/**
 * What a delivery event, a DSN or an ARF report found about one outbound email. Each
 * kind counts once per email, whichever way it arrives first.
 */
export type EmailFindingKind = 'delivered' | 'delayed' | 'bounced' | 'soft_bounced' | 'complained' | 'suppressed' | 'failed'

/** Findings after which an email has its final delivery outcome (a reconcile stops asking about it). */
export const finalFindingKinds: readonly EmailFindingKind[] = ['delivered', 'bounced', 'complained', 'suppressed', 'failed']

/** Result of `client.recordDeliveryEvent`. */
export interface DeliveryEventResult {
  /**
   * - `applied`: recorded, its effects applied (or found already applied by another report of the same finding: see `counted`).
   * - `duplicate`: this event id was recorded before; nothing changed.
   * - `unknown_email`: no email CAM sent matches it; acknowledged and ignored.
   */
  status: 'applied' | 'duplicate' | 'unknown_email'
  emailId: string | null
  leadId: string | null
  campaignId: string | null
  /** False when the finding was already known for this email (a DSN, an earlier event): no counter moved. */
  counted: boolean
  /** The lead's transition, when the event moved it (e.g. `active` → `bounced`). */
  transition: { from: LeadState; to: LeadState } | null
  /** The address suppressed because of it, when it was. */
  suppressed: string | null
}
