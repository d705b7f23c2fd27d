import type { NewAlert } from '../../domain/alert.js'
import type { ClassificationResult, ReplyCategory } from '../../domain/classification.js'
import type { InboundMessage } from '../../domain/inbound-message.js'
import { CamError, errorMessage } from '../../errors/cam-error.js'
import { parseRawMessage } from '../../mime/parse-raw-message.js'
import type { ParsedMessage } from '../../mime/parsed-message.js'
import { decideFollowUp } from '../../policy/follow-up-policy.js'
import type { MessageOutcome } from '../../ports/store-v1.js'
import { nextSendWindowStart } from '../../schedule/send-window.js'
import { backoffMs } from '../../util/backoff.js'
import type { StepContext, WorkerStep } from '../step.js'
import { runHook, type WorkerRuntime } from '../worker-runtime.js'
import { matchMessage, type MessageMatch } from './match-message.js'

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
 * Step 3 — process: matches each stored message to a lead, extracts the new reply
 * text, classifies it and applies the follow-up policy — classification, lead
 * transition, suppression, alert and counters in one atomic store call. Claims
 * messages, so several workers may run it.
 */
export function createProcessStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'process',
    async run(context) {
      const counts = { processed: 0, matched: 0, unmatched: 0, alerts: 0, errors: 0 }
      const maxPerCycle = runtime.config.processBatchSize * 10
      while (counts.processed + counts.errors < maxPerCycle && !context.signal.aborted) {
        const batch = await context.store.claimPendingMessages({
          now: context.clock.now(),
          workerId: context.workerId,
          limit: runtime.config.processBatchSize,
          claimTtlMs: runtime.config.claimTtlMs,
        })
        for (const message of batch) {
          try {
            const result = await processOne(runtime, context, message)
            counts.processed++
            if (result.matched) counts.matched++
            else counts.unmatched++
            if (result.alert) counts.alerts++
          } catch (error) {
            counts.errors++
            runtime.logger.warn('message processing failed; retrying later', { messageId: message.id, error: errorMessage(error) })
            const retryAt = new Date(context.clock.now().getTime() + backoffMs(message.attempts, { baseMs: 30_000, maxMs: 3_600_000 }))
            await context.store.releaseMessage({ messageId: message.id, workerId: context.workerId, error: errorMessage(error), retryAt })
            // The store itself failing is not about this message: stop the step.
            if (CamError.isInstance(error, 'STORE_FAILED')) throw error
          }
        }
        if (batch.length < runtime.config.processBatchSize) break
      }
      return counts
    },
  }
}

async function classify(runtime: WorkerRuntime, context: StepContext, parsed: ParsedMessage, match: MessageMatch): Promise<ClassificationResult> {
  const classification = await runtime.classifier.classify(parsed, {
    lead: match.lead,
    campaign: match.campaign,
    outboundEmail: match.outbound,
    now: context.now,
  })
  const hook = runtime.hooks.classification
  if (!hook) return classification
  const { value } = await runHook(runtime, 'classification', () => hook({ message: parsed, classification, lead: match.lead, campaign: match.campaign }), undefined)
  return value ?? classification
}

