import type { WebhookDeliveryWithEvent, WebhookEndpoint } from '../domain/webhook.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import type { StoreWebhookMethods } from '../ports/store-webhooks-v1.js'
import type { MemoryWebhookState, StoredWebhookDelivery } from './memory-webhook-state.js'

/** The memory store's webhook endpoints and deliveries (events are recorded by the methods that cause them). */
export function memoryWebhookMethods(state: MemoryWebhookState): StoreWebhookMethods {
  const { endpoints, events, deliveries, publicEvent, publicDelivery } = state

  const withEvent = (delivery: StoredWebhookDelivery): WebhookDeliveryWithEvent => ({ delivery: publicDelivery(delivery), event: publicEvent(events.get(delivery.eventId)!) })

  const requireClaimed = (deliveryId: string, workerId: string): StoredWebhookDelivery => {
    const delivery = deliveries.get(deliveryId)
    if (!delivery) throw new NotFoundError(`webhook delivery ${deliveryId} not found`)
    if (delivery.status !== 'delivering' || delivery.claimedBy !== workerId) throw new ConflictError(`webhook delivery ${deliveryId} is not claimed by ${workerId}`)
    return delivery
  }

  /** Whether a delivery of an earlier event of the same lead to the same endpoint is still waiting or in flight. */
  const heldBack = (delivery: StoredWebhookDelivery): boolean => {
    if (delivery.leadId === null) return false
    for (const other of deliveries.values()) {
      if (other.endpoint === delivery.endpoint && other.leadId === delivery.leadId && other.eventSeq < delivery.eventSeq && (other.status === 'pending' || other.status === 'delivering')) return true
    }
    return false
  }

  return {
    async registerWebhookEndpoints({ endpoints: settings, now }) {
      for (const setting of settings) {
        const existing = endpoints.get(setting.name)
        const events = setting.events === '*' ? '*' : [...setting.events]
        if (!existing) {
          endpoints.set(setting.name, { name: setting.name, url: setting.url, events, status: 'enabled', statusReason: null, createdAt: now, updatedAt: now })
          continue
        }
        if (existing.url !== setting.url) {
          existing.status = 'enabled'
          existing.statusReason = null
        }
        existing.url = setting.url
        existing.events = events
        existing.updatedAt = now
      }
    },
    async listWebhookEndpoints() {
      return [...endpoints.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((endpoint) => structuredClone(endpoint))
    },
    async setWebhookEndpointStatus({ name, status, reason, now }) {
      const endpoint = endpoints.get(name)
      if (!endpoint) throw new NotFoundError(`webhook endpoint ${name} not found`)
      endpoint.status = status
      endpoint.statusReason = status === 'enabled' ? null : reason
      endpoint.updatedAt = now
      return structuredClone(endpoint) as WebhookEndpoint
    },
    async claimWebhookDeliveries(input) {
      const wanted = new Set(input.endpoints)
      const due = [...deliveries.values()]
        .filter(
          (d) =>
            wanted.has(d.endpoint) &&
            endpoints.get(d.endpoint)?.status === 'enabled' &&
            ((d.status === 'pending' && d.nextAttemptAt <= input.now) || (d.status === 'delivering' && d.claimExpiresAt !== null && d.claimExpiresAt <= input.now)) &&
            !heldBack(d),
        )
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.eventSeq - b.eventSeq || a.seq - b.seq)
        .slice(0, Math.max(0, input.limit))
      return due.map((delivery) => {
        delivery.status = 'delivering'
        delivery.claimedBy = input.workerId
        delivery.claimExpiresAt = new Date(input.now.getTime() + input.claimTtlMs)
        delivery.attempts += 1
        return withEvent(delivery)
      })
    },
    async recordWebhookDelivered(input) {
      const delivery = requireClaimed(input.deliveryId, input.workerId)
      delivery.status = 'delivered'
      delivery.deliveredAt = input.now
      delivery.lastError = null
      delivery.claimedBy = null
      delivery.claimExpiresAt = null
    },
    async recordWebhookFailed(input) {
      const delivery = requireClaimed(input.deliveryId, input.workerId)
      delivery.lastError = input.error
      delivery.claimedBy = null
      delivery.claimExpiresAt = null
      if (input.retryAt === null) {
        delivery.status = 'dead'
        delivery.deadAt = input.now
      } else {
        delivery.status = 'pending'
        delivery.nextAttemptAt = input.retryAt
      }
    },
    async listWebhookDeliveries(filter = {}) {
      const afterSeq = filter.after === undefined ? 0 : (deliveries.get(filter.after)?.seq ?? Number.POSITIVE_INFINITY)
      const out: WebhookDeliveryWithEvent[] = []
      for (const delivery of [...deliveries.values()].sort((a, b) => a.seq - b.seq)) {
        if (out.length >= (filter.limit ?? 100)) break
        if (delivery.seq <= afterSeq) continue
        if (filter.status !== undefined && delivery.status !== filter.status) continue
        if (filter.endpoint !== undefined && delivery.endpoint !== filter.endpoint) continue
        if (filter.eventId !== undefined && delivery.eventId !== filter.eventId) continue
        out.push(withEvent(delivery))
      }
      return out
    },
    async replayWebhookDelivery({ deliveryId, now }) {
      const delivery = deliveries.get(deliveryId)
      if (!delivery) throw new NotFoundError(`webhook delivery ${deliveryId} not found`)
      if (delivery.status !== 'dead') throw new ConflictError(`webhook delivery ${deliveryId} is ${delivery.status}, not dead`)
      delivery.status = 'pending'
      delivery.nextAttemptAt = now
      delivery.attempts = 0
      delivery.deadAt = null
      delivery.replayedAt = now
      return withEvent(delivery)
    },
  }
}
