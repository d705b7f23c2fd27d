import type { WebhookDeliveryWithEvent } from '../../domain/webhook.js'
import { errorMessage } from '../../errors/cam-error.js'
import { WebhookDeliveryError } from '../../errors/webhook-delivery-error.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import { backoffMs } from '../../util/backoff.js'
import type { StepContext, WorkerStep } from '../step.js'
import { webhookEndpointSettings, type WebhookTarget } from '../webhook-endpoints.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { runOutboxDelivery } from './outbox-delivery.js'
import { postWebhook } from './webhook-request.js'

/** Deliveries claimed at a time. */
const deliveriesPerBatch = 50
/** Batches per cycle at most, so a long backlog leaves room for the next cycle's other steps. */
const maxBatchesPerCycle = 10
/** Requests in flight at once (different leads or endpoints; one lead's events wait for each other). */
const concurrentRequests = 8
/** A claim outlives this many timeouts: a worker that died mid-delivery is taken over soon after, a slow one keeps it. */
const claimTimeoutsPerDelivery = 4
/** Answers after which an endpoint is left alone for the rest of the run (its other claimed deliveries wait for its retry time). */
const throttlingStatuses = new Set([429, 502, 503, 504])

/** A claimed delivery not attempted because its endpoint is backing off or was disabled during this run. */
class NotAttempted extends Error {
  constructor(
    message: string,
    readonly retryAt: Date,
  ) {
    super(message)
  }
}

const registered = new WeakSet<WorkerRuntime>()

/**
 * Registers the worker's webhook endpoints in the store (url and event filter, never the
 * secret) once per worker, at the start of its first cycle, so events recorded from then
 * on fan out to them. A failure is reported and tried again next cycle.
 */
export async function ensureWebhooksRegistered(runtime: WorkerRuntime, store: StoreV1, now: Date): Promise<void> {
  if (runtime.webhooks.length === 0 || registered.has(runtime)) return
  try {
    await store.registerWebhookEndpoints({ endpoints: runtime.webhooks.map(webhookEndpointSettings), now })
    registered.add(runtime)
  } catch (error) {
    runtime.logger.error('webhook endpoint registration failed; tried again next cycle', { error: errorMessage(error) })
    runtime.emit('worker:error', { workerId: runtime.config.workerId, error, during: 'webhook endpoint registration' })
  }
}

/**
 * Step 8 — webhooks: delivers recorded events to the endpoints that subscribe to them,
 * through the same outbox engine as alerts. Each delivery is claimed (many workers may
 * run the step), POSTed signed per Standard Webhooks under the event's id, and marked
 * delivered on a 2xx. `410 Gone` disables the endpoint (its deliveries wait until it is
 * enabled again). Any other answer, a timeout or a network error is retried with
 * exponential backoff and jitter — a longer `Retry-After` wins — and an endpoint that
 * answered 429/502/503/504 or did not answer is left alone for the rest of the run. A
 * delivery still failing `giveUpAfterMs` after its event (or its replay) becomes a dead
 * letter.
 */
export function createWebhooksStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'webhooks',
    async run(context) {
      if (runtime.webhooks.length === 0) return { delivered: 0, failed: 0 }
      const targets = new Map(runtime.webhooks.map((target) => [target.name, target]))
      const longestTimeout = Math.max(...runtime.webhooks.map((target) => target.timeoutMs))
      const run = { held: new Map<string, NotAttempted>(), gone: new Set<string>(), dead: 0, disabled: 0 }
      const counts = await runOutboxDelivery<WebhookDeliveryWithEvent>(runtime, context, {
        what: 'webhook',
        batchSize: deliveriesPerBatch,
        maxBatches: maxBatchesPerCycle,
        concurrency: concurrentRequests,
        claim: (now) =>
          context.store.claimWebhookDeliveries({
            now,
            workerId: context.workerId,
            limit: deliveriesPerBatch,
            claimTtlMs: longestTimeout * claimTimeoutsPerDelivery,
            endpoints: [...targets.keys()],
          }),
        idOf: ({ delivery }) => delivery.id,
        timeoutMs: ({ delivery }) => targets.get(delivery.endpoint)!.timeoutMs,
        async deliver({ delivery, event }, signal) {
          const held = run.held.get(delivery.endpoint)
          if (held) throw held
          await postWebhook(targets.get(delivery.endpoint)!, event, signal, context.signal)
        },
        recordDelivered: ({ delivery }, now) => context.store.recordWebhookDelivered({ deliveryId: delivery.id, workerId: context.workerId, now }),
        deliveredRecorded: async ({ delivery, event }) =>
          (await context.store.listWebhookDeliveries({ eventId: event.id, endpoint: delivery.endpoint })).some((d) => d.delivery.id === delivery.id && d.delivery.status === 'delivered'),
        recordFailed: (item, error, now) => recordFailure(runtime, context, targets.get(item.delivery.endpoint)!, item, error, now, run),
        onDelivered: ({ delivery, event }) =>
          runtime.emit('webhook:delivered', { eventId: event.id, type: event.type, deliveryId: delivery.id, endpoint: delivery.endpoint, attempts: delivery.attempts }),
      })
      return { ...counts, dead: run.dead, disabled: run.disabled }
    },
  }
}

