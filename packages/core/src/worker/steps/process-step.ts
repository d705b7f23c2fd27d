import type { ClassificationResult } from '../../domain/classification.js'
import type { InboundMessage } from '../../domain/inbound-message.js'
import { AdapterError } from '../../errors/adapter-error.js'
import { CamError, errorMessage } from '../../errors/cam-error.js'
import { parseRawMessage } from '../../mime/parse-raw-message.js'
import type { ParsedMessage } from '../../mime/parsed-message.js'
import { bounceOrComplaintFinding } from '../../policy/delivery-event-policy.js'
import { decideFollowUp } from '../../policy/follow-up-policy.js'
import { buildReplyAlert } from '../../policy/reply-alert.js'
import type { MessageOutcome } from '../../ports/store-v1.js'
import { nextSendWindowStart } from '../../schedule/send-window.js'
import { backoffMs } from '../../util/backoff.js'
import type { StepContext, WorkerStep } from '../step.js'
import { runHook, type WorkerRuntime } from '../worker-runtime.js'
import { randomUUID } from 'node:crypto'
import { wantsEvent } from '../subscribed-events.js'
import { replyOutcomeEvents } from './reply-events.js'
import { cleanClassification } from './clean-classification.js'
import { matchMessage, type MessageMatch } from './match-message.js'

/** Batches of `processBatchSize` messages per cycle at most, so a backlog leaves room for the other steps. */
const maxBatchesPerCycle = 10
/** A lead that changed while its reply was decided is read again and decided once more, not more. */
const decisionsPerMessage = 2

/**
 * Step 3 — process: matches each stored message to a lead, extracts the new reply
 * text, classifies it and applies the follow-up policy — classification, lead
 * transition, suppression, alert and counters in one atomic store call. Claims
 * messages, so several workers may run it.
 *
 * Each message is on its own: one that fails is retried with backoff and, after
 * `maxMessageAttempts` failures, quarantined, while the rest of the batch goes on. A
 * store outage (a transient store failure) is nobody's fault: the message and the rest
 * of the batch are given back at once, uncounted, and the step reports the error.
 */
export function createProcessStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'process',
    async run(context) {
      const counts = { processed: 0, matched: 0, unmatched: 0, alerts: 0, errors: 0, quarantined: 0 }
      const maxPerCycle = runtime.config.processBatchSize * maxBatchesPerCycle
      while (counts.processed + counts.errors < maxPerCycle && !context.signal.aborted) {
        const batch = await context.store.claimPendingMessages({
          now: context.clock.now(),
          workerId: context.workerId,
          limit: runtime.config.processBatchSize,
          claimTtlMs: runtime.config.claimTtlMs,
        })
        for (let index = 0; index < batch.length; index++) {
          const message = batch[index]!
          if (context.signal.aborted) {
            await giveBack(runtime, context, batch.slice(index))
            return counts
          }
          if (message.failures >= runtime.config.maxMessageAttempts) {
            // Its processing never finished that many times: the worker crashed or stalled on it.
            counts.errors++
            await failMessage(runtime, context, message, new CamError('STEP_FAILED', `processing did not finish ${message.failures} times (the worker crashed or stalled while processing it)`), counts, {
              alreadyCounted: true,
            })
            continue
          }
          try {
            const result = await processOne(runtime, context, message)
            counts.processed++
            if (result.matched) counts.matched++
            else counts.unmatched++
            if (result.alert) counts.alerts++
          } catch (error) {
            counts.errors++
            if (AdapterError.isTransient(error)) {
              // The store is unavailable, not this message at fault: give the batch back.
              await giveBack(runtime, context, batch.slice(index))
              throw error
            }
            await failMessage(runtime, context, message, error, counts)
          }
        }
        if (batch.length < runtime.config.processBatchSize) break
      }
      return counts
    },
  }
}

/**
 * Records a failure the message is to blame for: a retry with backoff, or quarantine
 * after `maxMessageAttempts`. A claim another worker took over meanwhile is left to it.
 */
