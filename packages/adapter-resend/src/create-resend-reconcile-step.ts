import { AdapterError, SendError, createCamClient, type CamClient, type DeliveryEventInput, type StepContext, type WorkerStep } from '@cam/core'
import { errorMessage, parseOptions } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { connectionOptionsShape, createResendTransport, withApiKeyFromEnvironment, type ResendConnectionOptions, type ResendEmail } from './resend-transport.js'

const hour = 60 * 60 * 1000

/** Options of {@link createResendReconcileStep}. */
export interface ResendReconcileStepOptions extends ResendConnectionOptions {
  /** Step name in reports and events (default `resend-reconcile`); give each step its own when you reconcile several Resend accounts. */
  name?: string | undefined
  /** Ask about an email only once it is this old (ms, default 1 hour): the webhook had its chance. */
  minAgeMs?: number | undefined
  /** Stop asking about emails older than this (ms, default 7 days). Greater than `minAgeMs`. */
  maxAgeMs?: number | undefined
  /** Emails asked about per run at most (default 20, at most 1 000): each is one request to Resend. */
  maxEmailsPerRun?: number | undefined
  /** An email whose outcome is still open (sent, delayed) is asked again after this long at the earliest (ms, default 6 hours). */
  recheckIntervalMs?: number | undefined
}

/** What one run of the reconcile step did (the step's counts). */
export type ResendReconcileCounts = {
  /** Emails Resend was asked about. */
  asked: number
  /** Delivery events recorded with their effects. */
  recorded: number
  /** Events recorded before (same email, same `last_event`): nothing changed. */
  duplicates: number
  /** Emails whose outcome is still open at Resend (`sent`, `queued`, `scheduled`, or a `last_event` CAM does not know). */
  pending: number
  /** Emails Resend does not know (404) or CAM no longer matches to a lead: logged and skipped. */
  unknown: number
  /** Emails awaiting an outcome left alone because they were asked less than `recheckIntervalMs` ago. */
  recentlyAsked: number
}

const durationMessage = 'expected a whole number of milliseconds greater than 0'
const duration = () => z.number({ error: durationMessage }).int({ error: durationMessage }).positive({ error: durationMessage })

/** The step's options as {@link createResendReconcileStep} checks them. */
const reconcileOptionsSchema = z
  .object({
    ...connectionOptionsShape,
    name: z.string({ error: 'expected a non-empty string' }).refine((name) => name.trim() !== '', { error: 'expected a non-empty string' }).optional(),
    minAgeMs: duration().optional(),
    maxAgeMs: duration().optional(),
    maxEmailsPerRun: z
      .number({ error: 'expected a whole number from 1 to 1000' })
      .int({ error: 'expected a whole number from 1 to 1000' })
      .min(1, { error: 'expected a whole number from 1 to 1000' })
      .max(1000, { error: 'expected a whole number from 1 to 1000' })
      .optional(),
    recheckIntervalMs: duration().optional(),
  })
  // Checked even when another field is invalid, so every problem is listed at once.
  .superRefine(
    (input, context) => {
      const { minAgeMs = hour, maxAgeMs = 7 * 24 * hour } = input as { minAgeMs?: unknown; maxAgeMs?: unknown }
      if (typeof minAgeMs === 'number' && typeof maxAgeMs === 'number' && Number.isFinite(minAgeMs) && maxAgeMs <= minAgeMs) {
        context.addIssue({ code: 'custom', path: ['maxAgeMs'], message: `expected more than minAgeMs (${minAgeMs} ms)` })
      }
    },
    { when: () => true },
  )

type ResendLastEvent = ResendEmail['last_event']

/**
 * Resend's `last_event` → the delivery event CAM records, or `null` while the outcome is
 * open. Resend's `bounced` is a permanent rejection by the receiving server (temporary
 * trouble is `delivery_delayed`), so it is a hard bounce.
 */
export function deliveryEventFromLastEvent(lastEvent: string): Pick<DeliveryEventInput, 'type' | 'bounce' | 'reason'> | null {
  switch (lastEvent as ResendLastEvent) {
    case 'delivered':
    case 'opened':
    case 'clicked':
      return { type: 'delivered' }
    case 'bounced':
      return { type: 'bounced', bounce: { type: 'hard', reason: 'Resend reports the email bounced (permanently rejected by the receiving server)' } }
    case 'complained':
      return { type: 'complained' }
    case 'delivery_delayed':
      return { type: 'delayed', reason: 'Resend reports the delivery is delayed (a temporary failure so far)' }
    case 'suppressed':
      return { type: 'suppressed', reason: 'Resend did not send it: the address is on its suppression list' }
    case 'failed':
      return { type: 'failed', reason: 'Resend reports the email failed to send' }
    case 'canceled':
      return { type: 'failed', reason: 'the email was canceled in Resend before it was sent' }
    case 'sent':
    case 'queued':
    case 'scheduled':
      return null
    default:
      return null
  }
}

