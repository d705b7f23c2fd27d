import type { Alert, AlertDelivery } from '../../domain/alert.js'
import { errorMessage } from '../../errors/cam-error.js'
import { AlertDeliveryError } from '../../errors/send-error.js'
import { backoffMs } from '../../util/backoff.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { runOutboxDelivery } from './outbox-delivery.js'

/** Deliveries claimed at a time. */
const deliveriesPerBatch = 50
/** Batches per cycle at most, so a long backlog leaves room for the next cycle's other steps. */
const maxBatchesPerCycle = 10
/**
 * A delivery's claim outlives this many delivery timeouts: a worker that died mid-delivery
 * is taken over soon after, one that is merely slow keeps it.
 */
const claimTimeoutsPerDelivery = 4

/**
 * Step 7 — alerts: delivers pending alerts to every channel. Each delivery is claimed
 * (so many workers can run this step), marked delivered only once the channel
 * confirmed, and otherwise retried with backoff — forever, however long the channel
 * is down. The idempotency key is stable per alert and channel. The delivery loop is the
 * outbox engine the webhooks step shares (`outbox-delivery.ts`).
 */
export function createAlertsStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'alerts',
    async run(context) {
      if (!runtime.config.alertsEnabled || runtime.alertChannels.length === 0) return { delivered: 0, failed: 0 }
      const channels = new Map(runtime.alertChannels.map((channel) => [channel.name, channel]))
      type Item = { delivery: AlertDelivery; alert: Alert }
      return runOutboxDelivery<Item>(runtime, context, {
        what: 'alert',
        batchSize: deliveriesPerBatch,
        maxBatches: maxBatchesPerCycle,
        claim: (now) =>
          context.store.claimAlertDeliveries({
            now,
            workerId: context.workerId,
            limit: deliveriesPerBatch,
            claimTtlMs: runtime.config.alertTimeoutMs * claimTimeoutsPerDelivery,
            channels: [...channels.keys()],
          }),
        idOf: ({ delivery }) => delivery.id,
        timeoutMs: () => runtime.config.alertTimeoutMs,
        deliver: ({ delivery, alert }, signal) => channels.get(delivery.channel)!.deliver(alert, { idempotencyKey: `cam-alert-${alert.id}-${delivery.channel}`, signal }),
        recordDelivered: ({ delivery }, now) => context.store.recordAlertDelivered({ deliveryId: delivery.id, workerId: context.workerId, now }),
        deliveredRecorded: async ({ delivery, alert }) => (await context.store.listAlertDeliveries({ alertId: alert.id })).some((d) => d.id === delivery.id && d.status === 'delivered'),
        async recordFailed({ delivery, alert }, error, now) {
          const retryAfter = AlertDeliveryError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0
          const retryAt = new Date(now.getTime() + Math.max(retryAfter, backoffMs(delivery.attempts, { baseMs: runtime.config.alertRetryBaseMs, maxMs: runtime.config.alertRetryMaxMs })))
          await context.store.recordAlertFailed({ deliveryId: delivery.id, workerId: context.workerId, now, error: errorMessage(error), retryAt })
          runtime.emit('alert:failed', { alertId: alert.id, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts, error, retryAt })
        },
        onDelivered: ({ delivery, alert }) => runtime.emit('alert:sent', { alertId: alert.id, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts }),
      })
    },
  }
}
