import type { Alert, NewAlert } from '../domain/alert.js'
import { camEventExcerptLimit, type NewCamEvent } from '../domain/cam-event.js'
import type { Campaign } from '../domain/campaign.js'
import type { BounceDetails, ClassificationResult, ReplyCategory } from '../domain/classification.js'
import type { Lead, LeadState } from '../domain/lead.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import { toSingleLine } from '../domain/plain-text.js'

/**
 * The events CAM records for external systems, built next to the policies that decide
 * the state change (pure functions: the caller passes "now" and the facts; the store
 * records the event in the same transaction as the change). See `docs/webhooks.md` for
 * the payloads.
 */

/** Longest one-line text (reason, diagnostic, subject) an event carries. */
const maxLineLength = 1000

const line = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null
  const single = toSingleLine(value)
  return single ? cut(single, maxLineLength) : null
}

/** `text` cut to at most `limit` UTF-16 units, between code points, with `…` when cut. */
function cut(text: string, limit: number): string {
  if (text.length <= limit) return text
  const end = /[\ud800-\udbff]/.test(text.charAt(limit - 2)) ? limit - 2 : limit - 1
  return `${text.slice(0, end)}…`
}

/** `reply.classified`: a stored message was classified (matched to a lead or not). */
export function replyClassifiedEvent(input: {
  /** Stored message id and its Message-ID header. */
  message: { id: string; headerMessageId: string | null }
  from: string | null
  subject: string | null
  /** The new text of the reply (quoted history removed). */
  replyText: string | null
  lead: Lead | null
  campaign: Campaign | null
  outbound: OutboundEmail | null
  classification: ClassificationResult
  /** The category acted upon, when the policy lowered it (low confidence → `unknown`). */
  category?: ReplyCategory
  now: Date
}): NewCamEvent {
  const { classification } = input
  const text = input.replyText?.trim() ?? ''
  return {
    type: 'reply.classified',
    version: 1,
    occurredAt: input.now,
    campaignId: input.campaign?.id ?? null,
    leadId: input.lead?.id ?? null,
    data: {
      messageId: input.message.id,
      headerMessageId: input.message.headerMessageId,
      emailId: input.outbound?.id ?? null,
      leadEmail: input.lead?.email ?? null,
      from: line(input.from),
      subject: line(input.subject),
      category: input.category ?? classification.category,
      confidence: classification.confidence,
      reason: line(classification.reason) ?? '',
      classifier: classification.classifier ?? null,
      excerpt: text ? cut(text, camEventExcerptLimit) : null,
    },
  }
}

/** `lead.state_changed`: a lead moved (the transition the store applies with this event). */
export function leadStateChangedEvent(input: { lead: Lead; transition: { from: LeadState; to: LeadState; reason: string }; now: Date }): NewCamEvent {
  const { lead, transition } = input
  return {
    type: 'lead.state_changed',
    version: 1,
    occurredAt: input.now,
    campaignId: lead.campaignId,
    leadId: lead.id,
    data: { leadEmail: lead.email, from: transition.from, to: transition.to, reason: line(transition.reason) ?? '' },
  }
}

/** `campaign.paused` or `campaign.resumed`. */
export function campaignStatusEvent(type: 'campaign.paused' | 'campaign.resumed', campaign: Pick<Campaign, 'id' | 'name'>, reason: string | null, now: Date): NewCamEvent {
  return { type, version: 1, occurredAt: now, campaignId: campaign.id, leadId: null, data: { campaignName: campaign.name, reason: line(reason) } }
}

/** `alert.raised`: the alert must carry the id it is stored under. */
export function alertRaisedEvent(alert: (NewAlert & { id: string }) | Alert, now: Date): NewCamEvent {
  return {
    type: 'alert.raised',
    version: 1,
    occurredAt: now,
    campaignId: alert.campaignId,
    leadId: alert.leadId,
    data: { alertId: alert.id, kind: alert.kind, title: line(alert.title) ?? '', category: alert.category },
  }
}

/** `email.sent`: an email of a sequence went out (recorded with the send). */
export function emailSentEvent(input: {
  email: Pick<OutboundEmail, 'id' | 'campaignId' | 'leadId' | 'stepIndex'>
  to: string
  messageId: string
  providerId: string | null
  mailbox: string | null
  now: Date
}): NewCamEvent {
  return {
    type: 'email.sent',
    version: 1,
    occurredAt: input.now,
    campaignId: input.email.campaignId,
    leadId: input.email.leadId,
    data: { emailId: input.email.id, stepIndex: input.email.stepIndex, to: input.to, messageId: input.messageId, providerId: input.providerId, mailbox: input.mailbox },
  }
}

/** `email.bounced`: a bounce of an email CAM sent, from a report in the mailbox or from the provider. */
export function emailBouncedEvent(input: {
  email: Pick<OutboundEmail, 'id' | 'campaignId' | 'leadId'>
  bounce: Pick<BounceDetails, 'type' | 'reason' | 'status' | 'diagnostic'>
  source: 'report' | 'provider'
  provider: string | null
  now: Date
}): NewCamEvent {
  const { bounce } = input
  return {
    type: 'email.bounced',
    version: 1,
    occurredAt: input.now,
    campaignId: input.email.campaignId,
    leadId: input.email.leadId,
    data: {
      emailId: input.email.id,
      bounceType: bounce.type,
      reason: bounce.reason,
      status: line(bounce.status),
      diagnostic: line(bounce.diagnostic),
      source: input.source,
      provider: input.source === 'provider' ? input.provider : null,
    },
  }
}