async function failMessage(
  runtime: WorkerRuntime,
  context: StepContext,
  message: InboundMessage,
  error: unknown,
  counts: { quarantined: number },
  options: { alreadyCounted?: boolean } = {},
): Promise<void> {
  const failures = options.alreadyCounted ? message.failures : message.failures + 1
  const reason = errorMessage(error)
  const quarantine = failures >= runtime.config.maxMessageAttempts
  const now = context.clock.now()
  const retryAt = quarantine ? null : new Date(now.getTime() + backoffMs(failures, { baseMs: runtime.config.messageRetryBaseMs, maxMs: runtime.config.messageRetryMaxMs }))
  try {
    if (retryAt) await context.store.releaseMessage({ messageId: message.id, workerId: context.workerId, error: reason, retryAt })
    else await context.store.quarantineMessage({ messageId: message.id, workerId: context.workerId, now, error: reason, countFailure: !options.alreadyCounted })
  } catch (recordError) {
    if (CamError.isInstance(recordError, 'CONFLICT')) {
      runtime.logger.warn('a message claim was taken over by another worker; leaving the message to it', { messageId: message.id })
      return
    }
    throw recordError
  }
  if (quarantine) counts.quarantined++
  runtime.logger.warn(quarantine ? 'message quarantined after repeated failures' : 'message processing failed; retrying later', {
    messageId: message.id,
    failures,
    error: reason,
  })
  runtime.emit('message:failed', { messageId: message.id, failures, error, quarantined: quarantine, retryAt })
}

/** Gives claimed messages back for an immediate retry, not counted as their failures. */
async function giveBack(runtime: WorkerRuntime, context: StepContext, messages: InboundMessage[]): Promise<void> {
  for (const message of messages) {
    try {
      await context.store.releaseMessage({ messageId: message.id, workerId: context.workerId, retryAt: context.clock.now() })
    } catch (error) {
      // Left claimed: claimed again once the claim expires.
      runtime.logger.warn('could not give back a claimed message', { messageId: message.id, error: errorMessage(error) })
    }
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
  if (!hook) return cleanClassification(classification)
  const { value } = await runHook(runtime, 'classification', () => hook({ message: parsed, classification, lead: match.lead, campaign: match.campaign }), undefined)
  return cleanClassification(value ?? classification)
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
    const unmatched: MessageOutcome = { ...base, leadId: null, campaignId: null, outboundEmailId: null, note: match.reason }
    await context.store.recordMessageOutcome({ ...unmatched, ...replyOutcomeEvents(runtime, { message, parsed, match, classification, outcome: unmatched }) })
    runtime.emit('message:unmatched', { messageId: message.id, from: parsed.from?.address ?? null, reason: match.reason ?? 'unmatched' })
    return { matched: false, alert: false }
  }

  const campaign = match.campaign
  // A conflict means the lead changed between reading and writing (another reply, a
  // send): read it again and decide again, once.
  for (let attempt = 1; ; attempt++) {
    const outcome = await buildOutcome(runtime, context, parsed, match, classification, base)
    Object.assign(outcome, replyOutcomeEvents(runtime, { message, parsed, match, classification, outcome }))
    try {
      await context.store.recordMessageOutcome(outcome)
    } catch (error) {
      if (attempt < decisionsPerMessage && CamError.isInstance(error, 'CONFLICT') && outcome.leadTransition) {
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
    settings: {
      outOfOfficeDefaultDays: runtime.config.outOfOfficeDefaultDays,
      alertCategories: runtime.config.alertCategories,
      minConfidence: runtime.config.minConfidence,
      ...(runtime.config.bounceActions ? { bounceActions: runtime.config.bounceActions } : {}),
    },
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
  // A bounce or complaint about a known email counts once per email, also when the
  // provider reports it too (a webhook, see `client.recordDeliveryEvent`).
  const finding = match.outbound ? bounceOrComplaintFinding({ ...classification, category: decision.category }, decision.metrics) : null
  if (finding && match.outbound) {
    outcome.finding = { emailId: match.outbound.id, ...finding }
    outcome.metrics = {}
  }
  if (decision.resumeAt) {
    // Never pull a follow-up earlier than planned; land inside the send window.
    const [pending] = await context.store.listEmails({ leadId: lead.id, statuses: ['queued'] })
    const target = pending && pending.scheduledAt > decision.resumeAt ? pending.scheduledAt : decision.resumeAt
    outcome.reschedulePendingEmailTo = nextSendWindowStart(target, campaign.schedule, lead.timezone ?? campaign.schedule.timezone)
  }
  if (decision.suppression) outcome.suppression = { email: lead.emailNormalized, reason: decision.suppression, source: `message ${base.messageId}` }
  const channels = runtime.alertChannels.map((channel) => channel.name)
  // Raised for the channels, or for webhook endpoints subscribed to `alert.raised` (under the id its event names).
  const raised = runtime.config.alertsEnabled && wantsEvent(runtime, 'alert.raised')
  if (decision.alert && runtime.config.alertsEnabled && (channels.length > 0 || raised)) {
    const alert = buildReplyAlert({ parsed, lead, campaign, category: decision.category, classification, messageId: base.messageId })
    outcome.alert = { alert: raised ? { ...alert, id: randomUUID() } : alert, channels }
  }
  return outcome
}
