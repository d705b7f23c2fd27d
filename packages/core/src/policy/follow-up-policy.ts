import type { Campaign } from '../domain/campaign.js'
import type { BounceReason, ClassificationResult, ReplyCategory } from '../domain/classification.js'
import { openLeadStates, sendableLeadStates, type Lead, type LeadState } from '../domain/lead.js'
import type { MetricCounts } from '../domain/metrics.js'
import type { SuppressionReason } from '../domain/suppression.js'
import { bounceActionFor, type BounceAction } from './bounce-actions.js'

/** Lead states of someone still in (or just past) the sequence who has not answered yet. */
const notYetReplied: readonly LeadState[] = [...openLeadStates, 'no_reply', 'failed']

/** Categories whose replies page a human unless configured otherwise (worker `alertCategories`, client options). */
export const defaultAlertCategories: readonly ReplyCategory[] = ['positive', 'question', 'referral']

/** Settings the policy reads. */
export interface FollowUpPolicySettings {
  outOfOfficeDefaultDays: number
  alertCategories: readonly ReplyCategory[]
  minConfidence: number
  /** Action per bounce reason (missing reasons take `defaultBounceActions`). */
  bounceActions?: Readonly<Partial<Record<BounceReason, BounceAction>>>
}

/** What should happen to a lead after a classified message. */
export interface FollowUpDecision {
  /** The category acted upon (low-confidence answers become `unknown`). */
  category: ReplyCategory
  transition?: { from: LeadState; to: LeadState; reason: string; resumeAt?: Date | null; replyDeadlineAt?: Date | null }
  cancelPendingEmails: boolean
  /** Out of office: the lead's queued email waits until then (at least). */
  resumeAt?: Date
  suppression?: SuppressionReason
  /** Page a human. */
  alert: boolean
  metrics: Partial<MetricCounts>
}

const day = 86_400_000

/**
 * The follow-up policy: what each category does to a lead. Pure — the process step
 * applies the decision atomically through the store.
 *
 * | category      | lead becomes     | sequence | suppression | alert (default) |
 * |---------------|------------------|----------|-------------|-----------------|
 * | positive      | interested       | stops    |             | yes             |
 * | question      | replied          | stops    |             | yes             |
 * | referral      | replied          | stops    |             | yes             |
 * | negative      | not_interested   | stops    |             |                 |
 * | unsubscribe   | unsubscribed     | stops    | unsubscribe |                 |
 * | out_of_office | paused           | resumes after the return date (default +7 days) | | |
 * | auto_reply    | (unchanged)      |          |             |                 |
 * | bounce: action `suppress` (default: user unknown, host unknown, has moved, not accepted) | bounced | stops | hard_bounce | |
 * | bounce: action `stop` | bounced      | stops    |             |                 |
 * | bounce: action `retry` (default for every other reason, always for a delay) | (unchanged) | goes on | | |
 *
 * Bounce counters follow the type, whatever the action: hard → `bounced` + `hardBounced`,
 * block → `bounced` + `blocked` (the sender's health), soft → `softBounced`.
 * | complaint     | unsubscribed     | stops    | complaint   |                 |
 * | unknown       | replied          | stops    |             |                 |
 */
export function decideFollowUp(input: {
  classification: ClassificationResult
  lead: Lead
  campaign: Campaign
  now: Date
  settings: FollowUpPolicySettings
}): FollowUpDecision {
  const { classification, lead, campaign, now, settings } = input
  const confident = classification.confidence >= settings.minConfidence
  const category: ReplyCategory = confident ? classification.category : 'unknown'
  const reason = confident ? `${category}: ${classification.reason}` : `unsure (${classification.category} at ${classification.confidence.toFixed(2)}): ${classification.reason}`
  const state = lead.state
  const firstReply = notYetReplied.includes(state)
  const decision: FollowUpDecision = {
    category,
    cancelPendingEmails: false,
    alert: settings.alertCategories.includes(category),
    metrics: {},
  }
  const moveTo = (to: LeadState) => {
    if (to === state) return
    decision.transition = { from: state, to, reason }
    if (!sendableLeadStates.includes(to)) decision.cancelPendingEmails = true
  }
  const humanReply = (to: LeadState, allowedFrom: (s: LeadState) => boolean) => {
    if (firstReply) decision.metrics.replied = 1
    if (allowedFrom(state)) moveTo(to)
  }

  switch (category) {
    case 'positive':
      humanReply('interested', (s) => s !== 'unsubscribed' && s !== 'bounced')
      if (decision.transition) decision.metrics.positive = 1
      break
    case 'question':
    case 'referral':
    case 'unknown':
      humanReply('replied', (s) => notYetReplied.includes(s))
      break
    case 'negative':
      humanReply('not_interested', (s) => s !== 'unsubscribed' && s !== 'bounced')
      if (decision.transition) decision.metrics.negative = 1
      break
    case 'unsubscribe':
      humanReply('unsubscribed', () => true)
      if (decision.transition) decision.metrics.unsubscribed = 1
      decision.suppression = 'unsubscribe'
      break
    case 'complaint':
      decision.metrics.complained = 1
      if (state !== 'unsubscribed') moveTo('unsubscribed')
      decision.suppression = 'complaint'
      break
    case 'out_of_office': {
      decision.metrics.outOfOffice = 1
      const returnDate = classification.returnDate
      const resumeAt = returnDate && returnDate.getTime() > now.getTime() ? returnDate : new Date(now.getTime() + settings.outOfOfficeDefaultDays * day)
      if (sendableLeadStates.includes(state)) {
        decision.transition = { from: state, to: 'paused', reason, resumeAt }
        decision.resumeAt = resumeAt
      } else if (state === 'completed') {
        decision.transition = { from: state, to: 'paused', reason, resumeAt, replyDeadlineAt: new Date(resumeAt.getTime() + campaign.noReplyTimeoutDays * day) }
      }
      break
    }
    case 'auto_reply':
      decision.metrics.autoReplies = 1
      break
    case 'bounce': {
      const bounce = classification.bounce ?? { type: 'soft', reason: 'undefined', status: null, diagnostic: null, recipient: null }
      if (bounce.type === 'soft') {
        decision.metrics.softBounced = 1
      } else {
        decision.metrics.bounced = 1
        if (bounce.type === 'hard') decision.metrics.hardBounced = 1
        else decision.metrics.blocked = 1
      }
      const action = bounceActionFor(bounce, settings.bounceActions)
      if (action === 'retry') break
      if (action === 'suppress') decision.suppression = 'hard_bounce'
      if (notYetReplied.includes(state)) moveTo('bounced')
      break
    }
  }
  return decision
}
