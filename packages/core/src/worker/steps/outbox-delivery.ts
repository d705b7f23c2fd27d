import { CamError } from '../../errors/cam-error.js'
import type { StepContext } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { recordDurably } from './record-durably.js'

/**
 * One outbox channel the delivery engine drives: how to claim due items, deliver one,
 * and record the outcome. Alerts (one delivery per alert and channel) and webhooks (one
 * per event and endpoint) are two channels of the same engine.
 */
export interface OutboxChannel<Item> {
  /** What is delivered, for logs (`alert`, `webhook`). */
  what: string
  /** Items claimed at a time. */
  batchSize: number
  /** Batches per cycle at most, so a long backlog leaves room for the cycle's other steps. */
  maxBatches: number
  /** Items delivered at once (default 1). */
  concurrency?: number
  /** Claims due items for this worker (exclusive; a crashed worker's claims expire). */
  claim(now: Date): Promise<Item[]>
  /** The delivery's id (for logs). */
  idOf(item: Item): string
  /** Timeout of one attempt. */
  timeoutMs(item: Item): number
  /** Delivers one item; throws to have the attempt recorded as failed. `signal` aborts on timeout or when the worker stops. */
  deliver(item: Item, signal: AbortSignal): Promise<void>
  /** Records a confirmed delivery; throws `ConflictError` when the claim was lost. */
  recordDelivered(item: Item, now: Date): Promise<void>
  /** Whether a delivered record landed (asked after a retried write conflicts: its first try may have committed). */
  deliveredRecorded(item: Item): Promise<boolean>
  /** Records a failed attempt (its next try, or giving up) and reports it; throws `ConflictError` when the claim was lost. */
  recordFailed(item: Item, error: unknown, now: Date): Promise<void>
  /** Reports a recorded delivery. */
  onDelivered(item: Item): void
}

/** What one run of the engine did. */
export type OutboxCounts = {
  delivered: number
  failed: number
}

/**
 * The one delivery engine behind "deliver this exactly once to that channel": claims
 * due items batch by batch, delivers each under a timeout, and records the outcome —
 * delivered only once the channel confirmed it (the write retried through brief store
 * outages, see `recordDurably`), otherwise a failed attempt the channel schedules again
 * or gives up. A claim that expired and was taken over by another worker is left to it.
 * Deliveries survive restarts because they live in the store; a worker that dies
 * mid-delivery leaves a claim that expires and is delivered again under the same id.
 */
export async function runOutboxDelivery<Item>(runtime: WorkerRuntime, context: StepContext, channel: OutboxChannel<Item>): Promise<OutboxCounts> {
  const counts: OutboxCounts = { delivered: 0, failed: 0 }
  const concurrency = Math.max(1, channel.concurrency ?? 1)
  for (let batch = 0; batch < channel.maxBatches && !context.signal.aborted; batch++) {
    const claimed = await channel.claim(context.clock.now())
    let next = 0
    let failure: { error: unknown } | null = null
    // A store failure stops the lanes taking new items (the claims left expire); it fails the step.
    const lane = async () => {
      while (next < claimed.length && failure === null) {
        const item = claimed[next++]!
        try {
          await deliverOne(runtime, context, channel, item, counts)
        } catch (error) {
          failure ??= { error }
        }
      }
    }
    const deliveredBefore = counts.delivered
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane))
    if (failure !== null) throw (failure as { error: unknown }).error
    // A full batch may have more behind it; a delivery may have let a later one of the same
    // lead through (webhooks keep one lead's events in order): claim again in both cases.
    if (claimed.length < channel.batchSize && counts.delivered === deliveredBefore) break
  }
  return counts
}

async function deliverOne<Item>(runtime: WorkerRuntime, context: StepContext, channel: OutboxChannel<Item>, item: Item, counts: OutboxCounts): Promise<void> {
  const timeout = AbortSignal.timeout(channel.timeoutMs(item))
  try {
    await channel.deliver(item, AbortSignal.any([timeout, context.signal]))
  } catch (error) {
    try {
      await channel.recordFailed(item, error, context.clock.now())
    } catch (recordError) {
      if (!CamError.isInstance(recordError, 'CONFLICT')) throw recordError
      runtime.logger.warn(`a claimed ${channel.what} delivery was taken over by another worker`, { deliveryId: channel.idOf(item) })
      return
    }
    counts.failed++
    return
  }
  try {
    await recordDurably(
      () => channel.recordDelivered(item, context.clock.now()),
      () => channel.deliveredRecorded(item),
    )
  } catch (error) {
    if (!CamError.isInstance(error, 'CONFLICT')) throw error
    // The claim expired and another worker took the delivery over: it records it.
    runtime.logger.warn(`a claimed ${channel.what} delivery was taken over by another worker`, { deliveryId: channel.idOf(item) })
    return
  }
  counts.delivered++
  channel.onDelivered(item)
}
