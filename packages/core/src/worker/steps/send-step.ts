import { errorMessage } from '../../errors/cam-error.js'
import type { ClaimDueEmailsResult, ClaimedEmail } from '../../ports/store-v1.js'
import { describeWindowOpening, localDayKey } from '../../schedule/send-window.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import type { StepContext, WorkerStep } from '../step.js'
import { MailboxPicker } from '../mailbox-pool.js'
import { keepEmailClaims } from './email-claim-keeper.js'
import { ensurePoolRegistered } from './mailbox-actions.js'
import { sendClaimedEmail, type SendCounts, type SendEmailScope } from './send-claimed-email.js'
import { createSentEmailRecorder } from './sent-email-recorder.js'

/**
 * Step 1 — send: claims due emails (campaign active, inside the lead's send window,
 * under the daily cap, address not suppressed), renders, sends, records.
 * Runs on every worker at once: claims are exclusive. While it works, the claims it
 * holds are renewed; when it fails, every email it holds and has not sent is given
 * back, and nothing of it keeps running after it reported.
 */
export function createSendStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'send',
    async run(context) {
      const counts: SendCounts = { claimed: 0, sent: 0, failed: 0, retried: 0, deferred: 0, vetoed: 0, inDoubt: 0, cancelledSuppressed: 0, lost: 0 }
      const sender = runtime.sender
      if (!sender && runtime.pool.length === 0) return counts
      const campaigns = await context.store.listCampaigns({ statuses: ['active'] })
      if (campaigns.length === 0) return counts
      await ensurePoolRegistered(runtime, context.store, context.clock.now())
      const caps = campaigns.map((c) => ({ campaignId: c.id, day: localDayKey(context.now, c.schedule.timezone), dailyCap: c.dailyCap }))
      const claims = keepEmailClaims(runtime, context)
      const picker = runtime.pool.length > 0 ? new MailboxPicker(context.store, runtime.pool) : null
      // Group commit of the records of idempotent senders, when the store offers it.
      const store = context.store
      const recordGroup = store.recordEmailsSent?.bind(store)
      const recorder = recordGroup ? createSentEmailRecorder(runtime, { recordEmailsSent: recordGroup, getEmail: (id) => store.getEmail(id) }) : null
      const scope: SendEmailScope = { runtime, context, sender, picker, counts, claims, recorder, windowDeferrals: new Map(), mailboxDeferrals: new Map(), compiledTemplates: new WeakMap() }
      // Claims say whether the senders can be retried safely: with a pool, only when every mailbox's can.
      const senders = runtime.pool.length > 0 ? runtime.pool.map((mailbox) => mailbox.sender) : [sender!]
      const senderIdempotent = senders.every((candidate) => candidate.idempotent)
      const windows = senders.flatMap((candidate) => (candidate.idempotencyWindowMs !== undefined ? [candidate.idempotencyWindowMs] : []))
      const senderIdempotencyWindowMs = windows.length > 0 ? Math.min(...windows) : undefined
      let pauseUntil: Date | null = null
      const claim = (limit: number): PendingClaim => {
        const pending: PendingClaim = {
          limit,
          settled: false,
          result: context.store
            .claimDueEmails({
              now: context.clock.now(),
              workerId: context.workerId,
              limit,
              claimTtlMs: runtime.config.claimTtlMs,
              senderIdempotent,
              ...(senderIdempotencyWindowMs !== undefined ? { senderIdempotencyWindowMs } : {}),
              caps,
            })
            .then((batch) => {
              claims.hold(batch.claimed.map((item) => item.email.id))
              return batch
            })
            .finally(() => {
              pending.settled = true
            }),
        }
        // Awaited later (after the current batch): until then, a failure must not count as unhandled.
        pending.result.catch(() => undefined)
        return pending
      }
      // While a batch is being sent, the next one is already being claimed (when the batch
      // was full, so more may be due): the claim's round trips overlap the sends instead
      // of leaving the lanes idle between batches. When the lanes still had to wait for a
      // claim (claims slower than sends, as with a fast provider), a second claim is kept
      // in flight from then on.
      const ahead: PendingClaim[] = []
      let depth = 1
      const claimAhead = () => {
        while (ahead.length < depth && !context.signal.aborted && pauseUntil === null) {
          const room = runtime.config.maxSendsPerCycle - counts.claimed - ahead.reduce((sum, pending) => sum + pending.limit, 0)
          if (room <= 0) return
          ahead.push(claim(Math.min(runtime.config.sendBatchSize, room)))
        }
      }
      if (!context.signal.aborted) ahead.push(claim(Math.min(runtime.config.sendBatchSize, runtime.config.maxSendsPerCycle)))
      let unsent: ClaimedEmail[] = []
      try {
        while (ahead.length > 0) {
          const claiming = ahead.shift()!
          // Not the first claim of the step, and not there yet: the lanes wait for it.
          if (!claiming.settled && counts.claimed > 0) depth = maxClaimsAhead
          const batch = await claiming.result
          const limit = claiming.limit
          for (const email of batch.inDoubt) {
            counts.inDoubt++
            runtime.emit('email:in_doubt', { emailId: email.id, campaignId: email.campaignId, leadId: email.leadId })
          }
          counts.cancelledSuppressed += batch.cancelledSuppressed.length
          counts.claimed += batch.claimed.length
          // A short batch: nothing more was due when it was claimed (a claim already in
          // flight is still sent).
          if (batch.claimed.length >= limit) claimAhead()
          unsent = [...batch.claimed]
          let failure: { error: unknown } | null = null
          // Each lane sends one email at a time; a lane that fails stops the others from
          // taking more, and the step waits for all of them before it reports.
          const lanes = Array.from({ length: Math.min(runtime.config.sendConcurrency, unsent.length) }, async () => {
            while (failure === null && pauseUntil === null && !context.signal.aborted) {
              // Records not yet committed are bounded; a group that failed stops the sends.
              await recorder?.room()
              if (recorder?.failure) return
              const item = unsent.shift()
              if (!item) return
              try {
                const outcome = await sendClaimedEmail(scope, item)
                if (outcome.pauseUntil) pauseUntil = outcome.pauseUntil
              } catch (error) {
                failure ??= { error }
              }
            }
          })
          await Promise.all(lanes)
          if (failure !== null) throw (failure as { error: unknown }).error
          if (recorder?.failure) throw recorder.failure.error
          if (unsent.length > 0) {
            // The provider asked us to slow down, or we are stopping: give the rest back.
            const scheduledAt = pauseUntil ?? context.clock.now()
            await giveBack(runtime, context, unsent.splice(0), scheduledAt)
          }
        }
        // Every sent email recorded before the step reports (throws when a group failed).
        await recorder?.drain()
      } finally {
        // What can still be recorded is, before the claims stop being renewed.
        await recorder?.drain().catch(() => undefined)
        // The step is failing: give back what it claimed and did not send — the rest of the
        // batch and the batch claimed in advance — so that those emails wait for the next
        // cycle instead of a claim expiry.
        await giveBack(runtime, context, unsent.splice(0), context.clock.now())
        for (const pending of ahead.splice(0)) await giveBack(runtime, context, await claimedOf(runtime, pending), context.clock.now())
        await claims.stop()
        for (const deferral of scope.windowDeferrals.values()) {
          const emails = deferral.emails === 1 ? '1 email' : `${deferral.emails} emails`
          context.note(`campaign "${deferral.campaignName}": ${emails} outside the send window until ${describeWindowOpening(deferral.opensAt, deferral.timezone, context.clock.now())}`)
        }
        for (const [reason, deferral] of scope.mailboxDeferrals) {
          const emails = deferral.emails === 1 ? '1 email' : `${deferral.emails} emails`
          context.note(`${emails} waiting for a mailbox (${reason}) until ${deferral.retryAt.toISOString()}`)
        }
      }
      return counts
    },
  }
}

