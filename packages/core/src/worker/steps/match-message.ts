import type { Campaign } from '../../domain/campaign.js'
import { normalizeEmail } from '../../domain/email-address.js'
import type { Lead } from '../../domain/lead.js'
import type { OutboundEmail } from '../../domain/outbound-email.js'
import type { ParsedMessage } from '../../mime/parsed-message.js'
import type { StoreV1 } from '../../ports/store-v1.js'

/** How a message was tied to a lead. */
export type MatchMethod = 'message-id' | 'envelope-id' | 'bounce-recipient' | 'sender-address'

/** Result of matching an inbound message to one of our leads. */
export interface MessageMatch {
  lead: Lead | null
  campaign: Campaign | null
  outbound: OutboundEmail | null
  method: MatchMethod | null
  /** Why nothing matched, for the record. */
  reason: string | null
}

/**
 * Finds the lead a message is about: first by our Message-ID in `In-Reply-To`,
 * `References` or the returned message of a bounce/complaint; then, for a delivery status
 * report, by its `Original-Envelope-Id` (the email id a sender that requests DSNs, such as
 * the SMTP sender, passes as ENVID); then, for bounces and complaints, by the failed
 * recipient; then by the sender address (case-insensitive).
 */
export async function matchMessage(store: StoreV1, message: ParsedMessage): Promise<MessageMatch> {
  const ids = [message.inReplyTo, ...[...message.references].reverse(), message.originalMessageId].filter(
    (id): id is string => typeof id === 'string' && id.length > 0,
  )
  if (ids.length > 0) {
    const emails = await store.findEmailsByMessageIds([...new Set(ids)])
    const outbound = emails.sort((a, b) => b.stepIndex - a.stepIndex)[0]
    if (outbound) {
      const lead = await store.getLead(outbound.leadId)
      if (lead) return { lead, campaign: await store.getCampaign(lead.campaignId), outbound, method: 'message-id', reason: null }
    }
  }

  // RFC 3461: a report of a message sent with ENVID=<our email id> carries it back.
  const envelopeId = message.deliveryStatus?.fields['original-envelope-id']?.trim()
  if (envelopeId) {
    const outbound = await store.getEmail(envelopeId)
    const lead = outbound ? await store.getLead(outbound.leadId) : null
    if (outbound && lead) return { lead, campaign: await store.getCampaign(lead.campaignId), outbound, method: 'envelope-id', reason: null }
  }

  const recipients = [
    ...(message.deliveryStatus?.recipients.map((r) => r.finalRecipient ?? r.originalRecipient) ?? []),
    ...(message.feedbackReport?.originalRcptTo ?? []),
  ].filter((address): address is string => typeof address === 'string' && address.includes('@'))
  for (const address of recipients) {
    const [lead] = await store.findLeadsByEmail(normalizeEmail(address))
    if (lead) return { lead, campaign: await store.getCampaign(lead.campaignId), outbound: null, method: 'bounce-recipient', reason: null }
  }

  const from = message.from?.address ? normalizeEmail(message.from.address) : null
  if (from && !message.automation.fromMailerDaemon) {
    const [lead] = await store.findLeadsByEmail(from)
    if (lead) return { lead, campaign: await store.getCampaign(lead.campaignId), outbound: null, method: 'sender-address', reason: null }
  }
  return {
    lead: null,
    campaign: null,
    outbound: null,
    method: null,
    reason: from ? `no lead with address ${from} and no known Message-ID in the thread` : 'no sender address and no known Message-ID in the thread',
  }
}
