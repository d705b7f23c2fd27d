import { addMetricCounts, emptyMetricCounts } from '../domain/metrics.js'
import type { LockV1 } from '../ports/lock-v1.js'
import type { CampaignCounters, StoreV1 } from '../ports/store-v1.js'
import { systemClock, type Clock } from '../util/clock.js'
import { memoryAlertMethods } from './memory-alert-methods.js'
import { memoryCampaignMethods } from './memory-campaign-methods.js'
import { memoryDeliveryMethods } from './memory-delivery-methods.js'
import { memoryEmailMethods } from './memory-email-methods.js'
import { memoryLeadMethods } from './memory-lead-methods.js'
import { memoryLeaseMethods } from './memory-lease-methods.js'
import { memoryMailboxMethods } from './memory-mailbox-methods.js'
import { memoryMessageMethods } from './memory-message-methods.js'
import { memoryWebhookMethods } from './memory-webhook-methods.js'
import { clone, createMemoryStoreState } from './memory-store-state.js'

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Clock used for leases (the "database clock" of this store). Pass the worker's
   * manual clock in simulations so leases expire in simulated time.
   */
  clock?: Clock
}

/** An in-memory {@link StoreV1} and {@link LockV1}, for tests, examples and prototypes. */
export interface MemoryStore extends StoreV1, LockV1 {
  /** Makes the next `count` calls of `operation` (a method name) throw `error` — to simulate outages. */
  failNext(operation: keyof StoreV1 | keyof LockV1, count?: number, error?: Error): void
}

/**
 * Creates an in-memory store. Every method runs synchronously to completion inside
 * its promise, so each one is atomic, like a database transaction. The methods live by
 * area in `memory-*-methods.ts` over one shared state (`memory-store-state.ts`), as the
 * PostgreSQL store's do.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock
  const state = createMemoryStoreState(clock)
  const { suppressions, counters, heartbeats, workListeners, applySuppression } = state
  const failures = new Map<string, Error[]>()

  const checkFailure = (operation: string) => {
    const queue = failures.get(operation)
    const error = queue?.shift()
    if (error) throw error
  }

  const store: StoreV1 & LockV1 = {
    ...memoryCampaignMethods(state),
    ...memoryLeadMethods(state),
    ...memoryEmailMethods(state),
    ...memoryMessageMethods(state),
    ...memoryDeliveryMethods(state),
    ...memoryMailboxMethods(state),
    ...memoryAlertMethods(state),
    ...memoryLeaseMethods(state),
    ...memoryWebhookMethods(state.webhooks),

    // ── suppressions ───────────────────────────────────────────────────────────
    async suppress(input) {
      return { created: applySuppression(input.email, input.reason, input.source, input.now) }
    },
    async getSuppression(email) {
      const entry = suppressions.get(email)
      return entry ? clone(entry) : null
    },
    async listSuppressions(filter = {}) {
      let entries = [...suppressions.values()]
      if (filter.after !== undefined) {
        const index = entries.findIndex((entry) => entry.email === filter.after)
        entries = index === -1 ? [] : entries.slice(index + 1)
      }
      const search = filter.search?.toLowerCase()
      if (search) entries = entries.filter((entry) => entry.email.includes(search))
      return entries.slice(0, filter.limit ?? 1000).map(clone)
    },
    async removeSuppression({ email }) {
      const entry = suppressions.get(email)
      if (!entry) return null
      suppressions.delete(email)
      return clone(entry)
    },

    // ── metrics ────────────────────────────────────────────────────────────────
    async getCampaignCounters({ campaignIds, sinceDay }): Promise<CampaignCounters[]> {
      return campaignIds.map((campaignId) => {
        let lifetime = emptyMetricCounts()
        let window = emptyMetricCounts()
        for (const [day, counts] of counters.get(campaignId) ?? []) {
          lifetime = addMetricCounts(lifetime, counts)
          if (day >= sinceDay) window = addMetricCounts(window, counts)
        }
        return { campaignId, lifetime, window }
      })
    },

    async getCampaignDailyCounters({ campaignId, sinceDay }) {
      return [...(counters.get(campaignId) ?? [])]
        .filter(([day]) => day >= sinceDay)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, counts]) => ({ day, counts: addMetricCounts(emptyMetricCounts(), counts) }))
    },

    // ── workers ────────────────────────────────────────────────────────────────
    async recordHeartbeat(heartbeat) {
      heartbeats.set(heartbeat.workerId, clone(heartbeat))
    },
    async listHeartbeats() {
      return [...heartbeats.values()].map(clone)
    },

    onWorkQueued(listener) {
      workListeners.add(listener)
      return () => workListeners.delete(listener)
    },
    async close() {
      workListeners.clear()
    },
  }

  // Failure injection: wrap every method so `failNext` can make it throw.
  const wrapped = {} as MemoryStore
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') continue
    const method = value as (...args: unknown[]) => unknown
    ;(wrapped as unknown as Record<string, unknown>)[name] =
      name === 'onWorkQueued'
        ? method
        : async (...args: unknown[]) => {
            checkFailure(name)
            return method(...args)
          }
  }
  wrapped.failNext = (operation, count = 1, error) => {
    const queue = failures.get(operation) ?? []
    for (let i = 0; i < count; i++) queue.push(error ?? new Error(`injected ${String(operation)} failure`))
    failures.set(operation, queue)
  }
  return wrapped
}
