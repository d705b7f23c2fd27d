import type { BounceReason, BounceType, ReplyCategory } from './classification.js'
import type { AlertKind } from './alert.js'
import type { LeadState } from './lead.js'

/**
 * The types of {@link CamEvent}: what CAM tells external systems (outbound webhooks).
 * Dotted `noun.verb` names, as the Standard Webhooks specification recommends
 * (hierarchical, full-stop delimited, `[a-z0-9_]` identifiers).
 *
 * - `reply.classified`: a reply (or a report) was read and classified.
 * - `lead.state_changed`: a lead moved because of a reply, a delivery event or the no-reply timeout.
 * - `campaign.paused` / `campaign.resumed`: by a rule (bounce or complaint rate), by a person, or for lack of a mailbox.
 * - `alert.raised`: a human alert was created (positive reply, paused campaign or mailbox).
 * - `email.sent`: an email of a sequence went out.
 * - `email.bounced`: an email bounced (a bounce report in the mailbox, or the provider said so).
 */
export type CamEventType = 'reply.classified' | 'lead.state_changed' | 'campaign.paused' | 'campaign.resumed' | 'alert.raised' | 'email.sent' | 'email.bounced'

/** Every {@link CamEventType}. */
export const camEventTypes: readonly CamEventType[] = ['reply.classified', 'lead.state_changed', 'campaign.paused', 'campaign.resumed', 'alert.raised', 'email.sent', 'email.bounced']

/** The payload version of every event type today. A change that is not additive gets a new version. */
export const camEventVersion = 1

/** Longest reply excerpt a `reply.classified` event carries, in UTF-16 code units (payloads stay well under 20 kB). */
export const camEventExcerptLimit = 2000

/** Data of a `reply.classified` event. Text fields hold the sender's words verbatim (attacker-controlled: escape them). */
export interface ReplyClassifiedData {
  /** The stored message (`InboundMessage.id`). */
  messageId: string
  /** Its `Message-ID` header, when it had one. */
  headerMessageId: string | null
  /** The outbound email it answers, when matched. */
  emailId: string | null
  /** The lead's address, when matched. */
  leadEmail: string | null
  /** The sender's address. */
  from: string | null
  /** Subject of the reply, one line. */
  subject: string | null
  category: ReplyCategory
  /** 0…1. */
  confidence: number
  /** Why, in words (the classifier's reason). */
  reason: string
  /** Which classifier decided, when known. */
  classifier: string | null
  /** The new text of the reply (quoted history removed), at most {@link camEventExcerptLimit} characters (cut ones end with `…`). */
  excerpt: string | null
}

/** Data of a `lead.state_changed` event. */
export interface LeadStateChangedData {
  /** The lead's address as added. */
  leadEmail: string
  /** Its state before. */
  from: LeadState
  /** Its state now. */
  to: LeadState
  /** Why, in words (the reply's classification, the bounce, the timeout). */
  reason: string
}

/** Data of a `campaign.paused` or `campaign.resumed` event. */
export interface CampaignStatusData {
  /** The campaign's name. */
  campaignName: string
  /** Why (the rule that paused it, a person's reason), or null. */
  reason: string | null
}

/** Data of an `alert.raised` event. */
export interface AlertRaisedData {
  /** The stored alert (`Alert.id`). */
  alertId: string
  /** What it is about (`reply`, `campaign_paused`, `mailbox_paused`, …). */
  kind: AlertKind
  /** Its one-line summary (attacker-controlled parts verbatim: escape them). */
  title: string
  /** Reply category, for `reply` alerts. */
  category: ReplyCategory | null
}

/** Data of an `email.sent` event. */
export interface EmailSentData {
  /** The outbound email (`OutboundEmail.id`). */
  emailId: string
  /** Index of the sequence step (0 = first email). */
  stepIndex: number
  /** The recipient's address. */
  to: string
  /** Message-ID of the email (the provider's when it set its own). */
  messageId: string
  /** The provider's id of the email, when it gave one. */
  providerId: string | null
  /** The pool mailbox it went out from (null: the worker's single sender). */
  mailbox: string | null
}

/** Data of an `email.bounced` event. */
export interface EmailBouncedData {
  /** The outbound email that bounced (`OutboundEmail.id`). */
  emailId: string
  /** `hard` (the address will never work), `soft` (temporary) or `block` (the message or sender was refused). */
  bounceType: BounceType
  /** Why it bounced (see `BounceReason`), `undefined` when nothing more specific was found. */
  reason: BounceReason
  /** Enhanced status (`5.1.1`) or SMTP code, when known. */
  status: string | null
  /** The receiving server's diagnostic (or the provider's explanation), one line. */
  diagnostic: string | null
  /** `report`: a bounce report (DSN) read from the mailbox; `provider`: the sending provider's event (or the server's refusal during the send). */
  source: 'report' | 'provider'
  /** The provider's name for `provider` bounces (`resend`, `smtp`), null for reports. */
  provider: string | null
}

/** The data of each event type. */
export interface CamEventDataMap {
  /** A reply (or report) was classified. */
  'reply.classified': ReplyClassifiedData
  /** A lead moved. */
  'lead.state_changed': LeadStateChangedData
  /** A campaign was paused. */
  'campaign.paused': CampaignStatusData
  /** A paused campaign was resumed. */
  'campaign.resumed': CampaignStatusData
  /** A human alert was created. */
  'alert.raised': AlertRaisedData
  /** An email went out. */
  'email.sent': EmailSentData
  /** An email bounced. */
  'email.bounced': EmailBouncedData
}

/** An event of one type. */
export interface CamEventOf<T extends CamEventType> {
  /** Assigned by the store when the event is recorded (`evt_…`), never reused; the `webhook-id` of every delivery of it. */
  id: string
  /** What happened. */
  type: T
  /** Payload version ({@link camEventVersion}). */
  version: 1
  /** When it happened (the worker's clock). */
  occurredAt: Date
  /** The campaign it is about, when any. */
  campaignId: string | null
  /** The lead it is about, when any (one lead's events reach each endpoint in order). */
  leadId: string | null
  /** The typed fields of `type`. */
  data: CamEventDataMap[T]
}

/**
 * Something that happened in CAM that external systems may want to know about,
 * recorded in the store together with the state change that caused it (an outbox) and
 * delivered to the webhook endpoints that subscribe to its type. A union over
 * {@link CamEventType}: narrow on `type`.
 */
export type CamEvent = { [T in CamEventType]: CamEventOf<T> }[CamEventType]

/** An event to record: the store assigns its `id`. */
export type NewCamEvent = { [T in CamEventType]: Omit<CamEventOf<T>, 'id'> }[CamEventType]
