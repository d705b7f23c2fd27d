import { CamError, errorMessage } from '../../errors/cam-error.js'
import { SendError } from '../../errors/send-error.js'
import { ValidationError } from '../../errors/validation-error.js'
import { ConflictError } from '../../errors/adapter-error.js'
import type { ClaimedEmail } from '../../ports/store-v1.js'
import type { OutgoingEmail, SenderV1 } from '../../ports/sender-v1.js'
import { progressAfterSend } from '../../sequence/lead-progress.js'
import { isInsideSendWindow, nextSendWindowStart } from '../../schedule/send-window.js'
import { backoffMs } from '../../util/backoff.js'
import type { StepCounts } from '../cycle-report.js'
import type { StepContext } from '../step.js'
import { runHook, type WorkerRuntime } from '../worker-runtime.js'
import { composeEmail } from './compose-email.js'
import type { Campaign } from '../../domain/campaign.js'
import { compileCampaignTemplates, type CompiledCampaignTemplates } from '../../templates/campaign-templates.js'
import type { MailboxPicker, PoolMailbox } from '../mailbox-pool.js'
import { pauseMailbox, recordRefusal } from './mailbox-actions.js'
import type { EmailClaimKeeper } from './email-claim-keeper.js'
import { recordDurably } from './record-durably.js'
import type { SentEmailRecorder } from './sent-email-recorder.js'
import { emailSentEvent } from '../../policy/cam-event-builders.js'
import { wantsEvent } from '../subscribed-events.js'

/** What the send step counts. */
export interface SendCounts extends StepCounts {
  claimed: number
  sent: number
  failed: number
  retried: number
  deferred: number
  vetoed: number
  inDoubt: number
  cancelledSuppressed: number
  /** Claims another worker took over (expired while this one held them): left to that worker. */
  lost: number
}

/** Emails of one campaign and timezone put off until their send window opens. */
export interface WindowDeferral {
  campaignName: string
  timezone: string
  /** The earliest opening among them. */
  opensAt: Date
  emails: number
}

/** Emails put off because no mailbox of the pool could send them now, by reason. */
export interface MailboxDeferral {
  emails: number
  retryAt: Date
}

/** Everything one email's send needs. */
export interface SendEmailScope {
  runtime: WorkerRuntime
  context: StepContext
  /** The worker's single sender; null with a pool. */
  sender: SenderV1 | null
  /** Picks and reserves a pool mailbox per email; null without a pool. */
  picker: MailboxPicker | null
  counts: SendCounts
  claims: EmailClaimKeeper
  /**
   * Group commit of the `sent` records of idempotent senders (null: the store has no
   * `recordEmailsSent`, each email is recorded before the lane takes the next).
   */
  recorder: SentEmailRecorder | null
  /** By campaign id and timezone: what the window closed put off, for the step's report. */
  windowDeferrals: Map<string, WindowDeferral>
  /** By reason: what no mailbox could send now, for the step's report. */
  mailboxDeferrals: Map<string, MailboxDeferral>
  /**
   * Parsed templates by campaign object (one per campaign in a claimed batch), so that
   * the templates' cache key is not rebuilt for every email.
   */
  compiledTemplates?: WeakMap<Campaign, CompiledCampaignTemplates>
}

/** The campaign's parsed templates, once per campaign object of the step. */
function templatesOf(scope: SendEmailScope, campaign: Campaign): CompiledCampaignTemplates {
  let compiled = scope.compiledTemplates?.get(campaign)
  if (!compiled) {
    compiled = compileCampaignTemplates(campaign.steps)
    scope.compiledTemplates?.set(campaign, compiled)
  }
  return compiled
}

/**
 * True when the claim was taken over by another worker (the store said so). The other
 * claims of the batch may have expired with it: they are checked at once, so that the
 * emails another worker now holds are not sent again.
 */
async function claimLost(scope: SendEmailScope, item: ClaimedEmail, error: unknown): Promise<boolean> {
  if (!CamError.isInstance(error, 'CONFLICT')) return false
  scope.counts.lost++
  scope.runtime.logger.warn('an email claim was taken over by another worker; leaving the email to it', {
    emailId: item.email.id,
    error: errorMessage(error),
  })
  scope.claims.drop(item.email.id)
  await scope.claims.refresh()
  return true
}

/**
 * Sends one claimed email: checks the send window, renders, runs the `beforeSend`
 * hook, marks the attempt (sender not idempotent), sends and records. A claim another
 * worker took over is left to it; store outages throw (the step reports them).
 */