async function processOne(runtime: WorkerRuntime, context: StepContext, message: InboundMessage): Promise<{ matched: boolean; alert: boolean }> {
  const parsed = await parseRawMessage(message.raw)
  let match = await matchMessage(context.store, parsed)
  const classification = await classify(runtime, context, parsed, match)
  runtime.emit('reply:classified', { messageId: message.id, campaignId: match.campaign?.id ?? null, leadId: match.lead?.id ?? null, classification })

  const base = {
    messageId: message.id,
    workerId: context.workerId,
    now: context.clock.now(),
    classification,
    note: message.truncated ? 'message truncated by the inbox (size limit)' : null,
  }
  if (!match.lead || !match.campaign) {
    await context.store.recordMessageOutcome({ ...base, leadId: null, campaignId: null, outboundEmailId: null, note: match.reason })
    runtime.emit('message:unmatched', { messageId: message.id, from: parsed.from?.address ?? null, reason: match.reason ?? 'unmatched' })
    return { matched: false, alert: false }
  }

  const campaign = match.campaign
  // A conflict means the lead changed between reading and writing (another reply, a
  // send): read it again and decide again, once.
  for (let attempt = 1; ; attempt++) {
    const outcome = await buildOutcome(runtime, context, parsed, match, classification, base)
    try {
      await context.store.recordMessageOutcome(outcome)
    } catch (error) {
      if (attempt < 2 && CamError.isInstance(error, 'CONFLICT') && outcome.leadTransition) {
        const lead = await context.store.getLead(outcome.leadTransition.leadId)
        if (lead) {
          match = { ...match, lead }
          continue
        }
      }
      throw error
    }
    if (outcome.leadTransition) {
      runtime.emit('lead:transitioned', {
        leadId: outcome.leadTransition.leadId,
        campaignId: campaign.id,
        from: outcome.leadTransition.from,
        to: outcome.leadTransition.to,
        reason: outcome.leadTransition.reason,
      })
    }
    return { matched: true, alert: outcome.alert !== undefined }
  }
}

async function buildOutcome(
  runtime: WorkerRuntime,
  context: StepContext,
  parsed: ParsedMessage,
  match: MessageMatch,
  classification: ClassificationResult,
  base: Pick<MessageOutcome, 'messageId' | 'workerId' | 'now' | 'classification' | 'note'>,
): Promise<MessageOutcome> {
  const lead = match.lead!
  const campaign = match.campaign!
  const decision = decideFollowUp({
    classification,
    lead,
    campaign,
    now: base.now,
    settings: { outOfOfficeDefaultDays: runtime.config.outOfOfficeDefaultDays, alertCategories: runtime.config.alertCategories, minConfidence: runtime.config.minConfidence },
  })
  const outcome: MessageOutcome = {
    ...base,
    leadId: lead.id,
    campaignId: campaign.id,
    outboundEmailId: match.outbound?.id ?? null,
    cancelPendingEmails: decision.cancelPendingEmails,
    metrics: decision.metrics,
  }
  if (decision.transition) outcome.leadTransition = { leadId: lead.id, ...decision.transition }
  if (decision.resumeAt) {
    // Never pull a follow-up earlier than planned; land inside the send window.
    const [pending] = await context.store.listEmails({ leadId: lead.id, statuses: ['queued'] })
    const target = pending && pending.scheduledAt > decision.resumeAt ? pending.scheduledAt : decision.resumeAt
    outcome.reschedulePendingEmailTo = nextSendWindowStart(target, campaign.schedule, lead.timezone ?? campaign.schedule.timezone)
  }
  if (decision.suppression) outcome.suppression = { email: lead.emailNormalized, reason: decision.suppression, source: `message ${base.messageId}` }
  const channels = runtime.alertChannels.map((channel) => channel.name)
  if (decision.alert && runtime.config.alertsEnabled && channels.length > 0) {
    outcome.alert = { alert: buildReplyAlert(parsed, match, decision.category, classification, base.messageId), channels }
  }
  return outcome
}

function buildReplyAlert(parsed: ParsedMessage, match: MessageMatch, category: ReplyCategory, classification: ClassificationResult, messageId: string): NewAlert {
  const lead = match.lead!
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ') || null
  const who = `${name ?? lead.email}${lead.company ? ` (${lead.company})` : ''}`
  const excerpt = parsed.replyText.trim() || parsed.text.trim()
  const referral = classification.referralEmail && !classification.reason.includes(classification.referralEmail) ? ` — referred to ${classification.referralEmail}` : ''
  return {
    kind: 'reply',
    title: `${categoryLabels[category]} from ${who}`,
    campaignId: match.campaign?.id ?? null,
    campaignName: match.campaign?.name ?? null,
    leadId: lead.id,
    leadEmail: lead.email,
    leadName: name,
    category,
    subject: parsed.subject || null,
    excerpt: excerpt.length > excerptLimit ? `${excerpt.slice(0, excerptLimit)}…` : excerpt,
    reason: `${classification.reason}${referral}`,
    messageId,
  }
}
