import { errorMessage } from '../../errors/cam-error.js'
import { SendError } from '../../errors/send-error.js'
import { ValidationError } from '../../errors/validation-error.js'
import type { ClaimDueEmailsResult, ClaimedEmail, LeadProgress } from '../../ports/store-v1.js'
import type { OutgoingEmail, SenderV1 } from '../../ports/sender-v1.js'
import { nextEmailDraft } from '../../schedule/outbound-email-draft.js'
import { isInsideSendWindow, localDayKey, nextSendWindowStart } from '../../schedule/send-window.js'
import { backoffMs } from '../../util/backoff.js'
import { runHook, type WorkerRuntime } from '../worker-runtime.js'
import type { StepContext, StepCounts, WorkerStep } from '../step.js'
import { composeEmail } from './compose-email.js'

const day = 86_400_000

interface SendCounts extends StepCounts {
  claimed: number
  sent: number
  failed: number
  retried: number
  deferred: number
  vetoed: number
  inDoubt: number
  cancelledSuppressed: number
}

/**
 * Step 1 — send: claims due emails (campaign active, inside the lead's send window,
 * under the daily cap, address not suppressed), renders, sends, records.
 * Runs on every worker at once: claims are exclusive.
 */
export function createSendStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'send',
    async run(context) {
      const counts: SendCounts = { claimed: 0, sent: 0, failed: 0, retried: 0, deferred: 0, vetoed: 0, inDoubt: 0, cancelledSuppressed: 0 }
      const sender = runtime.sender
      if (!sender) return counts
      const campaigns = await context.store.listCampaigns({ statuses: ['active'] })
      context.shared.activeCampaigns = campaigns
      if (campaigns.length === 0) return counts
      const caps = campaigns.map((c) => ({ campaignId: c.id, day: localDayKey(context.now, c.schedule.timezone), dailyCap: c.dailyCap }))
      let pauseUntil: Date | null = null
      const claim = (limit: number) => {
        const claiming = context.store
          .claimDueEmails({
            now: context.clock.now(),
            workerId: context.workerId,
            limit,
            claimTtlMs: runtime.config.claimTtlMs,
            senderIdempotent: sender.idempotent,
            ...(sender.idempotencyWindowMs !== undefined ? { senderIdempotencyWindowMs: sender.idempotencyWindowMs } : {}),
            caps,
          })
          .then((batch) => ({ limit, batch }))
        // Awaited later (after the current batch): until then, a failure must not count as unhandled.
        claiming.catch(() => undefined)
        return claiming
      }
      // While a batch is being sent, the next one is already being claimed (when the batch
      // was full, so more may be due): the claim's round trips overlap the sends instead
      // of leaving the sender idle between batches.
      let next: ReturnType<typeof claim> | null = context.signal.aborted ? null : claim(Math.min(runtime.config.sendBatchSize, runtime.config.maxSendsPerCycle))
      try {
        while (next) {
          const claiming = next
          next = null
          const { batch, limit } = await claiming
          for (const email of batch.inDoubt) {
            counts.inDoubt++
            runtime.emit('email:in_doubt', { emailId: email.id, campaignId: email.campaignId, leadId: email.leadId })
          }
          counts.cancelledSuppressed += batch.cancelledSuppressed.length
          counts.claimed += batch.claimed.length
          const room = runtime.config.maxSendsPerCycle - counts.claimed
          if (batch.claimed.length >= limit && room > 0 && !context.signal.aborted && pauseUntil === null) {
            next = claim(Math.min(runtime.config.sendBatchSize, room))
          }
          const queue = [...batch.claimed]
          const workers = Array.from({ length: Math.min(runtime.config.sendConcurrency, queue.length) }, async () => {
            for (let item = queue.shift(); item; item = queue.shift()) {
              if (pauseUntil !== null || context.signal.aborted) {
                // The provider asked us to slow down, or we are stopping: give the rest back.
                await context.store.deferEmail({ emailId: item.email.id, workerId: context.workerId, now: context.clock.now(), scheduledAt: pauseUntil ?? context.clock.now() })
                continue
              }
              const outcome = await sendOne(runtime, context, sender, item, counts)
              if (outcome.pauseUntil) pauseUntil = outcome.pauseUntil
            }
          })
          await Promise.all(workers)
        }
      } finally {
        // The batch failed while the next one was being claimed: give that one back
        // unsent, so that its emails wait for the next cycle instead of a claim expiry.
        if (next) await giveBack(runtime, context, next)
      }
      return counts
    },
  }
}

/** Defers every email of a batch claimed but not sent (the step is failing). */
async function giveBack(runtime: WorkerRuntime, context: StepContext, pending: Promise<{ batch: ClaimDueEmailsResult }>): Promise<void> {
  let claimed: ClaimedEmail[]
  try {
    claimed = (await pending).batch.claimed
  } catch (error) {
    // The claim failed as well, so it handed nothing out; the step reports the first failure.
    runtime.logger.warn('the next batch could not be claimed either', { error: errorMessage(error) })
    return
  }
  for (const item of claimed) {
    try {
      await context.store.deferEmail({ emailId: item.email.id, workerId: context.workerId, now: context.clock.now(), scheduledAt: context.clock.now() })
    } catch (error) {
      // Left claimed: recovered when the claim expires, like after a crash.
      runtime.logger.warn('could not give back a claimed email', { emailId: item.email.id, error: errorMessage(error) })
    }
  }
}


