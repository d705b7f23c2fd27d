import { CamError, errorMessage } from '../../errors/cam-error.js'
import { AlertDeliveryError } from '../../errors/send-error.js'
import { backoffMs } from '../../util/backoff.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { recordDurably } from './record-durably.js'

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
 * is down. The idempotency key is stable per alert and channel.
 */
export function createAlertsStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'alerts',
    async run(context) {
      const counts = { delivered: 0, failed: 0 }
      if (!runtime.config.alertsEnabled || runtime.alertChannels.length === 0) return counts
      const channels = new Map(runtime.alertChannels.map((channel) => [channel.name, channel]))
      for (let batch = 0; batch < maxBatchesPerCycle && !context.signal.aborted; batch++) {
        const claimed = await context.store.claimAlertDeliveries({
          now: context.clock.now(),
          workerId: context.workerId,
          limit: deliveriesPerBatch,
          claimTtlMs: runtime.config.alertTimeoutMs * claimTimeoutsPerDelivery,
          channels: [...channels.keys()],
        })
        for (const { delivery, alert } of claimed) {
          const channel = channels.get(delivery.channel)!
          const timeout = AbortSignal.timeout(runtime.config.alertTimeoutMs)
          try {
            await channel.deliver(alert, { idempotencyKey: `cam-alert-${alert.id}-${delivery.channel}`, signal: AbortSignal.any([timeout, context.signal]) })
          } catch (error) {
            const now = context.clock.now()
            const retryAfter = AlertDeliveryError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0
            const retryAt = new Date(now.getTime() + Math.max(retryAfter, backoffMs(delivery.attempts, { baseMs: runtime.config.alertRetryBaseMs, maxMs: runtime.config.alertRetryMaxMs })))
            try {
              await context.store.recordAlertFailed({ deliveryId: delivery.id, workerId: context.workerId, now, error: errorMessage(error), retryAt })
            } catch (recordError) {
              if (!CamError.isInstance(recordError, 'CONFLICT')) throw recordError
              runtime.logger.warn('an alert delivery claim was taken over by another worker', { deliveryId: delivery.id })
              continue
            }
            counts.failed++
            runtime.emit('alert:failed', { alertId: alert.id, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts, error, retryAt })
            continue
          }
          try {
            await recordDurably(
              () => context.store.recordAlertDelivered({ deliveryId: delivery.id, workerId: context.workerId, now: context.clock.now() }),
              async () => (await context.store.listAlertDeliveries({ alertId: alert.id })).some((d) => d.id === delivery.id && d.status === 'delivered'),
            )
          } catch (error) {
            if (!CamError.isInstance(error, 'CONFLICT')) throw error
            // The claim expired and another worker took the delivery over: it records it.
            runtime.logger.warn('an alert delivery claim was taken over by another worker', { deliveryId: delivery.id })
            continue
          }
          counts.delivered++
          runtime.emit('alert:sent', { alertId: alert.id, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts })
        }
        if (claimed.length < deliveriesPerBatch) break
      }
      return counts
    },
  }
}
