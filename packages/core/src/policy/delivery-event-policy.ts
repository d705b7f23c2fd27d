import type { Campaign } from '../domain/campaign.js'
import type { BounceDetails, BounceReason, ClassificationResult } from '../domain/classification.js'
import { bounceReasonFor, statusFromText } from '../classifier/classify-bounce.js'
import { bounceTypeOf } from '../classifier/bounce-reason.js'
import type { BounceAction } from './bounce-actions.js'
import type { DeliveryBounce, DeliveryEventType } from '../domain/delivery-event.js'
import type { Lead, LeadState } from '../domain/lead.js'
import type { MetricCounts } from '../domain/metrics.js'
import type { SuppressionReason } from '../domain/suppression.js'
import type { EmailFinding } from '../ports/store-v1.js'
import { decideFollowUp } from './follow-up-policy.js'

/** What a delivery event does to the email's lead and counters. */
export interface DeliveryEventDecision {
  /** Counted once per email and kind. */
  finding: Omit<EmailFinding, 'emailId'>
  transition?: { from: LeadState; to: LeadState; reason: string }
  cancelPendingEmails: boolean
  suppression?: SuppressionReason
  /** For a bounce: what it was, as read from the provider's report (reason, status, diagnostic). */
  bounce?: BounceDetails
}

/**
 * The one policy for delivery findings, whichever door they come through. Bounces and
 * complaints are decided by {@link decideFollowUp} exactly as a DSN or an ARF report over
 * IMAP is, so a webhook and a report in the mailbox have the same effects:
 *
 * | event       | lead becomes | sequence | suppression | counters (once per email)           |
 * |-------------|--------------|----------|-------------|-------------------------------------|
 * | delivered   | (unchanged)  |          |             | delivered (not after a bounce)      |
 * | delayed     | (unchanged)  | retried by the provider |  | delayed                          |
 * | bounced     | by the bounce reason's action (`suppress`, `stop`, `retry`), as for a DSN | | | hard: bounced, hardBounced; block: bounced, blocked (delivered −1); soft: softBounced |
 * | complained  | unsubscribed | stops    | complaint   | complained                          |
 * | suppressed  | bounced      | stops    | hard_bounce | providerSuppressed                  |
 * | failed      | (unchanged)  |          |             | failed                              |
 */
export function decideDeliveryEvent(input: {
  type: DeliveryEventType
  bounce: DeliveryBounce | null
  reason: string | null
  provider: string
  lead: Lead
  campaign: Campaign
  now: Date
  /** Action per bounce reason (missing reasons take `defaultBounceActions`). */
  bounceActions?: Readonly<Partial<Record<BounceReason, BounceAction>>>
}): DeliveryEventDecision {
  const { type, lead, campaign, now } = input
  switch (type) {
    case 'delivered':
      return { finding: { kind: 'delivered', metrics: { delivered: 1 }, unlessKinds: ['bounced', 'suppressed'] }, cancelPendingEmails: false }
    case 'delayed':
      return { finding: { kind: 'delayed', metrics: { delayed: 1 } }, cancelPendingEmails: false }
    case 'failed':
      return { finding: { kind: 'failed', metrics: { failed: 1 } }, cancelPendingEmails: false }
    case 'bounced':
    case 'complained':
    case 'suppressed': {
      const classification = findingClassification({ ...input, type })
      const followUp = decideFollowUp({
        classification,
        lead,
        campaign,
        now,
        // Bounces and complaints are never alerted (as over IMAP by default); no reply was read.
        settings: { outOfOfficeDefaultDays: 0, alertCategories: [], minConfidence: 0, ...(input.bounceActions ? { bounceActions: input.bounceActions } : {}) },
      })
      const decision: DeliveryEventDecision = { finding: findingOf(type, classification, followUp.metrics), cancelPendingEmails: followUp.cancelPendingEmails }
      if (followUp.transition) decision.transition = { from: followUp.transition.from, to: followUp.transition.to, reason: followUp.transition.reason }
      if (followUp.suppression) decision.suppression = followUp.suppression
      if (type === 'bounced' && classification.bounce) decision.bounce = classification.bounce
      return decision
    }
  }
}

/** The finding kind and counters of a bounce or complaint, as {@link decideFollowUp} counted it. */
export function bounceOrComplaintFinding(classification: ClassificationResult, metrics: Partial<MetricCounts>): Omit<EmailFinding, 'emailId'> | null {
  if (classification.category === 'complaint') return { kind: 'complained', metrics }
  if (classification.category !== 'bounce') return null
  if (classification.bounce?.type === 'soft') return { kind: 'soft_bounced', metrics }
  return { kind: 'bounced', metrics, amends: { kind: 'delivered', metrics: { delivered: -1 } } }
}

function findingOf(type: 'bounced' | 'complained' | 'suppressed', classification: ClassificationResult, metrics: Partial<MetricCounts>): Omit<EmailFinding, 'emailId'> {
  if (type === 'suppressed') return { kind: 'suppressed', metrics: { providerSuppressed: 1 } }
  return bounceOrComplaintFinding(classification, metrics)!
}

/** The classification a DSN or ARF report with the same finding would have had. */
function findingClassification(input: { type: 'bounced' | 'complained' | 'suppressed'; bounce: DeliveryBounce | null; reason: string | null; provider: string; lead: Lead }): ClassificationResult {
  const { provider, lead } = input
  if (input.type === 'complained') {
    return { category: 'complaint', confidence: 1, reason: `${provider} reported a spam complaint` }
  }
  if (input.type === 'suppressed') {
    const why = input.reason ? `: ${input.reason}` : ''
    return {
      category: 'bounce',
      confidence: 1,
      reason: `${provider} did not send it: the address is on its suppression list${why}`,
      // The provider refuses the address for good; why, it does not say.
      bounce: { type: 'hard', reason: 'undefined', status: null, diagnostic: input.reason, recipient: lead.emailNormalized },
    }
  }
  const bounce = input.bounce ?? { type: 'hard', reason: null, diagnosticCode: null }
  const detail = [bounce.diagnosticCode, bounce.reason].filter(Boolean).join(' — ')
  // The reason is read from the provider's diagnostic as from a DSN's; when it names no
  // cause, the provider's own verdict (hard/soft/block) is kept with reason `undefined`.
  const status = bounce.diagnosticCode !== null ? statusFromText(bounce.diagnosticCode) : null
  const read = bounceReasonFor({ status, diagnostic: bounce.diagnosticCode, notice: bounce.reason ?? '', delayed: false })
  const known = read.reason !== 'undefined' && read.reason !== 'on_hold'
  const type = known ? bounceTypeOf(read.reason, { delayed: false, temporary: status?.startsWith('4') === true || bounce.type === 'soft' }) : bounce.type
  return {
    category: 'bounce',
    confidence: 1,
    reason: `${provider} reported a ${bounce.type} bounce${detail ? `: ${detail}` : ''}${known ? ` (${read.reason.replace(/_/g, ' ')}: ${type})` : ''}`,
    bounce: { type, reason: known ? read.reason : 'undefined', status, diagnostic: bounce.diagnosticCode ?? bounce.reason, recipient: lead.emailNormalized },
  }
}
