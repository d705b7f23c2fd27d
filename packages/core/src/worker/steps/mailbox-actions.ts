import { recordDeliveryEvent } from '../../client/record-delivery-event.js'
import type { SendRefusal } from '../../errors/send-error.js'
import type { ClaimedEmail, StoreV1 } from '../../ports/store-v1.js'
import type { StepContext } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { alertForChannels, systemAlert } from './rate-rules.js'

const registered = new WeakSet<WorkerRuntime>()

/** Registers the worker's pool mailboxes in the store once per worker (settings updated, status kept). */
export async function ensurePoolRegistered(runtime: WorkerRuntime, store: StoreV1, now: Date): Promise<void> {
  if (runtime.pool.length === 0 || registered.has(runtime)) return
  await store.registerMailboxes({ mailboxes: runtime.pool.map((mailbox) => mailbox.settings), now })
  registered.add(runtime)
}

/**
 * Pauses one mailbox of the pool (its health crossed a rule, or it can no longer
 * authenticate), with one alert per channel in the same store call: a second call finds
 * it paused already and neither alerts nor reports again. Returns whether it paused it.
 */
export async function pauseMailbox(runtime: WorkerRuntime, context: Pick<StepContext, 'store' | 'clock'>, name: string, reason: string): Promise<boolean> {
  const mailbox = runtime.pool.find((candidate) => candidate.name === name)
  const alertReason = `${reason}. Its new leads go to the campaign's other mailboxes; its threads wait until it is resumed (client.resumeMailbox).`
  const now = context.clock.now()
  const moved = await context.store.transitionMailbox({
    name,
    from: ['active'],
    to: 'paused',
    reason,
    now,
    ...alertForChannels(runtime, systemAlert('mailbox_paused', `Mailbox paused: ${mailbox?.from.email ?? name}`, alertReason), now),
  })
  if (!moved) return false
  runtime.logger.warn('mailbox paused', { mailbox: name, reason })
  runtime.emit('mailbox:paused', { mailbox: name, reason })
  return true
}

/**
 * The receiving server refused the recipient while the email was being sent (SMTP
 * `RCPT TO`): recorded as a bounce of that lead right away — the same finding a bounce
 * report would bring, so a later DSN about it counts nothing twice.
 */
export async function recordRefusal(runtime: WorkerRuntime, context: Pick<StepContext, 'store' | 'clock'>, item: ClaimedEmail, provider: string, refusal: SendRefusal): Promise<void> {
  const now = context.clock.now()
  await recordDeliveryEvent(
    context.store,
    runtime.logger,
    {
      id: `refused:${item.email.id}:${item.email.attempts}`,
      provider,
      type: 'bounced',
      email: { messageId: item.email.messageId },
      bounce: { type: refusal.type, reason: 'refused by the receiving server during the send', diagnosticCode: refusal.diagnosticCode },
      occurredAt: now,
    },
    now,
    runtime.config.bounceActions,
  )
}