/**
 * At most this many claims in flight while a batch is sent: a second one only once the
 * lanes had to wait for a claim.
 */
const maxClaimsAhead = 2

/** A claim in flight: what it asked for, and whether it has settled. */
interface PendingClaim {
  limit: number
  settled: boolean
  result: Promise<ClaimDueEmailsResult>
}

/** The emails of a batch claimed in advance, or none when that claim failed too. */
async function claimedOf(runtime: WorkerRuntime, pending: PendingClaim): Promise<ClaimedEmail[]> {
  try {
    return (await pending.result).claimed
  } catch (error) {
    // The claim failed as well, so it handed nothing out; the step reports the first failure.
    runtime.logger.warn('the next batch could not be claimed either', { error: errorMessage(error) })
    return []
  }
}

/** Defers claimed emails that were not sent (their daily-cap slots are given back). */
async function giveBack(runtime: WorkerRuntime, context: StepContext, items: ClaimedEmail[], scheduledAt: Date): Promise<void> {
  for (const item of items) {
    try {
      await context.store.deferEmail({ emailId: item.email.id, workerId: context.workerId, now: context.clock.now(), scheduledAt })
    } catch (error) {
      // Left claimed: recovered when the claim expires, like after a crash (never sent in between).
      runtime.logger.warn('could not give back a claimed email', { emailId: item.email.id, error: errorMessage(error) })
    }
  }
}