export async function sendClaimedEmail(scope: SendEmailScope, item: ClaimedEmail): Promise<{ pauseUntil?: Date }> {
  const { runtime, context, counts, claims } = scope
  const { email: outbound, lead, campaign } = item
  if (claims.lost(outbound.id)) {
    counts.lost++
    return {}
  }
  const now = context.clock.now()
  const timezone = lead.timezone ?? campaign.schedule.timezone
  // True once the sent email is handed to the recorder: its claim is held until recorded.
  let handedOff = false
  try {
    if (!isInsideSendWindow(now, campaign.schedule, timezone)) {
      const scheduledAt = nextSendWindowStart(now, campaign.schedule, timezone)
      await context.store.deferEmail({ emailId: outbound.id, workerId: context.workerId, now, scheduledAt })
      counts.deferred++
      const key = `${campaign.id}\u0000${timezone}`
      const seen = scope.windowDeferrals.get(key)
      if (seen) {
        seen.emails++
        if (scheduledAt < seen.opensAt) seen.opensAt = scheduledAt
      } else scope.windowDeferrals.set(key, { campaignName: campaign.name, timezone, opensAt: scheduledAt, emails: 1 })
      runtime.emit('email:deferred', { emailId: outbound.id, campaignId: campaign.id, leadId: lead.id, scheduledAt, reason: `outside the send window in ${timezone}` })
      return {}
    }

    // With a pool: the thread's mailbox, or for a first touch the one with the most room.
    let mailbox: PoolMailbox | null = null
    let reservedDay: string | null = null
    if (scope.picker) {
      const choice = await scope.picker.choose(campaign, lead, now)
      if (!choice.mailbox) {
        await context.store.deferEmail({ emailId: outbound.id, workerId: context.workerId, now, scheduledAt: choice.retryAt })
        counts.deferred++
        const seen = scope.mailboxDeferrals.get(choice.reason)
        if (seen) {
          seen.emails++
          if (choice.retryAt < seen.retryAt) seen.retryAt = choice.retryAt
        } else scope.mailboxDeferrals.set(choice.reason, { emails: 1, retryAt: choice.retryAt })
        runtime.emit('email:deferred', { emailId: outbound.id, campaignId: campaign.id, leadId: lead.id, scheduledAt: choice.retryAt, reason: choice.reason })
        return {}
      }
      mailbox = choice.mailbox
      reservedDay = choice.day
    }
    const sender = mailbox?.sender ?? scope.sender!
    /** Gives the mailbox's reserved send back: nothing went out. */
    const releaseReservation = async () => {
      if (!mailbox || reservedDay === null) return
      const day = reservedDay
      reservedDay = null
      await context.store.releaseMailboxSend({ mailbox: mailbox.name, day })
    }
    const sendScope = { ...scope, mailbox }

    let email: OutgoingEmail
    try {
      email = composeEmail(outbound, lead, campaign, runtime.config, templatesOf(scope, campaign))
      if (mailbox) email = { ...email, from: mailbox.from, ...(mailbox.from.replyTo ? { replyTo: mailbox.from.replyTo } : {}) }
    } catch (error) {
      // A template variable went missing (campaign edited after the lead was added) or a
      // template hit a render limit: a human must fix it.
      const permanent = ValidationError.isInstance(error)
      await releaseReservation()
      await recordFailure(sendScope, item, error, permanent)
      return {}
    }

    if (runtime.hooks.beforeSend) {
      const hook = runtime.hooks.beforeSend
      const { value, failed } = await runHook(runtime, 'beforeSend', () => hook({ email, outbound, lead, campaign }), undefined)
      if (failed) {
        await releaseReservation()
        await recordFailure(sendScope, item, new Error('beforeSend hook failed'), false)
        return {}
      }
      if (value && 'veto' in value) {
        await releaseReservation()
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

    // A sender that is not idempotent cannot be retried safely: record the moment the
    // email is handed to it, so that a crash from here on holds only this email in doubt
    // (and one before it gives it back to the queue). The claim is checked on the way.
    if (!sender.idempotent) await context.store.recordSendAttempt({ emailId: outbound.id, workerId: context.workerId, now: context.clock.now() })

    let result: Awaited<ReturnType<SenderV1['send']>>
    try {
      // No abort signal: a stop lets the send in flight finish, so it is never left in doubt.
      result = await sender.send(email, { idempotencyKey: outbound.idempotencyKey })
    } catch (error) {
      const sendError = SendError.isInstance(error) ? error : SendError.retryable(errorMessage(error), { cause: error })
      if (sendError.kind === 'in_doubt' && !sender.idempotent) {
        // It may have gone out: never resent by CAM. The claim is left to expire; with the
        // attempt recorded, the next claim holds the email in doubt for a human.
        counts.inDoubt++
        runtime.logger.warn('send outcome unknown (the answer was lost); the email will be held in doubt, not resent', { emailId: outbound.id, error: errorMessage(sendError) })
        return {}
      }
      if (mailbox && sendError.scope === 'mailbox') {
        // The mailbox itself failed (authentication): pause it alone; the email waits —
        // a first touch for another mailbox, a follow-up for this one to be resumed.
        await releaseReservation()
        await pauseMailbox(runtime, context, mailbox.name, `${mailbox.from.email} could not send: ${errorMessage(sendError)}`)
        const retryAt = new Date(context.clock.now().getTime() + runtime.config.sendRetryBaseMs)
        await context.store.deferEmail({ emailId: outbound.id, workerId: context.workerId, now: context.clock.now(), scheduledAt: retryAt })
        counts.deferred++
        return {}
      }
      // A refused recipient reached the server (it counts against the mailbox's limit); anything else sent nothing.
      if (!sendError.refusal) await releaseReservation()
      const retryAt = await recordFailure(sendScope, item, sendError, sendError.kind === 'permanent')
      if (sendError.refusal) await recordRefusal(runtime, context, item, sender.name, sendError.refusal)
      // A provider's "slow down" pauses the step for the worker's single sender; in a pool it
      // concerns one mailbox (or one greylisting recipient), so only this email waits.
      return !mailbox && sendError.kind === 'retryable' && sendError.retryAfterMs !== undefined && retryAt ? { pauseUntil: retryAt } : {}
    }

    handedOff = await recordSent(sendScope, item, email, result, sender.idempotent)
    return {}
  } catch (error) {
    if (await claimLost(scope, item, error)) return {}
    throw error
  } finally {
    if (!handedOff) claims.drop(outbound.id)
  }
}

/** A scope with the pool mailbox the email goes out from (null without a pool). */
type MailboxScope = SendEmailScope & { mailbox: PoolMailbox | null }

/**
 * Records a sent email: through the recorder (group commit) when the sender is idempotent
 * and the store can record groups — returns true, the claim is then held until the group
 * commits — otherwise at once, before the lane takes the next email.
 */
async function recordSent(
  scope: MailboxScope,
  item: ClaimedEmail,
  email: OutgoingEmail,
  result: Awaited<ReturnType<SenderV1['send']>>,
  senderIdempotent: boolean,
): Promise<boolean> {
  const { runtime, context, counts } = scope
  const { email: outbound, lead, campaign } = item
  const sentAt = context.clock.now()
  const providerMessageId = result.messageId && result.messageId !== outbound.messageId ? result.messageId : null
  const { progress, next } = progressAfterSend(campaign, lead, { ...outbound, providerMessageId, subject: email.subject }, sentAt)
  const providerId = result.providerId ?? null
  const input = {
    emailId: outbound.id,
    workerId: context.workerId,
    sentAt,
    subject: email.subject,
    providerId,
    providerMessageId,
    ...(scope.mailbox ? { mailbox: scope.mailbox.name } : {}),
    lead: progress,
    next,
    // Built only when an endpoint subscribes: nothing per email otherwise.
    ...(wantsEvent(runtime, 'email.sent')
      ? { events: [emailSentEvent({ email: outbound, to: lead.email, messageId: providerMessageId ?? outbound.messageId, providerId, mailbox: scope.mailbox?.name ?? null, now: sentAt })] }
      : {}),
  }
  const announce = () => {
    counts.sent++
    runtime.emit('email:sent', {
      emailId: outbound.id,
      campaignId: campaign.id,
      leadId: lead.id,
      stepIndex: outbound.stepIndex,
      to: lead.email,
      messageId: providerMessageId ?? outbound.messageId,
      providerId,
    })
    if (lead.state !== progress.state) {
      runtime.emit('lead:transitioned', { leadId: lead.id, campaignId: campaign.id, from: lead.state, to: progress.state, reason: `step ${outbound.stepIndex + 1} sent` })
    }
  }
  if (scope.recorder && senderIdempotent) {
    scope.recorder.add({
      input,
      recorded: () => {
        scope.claims.drop(outbound.id)
        announce()
      },
      lost: () => void claimLost(scope, item, new ConflictError(`outbound email ${outbound.id} is not claimed by ${context.workerId}`)),
    })
    return true
  }
  await recordDurably(
    () => context.store.recordEmailSent(input),
    async () => {
      const stored = await context.store.getEmail(outbound.id)
      return stored?.status === 'sent' && stored.sentAt?.getTime() === sentAt.getTime()
    },
  )
  announce()
  return false
}

/** Records a failed attempt: a retry with backoff, or a permanent failure after the last attempt. Returns the retry time. */
async function recordFailure(scope: MailboxScope, item: ClaimedEmail, error: unknown, permanent: boolean): Promise<Date | null> {
  const { runtime, context, counts } = scope
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
  await recordDurably(
    () => context.store.recordEmailFailed({ emailId: outbound.id, workerId: context.workerId, now, error: message, retryAt, ...(scope.mailbox ? { mailbox: scope.mailbox.name } : {}) }),
    async () => {
      const stored = await context.store.getEmail(outbound.id)
      return stored !== null && stored.lastError === message && stored.claimedBy === null && (stored.status === 'failed' || stored.status === 'queued')
    },
  )
  if (retryAt) counts.retried++
  else counts.failed++
  runtime.emit('email:failed', { emailId: outbound.id, campaignId: campaign.id, leadId: lead.id, stepIndex: outbound.stepIndex, error, permanent: retryAt === null, retryAt })
  if (retryAt === null && lead.state !== 'failed') {
    runtime.emit('lead:transitioned', { leadId: lead.id, campaignId: campaign.id, from: lead.state, to: 'failed', reason: message })
  }
  return retryAt
}