/**
 * Creates an optional worker step that catches up on Resend webhooks that never arrived
 * (endpoint down, secret rotated, events dropped): it asks Resend for the `last_event` of
 * emails still awaiting their delivery outcome and records what it finds through
 * `client.recordDeliveryEvent`, with exactly the effects of the webhook (a bounce marks
 * the lead bounced and suppresses the address, …).
 *
 * Each run lists `store.listEmailsAwaitingDelivery` for emails sent between `maxAgeMs`
 * and `minAgeMs` ago, oldest first, skips the ones asked less than `recheckIntervalMs`
 * ago, and asks Resend (`GET /emails/:id`) about at most `maxEmailsPerRun`. The requests
 * share the process-wide rate limiter of the API key with the Resend sender and alert
 * channel, so all of them together stay under Resend's requests per second. Event ids are
 * `reconcile:<resend email id>:<last_event>`: asking twice records nothing twice.
 *
 * Runs on the leader only. An email Resend does not know (404) is logged and skipped; any
 * other failure stops the run as a step error, keeping what was recorded (the rest is
 * asked on a later run). The worker's stop signal ends a run between requests.
 *
 * @throws ValidationError listing every invalid option.
 *
 * ```ts
 * const worker = createCamWorker({
 *   store,
 *   sender: createResendSender(),
 *   hooks: { steps: (steps) => [...steps, createResendReconcileStep()] },
 * })
 * ```
 */
export function createResendReconcileStep(options: ResendReconcileStepOptions = {}): WorkerStep {
  const settings = parseOptions(reconcileOptionsSchema, withApiKeyFromEnvironment(options ?? {}), 'Resend reconcile step options')
  const transport = createResendTransport(settings)
  const name = settings.name ?? 'resend-reconcile'
  const minAgeMs = settings.minAgeMs ?? hour
  const maxAgeMs = settings.maxAgeMs ?? 7 * 24 * hour
  const maxEmailsPerRun = settings.maxEmailsPerRun ?? 20
  const recheckIntervalMs = settings.recheckIntervalMs ?? 6 * hour
  /** Pages of awaiting emails one run reads at most while skipping recently asked ones. */
  const maxPagesPerRun = 10
  /** CAM email id → when Resend was last asked about it (step clock). */
  const askedAt = new Map<string, number>()
  /** Where the sweep goes on (sent-at of the last email looked at); null: from the oldest. */
  let resumeFrom: Date | null = null

  async function reconcileOne(context: StepContext, client: CamClient, email: { id: string; providerId: string }, counts: ResendReconcileCounts): Promise<void> {
    const found = await transport.getEmail(email.providerId, context.signal)
    askedAt.set(email.id, context.now.getTime())
    counts.asked++
    if (found === null) {
      counts.unknown++
      context.logger.warn('Resend does not know this email (404); skipped', { step: name, emailId: email.id, providerId: email.providerId })
      return
    }
    const event = deliveryEventFromLastEvent(found.last_event)
    if (event === null) {
      counts.pending++
      return
    }
    const result = await client.recordDeliveryEvent({
      ...event,
      id: `reconcile:${email.providerId}:${found.last_event}`,
      provider: 'resend',
      email: { providerId: email.providerId },
      occurredAt: context.clock.now(),
    })
    if (result.status === 'applied') counts.recorded++
    else if (result.status === 'duplicate') counts.duplicates++
    else counts.unknown++
  }

  return {
    name,
    leader: true,
    async run(context) {
      const counts: ResendReconcileCounts = { asked: 0, recorded: 0, duplicates: 0, pending: 0, unknown: 0, recentlyAsked: 0 }
      const now = context.now.getTime()
      for (const [emailId, at] of askedAt) if (at <= now - recheckIntervalMs) askedAt.delete(emailId)
      const client = createCamClient({ store: context.store, clock: context.clock, logger: context.logger })
      const oldest = new Date(now - maxAgeMs)
      const sentBefore = new Date(now - minAgeMs)
      let from = resumeFrom !== null && resumeFrom > oldest ? resumeFrom : oldest
      const looked = new Set<string>()
      try {
        for (let page = 0; page < maxPagesPerRun && counts.asked < maxEmailsPerRun; page++) {
          if (context.signal.aborted) break
          const emails = await context.store.listEmailsAwaitingDelivery({ sentAfter: from, sentBefore, limit: maxEmailsPerRun })
          let progressed = false
          for (const email of emails) {
            if (counts.asked >= maxEmailsPerRun || context.signal.aborted) break
            if (looked.has(email.id)) continue
            looked.add(email.id)
            progressed = true
            if (email.sentAt !== null) from = email.sentAt
            if (email.providerId === null) continue
            if (askedAt.has(email.id)) {
              counts.recentlyAsked++
              continue
            }
            await reconcileOne(context, client, { id: email.id, providerId: email.providerId }, counts)
          }
          if (emails.length < maxEmailsPerRun && counts.asked < maxEmailsPerRun) {
            from = oldest // reached the newest: the next run starts over from the oldest
            break
          }
          // A full page sent within one millisecond and all looked at already: step past it.
          if (!progressed) from = new Date(from.getTime() + 1)
        }
        resumeFrom = from
      } catch (error) {
        resumeFrom = from
        if (context.signal.aborted) return { ...counts }
        const done = `asked ${counts.asked}, recorded ${counts.recorded}`
        if (SendError.isInstance(error)) {
          context.note(`Resend failed during the reconcile (${done} before); the rest is asked on a later run`)
          throw new AdapterError('STEP_FAILED', 'resend', 'emails.get', error, { transient: error.kind === 'retryable' })
        }
        context.note(`the reconcile stopped (${done} before): ${errorMessage(error)}`)
        throw error
      }
      return { ...counts }
    },
  }
}