async function sendOne(
  runtime: WorkerRuntime,
  context: StepContext,
  sender: SenderV1,
  item: ClaimedEmail,
  counts: SendCounts,
): Promise<{ pauseUntil?: Date }> {
  const { email: outbound, lead, campaign } = item
  const now = context.clock.now()
  const timezone = lead.timezone ?? campaign.schedule.timezone
  if (!isInsideSendWindow(now, campaign.schedule, timezone)) {
    const scheduledAt = nextSendWindowStart(now, campaign.schedule, timezone)
    await context.store.deferEmail({ emailId: outbound.id, workerId: context.workerId, now, scheduledAt })
    counts.deferred++
    runtime.emit('email:deferred', { emailId: outbound.id, campaignId: campaign.id, leadId: lead.id, scheduledAt, reason: `outside the send window in ${timezone}` })
    return {}
  }

  let email: OutgoingEmail
  try {
    email = composeEmail(outbound, lead, campaign, runtime.config)
  } catch (error) {
    // A template variable went missing (campaign edited after the lead was added): a human must fix it.
    const permanent = ValidationError.isInstance(error)
    await recordFailure(runtime, context, item, error, permanent, counts)
    return {}
  }

  if (runtime.hooks.beforeSend) {
    const hook = runtime.hooks.beforeSend
    const { value, failed } = await runHook(runtime, 'beforeSend', () => hook({ email, outbound, lead, campaign }), undefined)
    if (failed) {
      await recordFailure(runtime, context, item, new Error('beforeSend hook failed'), false, counts)
      return {}
    }
    if (value && 'veto' in value) {
      counts.vetoed++
      runtime.emit('email:vetoed', { emailId: outbound.id, campaignId: campaign.id, leadId: lead.id, reason: value.veto })
      if (value.retryAt) {
        await context.store.deferEmail({ emailId: outbound.id, workerId: context.workerId, now, scheduledAt: value.retryAt })
      } else {
        await context.store.recordEmailFailed({ emailId: outbound.id, workerId: context.workerId, now, error: `vetoed by beforeSend: ${value.veto}`, retryAt: null })
      }
      return {}
    }
    if (value && 'email' in value) email = value.email
  }

  let result: Awaited<ReturnType<SenderV1['send']>>
  try {
    // No abort signal: a stop lets the send in flight finish, so it is never left in doubt.
    result = await sender.send(email, { idempotencyKey: outbound.idempotencyKey })
  } catch (error) {
    const sendError = SendError.isInstance(error) ? error : SendError.retryable(errorMessage(error), { cause: error })
    const retryAt = await recordFailure(runtime, context, item, sendError, sendError.kind === 'permanent', counts)
    return sendError.kind === 'retryable' && sendError.retryAfterMs !== undefined && retryAt ? { pauseUntil: retryAt } : {}
  }

  const sentAt = context.clock.now()
  const providerMessageId = result.messageId && result.messageId !== outbound.messageId ? result.messageId : null
  const next = nextEmailDraft(campaign, lead.timezone, { stepIndex: outbound.stepIndex, messageId: outbound.messageId, providerMessageId, references: outbound.references }, sentAt)
  const progress: LeadProgress = {
    state: next ? 'active' : 'completed',
    nextStepIndex: outbound.stepIndex + 1,
    lastSentAt: sentAt,
    replyDeadlineAt: next ? null : new Date(sentAt.getTime() + campaign.noReplyTimeoutDays * day),
    threadSubject: outbound.stepIndex === 0 ? email.subject : (lead.threadSubject ?? email.subject),
  }
  await context.store.recordEmailSent({
    emailId: outbound.id,
    workerId: context.workerId,
    sentAt,
    subject: email.subject,
    providerId: result.providerId ?? null,
    providerMessageId,
    lead: progress,
    next,
  })
  counts.sent++
  runtime.emit('email:sent', {
    emailId: outbound.id,
    campaignId: campaign.id,
    leadId: lead.id,
    stepIndex: outbound.stepIndex,
    to: lead.email,
    messageId: providerMessageId ?? outbound.messageId,
    providerId: result.providerId ?? null,
  })
  if (lead.state !== progress.state) {
    runtime.emit('lead:transitioned', { leadId: lead.id, campaignId: campaign.id, from: lead.state, to: progress.state, reason: `step ${outbound.stepIndex + 1} sent` })
  }
  return {}
}

/** Records a failed attempt: a retry with backoff, or a permanent failure after the last attempt. Returns the retry time. */
async function recordFailure(
  runtime: WorkerRuntime,
  context: StepContext,
  item: ClaimedEmail,
  error: unknown,
  permanent: boolean,
  counts: SendCounts,
): Promise<Date | null> {
  const { email: outbound, lead, campaign } = item
  const now = context.clock.now()
  const exhausted = outbound.attempts >= runtime.config.maxSendAttempts
  let retryAt: Date | null = null
  if (!permanent && !exhausted) {
    const retryAfter = SendError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0
    const delay = Math.max(retryAfter, backoffMs(outbound.attempts, { baseMs: runtime.config.sendRetryBaseMs, maxMs: runtime.config.sendRetryMaxMs }))
    retryAt = new Date(now.getTime() + delay)
  }
  const message = exhausted && !permanent ? `gave up after ${outbound.attempts} attempts: ${errorMessage(error)}` : errorMessage(error)
  await context.store.recordEmailFailed({ emailId: outbound.id, workerId: context.workerId, now, error: message, retryAt })
  if (retryAt) counts.retried++
  else counts.failed++
  runtime.emit('email:failed', { emailId: outbound.id, campaignId: campaign.id, leadId: lead.id, stepIndex: outbound.stepIndex, error, permanent: retryAt === null, retryAt })
  if (retryAt === null && lead.state !== 'failed') {
    runtime.emit('lead:transitioned', { leadId: lead.id, campaignId: campaign.id, from: lead.state, to: 'failed', reason: message })
  }
  return retryAt
}