/** Records a failed attempt: the endpoint disabled (410), a retry, or a dead letter past the give-up time. */
async function recordFailure(
  runtime: WorkerRuntime,
  context: StepContext,
  target: WebhookTarget,
  { delivery, event }: WebhookDeliveryWithEvent,
  error: unknown,
  now: Date,
  run: { held: Map<string, NotAttempted>; gone: Set<string>; dead: number; disabled: number },
): Promise<void> {
  const record = (retryAt: Date | null, message: string) => context.store.recordWebhookFailed({ deliveryId: delivery.id, workerId: context.workerId, now, error: message, retryAt })
  if (error instanceof NotAttempted) return record(error.retryAt, error.message)
  const status = WebhookDeliveryError.isInstance(error) ? error.status : null
  if (status === 410) {
    // Gone: the receiver wants no more. Disabled once; the delivery waits, pending, until it is enabled again.
    const reason = 'HTTP 410 Gone'
    run.held.set(target.name, new NotAttempted(`not attempted: the endpoint was disabled (${reason})`, now))
    if (!run.gone.has(target.name)) {
      run.gone.add(target.name)
      await context.store.setWebhookEndpointStatus({ name: target.name, status: 'disabled', reason, now })
      run.disabled++
      runtime.logger.warn('webhook endpoint disabled: it answered 410 Gone', { endpoint: target.name })
      runtime.emit('webhook:disabled', { endpoint: target.name, reason })
    }
    await record(now, `${reason}: endpoint disabled`)
    runtime.emit('webhook:failed', { eventId: event.id, type: event.type, deliveryId: delivery.id, endpoint: target.name, attempts: delivery.attempts, error, retryAt: now, dead: false })
    return
  }
  const message = errorMessage(error)
  const stopping = context.signal.aborted
  const deadline = (delivery.replayedAt ?? event.occurredAt).getTime() + target.giveUpAfterMs
  const dead = !stopping && now.getTime() >= deadline
  let retryAt: Date | null = null
  if (!dead) {
    // Stopping is nobody's failure: due again at once for the next worker. Otherwise backoff, or the endpoint's own Retry-After when longer; a last try at the deadline.
    const retryAfter = WebhookDeliveryError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0
    const delay = stopping ? 0 : Math.max(retryAfter, backoffMs(delivery.attempts, { baseMs: runtime.config.webhookRetryBaseMs, maxMs: runtime.config.webhookRetryMaxMs }))
    retryAt = new Date(Math.min(now.getTime() + delay, Math.max(deadline, now.getTime())))
    if (!stopping && (status === null || throttlingStatuses.has(status))) {
      run.held.set(target.name, new NotAttempted(`not attempted: the endpoint is backing off (${message})`, retryAt))
    }
  }
  await record(retryAt, message)
  if (dead) {
    run.dead++
    runtime.logger.warn('webhook delivery given up (dead letter): replay it with client.replayWebhookDelivery', { endpoint: target.name, deliveryId: delivery.id, eventId: event.id, error: message })
  }
  runtime.emit('webhook:failed', { eventId: event.id, type: event.type, deliveryId: delivery.id, endpoint: target.name, attempts: delivery.attempts, error, retryAt, dead })
}
