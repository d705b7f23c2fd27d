import type { NewAlert } from '../domain/alert.js'
import type { Campaign } from '../domain/campaign.js'
import type { ClassificationResult, ReplyCategory } from '../domain/classification.js'
import type { Lead } from '../domain/lead.js'
import { toSingleLine } from '../domain/plain-text.js'
import type { ParsedMessage } from '../mime/parsed-message.js'

const categoryLabels: Record<ReplyCategory, string> = {
  positive: 'Positive reply',
  question: 'Question',
  referral: 'Referral',
  negative: 'Negative reply',
  unsubscribe: 'Unsubscribe request',
  out_of_office: 'Out of office',
  auto_reply: 'Automatic reply',
  bounce: 'Bounce',
  complaint: 'Spam complaint',
  unknown: 'Reply',
}

/** Longest reply excerpt kept in an alert (channels cut further to their own limits). */
const excerptLimit = 4000

/**
 * The alert for a reply that pages a human — from the process step, or from a person's
 * reclassification (`client.overrideReplyClassification`). Text fields are verbatim:
 * channels escape them for their format.
 */
export function buildReplyAlert(input: {
  parsed: ParsedMessage
  lead: Lead
  campaign: Campaign
  category: ReplyCategory
  classification: ClassificationResult
  messageId: string
}): NewAlert {
  const { parsed, lead, campaign, category, classification } = input
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ') || null
  const who = `${name ?? lead.email}${lead.company ? ` (${lead.company})` : ''}`
  const excerpt = parsed.replyText.trim() || parsed.text.trim()
  const referral = classification.referralEmail && !classification.reason.includes(classification.referralEmail) ? ` — referred to ${classification.referralEmail}` : ''
  return {
    kind: 'reply',
    title: `${categoryLabels[category]} from ${who}`,
    campaignId: campaign.id,
    campaignName: campaign.name,
    leadId: lead.id,
    leadEmail: lead.email,
    leadName: name,
    category,
    subject: toSingleLine(parsed.subject) || null,
    // Cut between code points: half an emoji would be a lone surrogate.
    excerpt: excerpt.length > excerptLimit ? `${excerpt.slice(0, /[\ud800-\udbff]/.test(excerpt.charAt(excerptLimit - 1)) ? excerptLimit - 1 : excerptLimit)}…` : excerpt,
    reason: `${classification.reason}${referral}`,
    messageId: input.messageId,
  }
}
