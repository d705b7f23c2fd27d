import type { StoreV1 } from '../ports/store-v1.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import { clone, type MemoryStoreState } from './memory-store-state.js'

type AlertMethods = Pick<StoreV1, 'createAlert' | 'claimAlertDeliveries' | 'recordAlertDelivered' | 'recordAlertFailed' | 'listAlerts' | 'listAlertDeliveries'>

/** The memory store's alerts and their deliveries, one per channel. */
export function memoryAlertMethods(state: MemoryStoreState): AlertMethods {
  const { alerts, deliveries, createAlertRows } = state
  return {
    async createAlert(input) {
      const alert = createAlertRows(input.alert, input.channels, input.now)
      state.webhooks.insertEvents(input.events, input.now)
      return clone(alert)
    },
    async claimAlertDeliveries(input) {
      const channels = new Set(input.channels)
      const due = [...deliveries.values()]
        .filter(
          (d) =>
            channels.has(d.channel) &&
            ((d.status === 'pending' && d.nextAttemptAt <= input.now) ||
              (d.status === 'delivering' && d.claimExpiresAt !== null && d.claimExpiresAt <= input.now)),
        )
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
        .slice(0, input.limit)
      return due.map((delivery) => {
        delivery.status = 'delivering'
        delivery.claimedBy = input.workerId
        delivery.claimExpiresAt = new Date(input.now.getTime() + input.claimTtlMs)
        delivery.attempts += 1
        return { delivery: clone(delivery), alert: clone(alerts.get(delivery.alertId)!) }
      })
    },
    async recordAlertDelivered(input) {
      const delivery = deliveries.get(input.deliveryId)
      if (!delivery) throw new NotFoundError(`alert delivery ${input.deliveryId} not found`)
      if (delivery.status !== 'delivering' || delivery.claimedBy !== input.workerId) {
        throw new ConflictError(`alert delivery ${input.deliveryId} is not claimed by ${input.workerId}`)
      }
      delivery.status = 'delivered'
      delivery.deliveredAt = input.now
      delivery.lastError = null
      delivery.claimedBy = null
      delivery.claimExpiresAt = null
    },
    async recordAlertFailed(input) {
      const delivery = deliveries.get(input.deliveryId)
      if (!delivery) throw new NotFoundError(`alert delivery ${input.deliveryId} not found`)
      if (delivery.status !== 'delivering' || delivery.claimedBy !== input.workerId) {
        throw new ConflictError(`alert delivery ${input.deliveryId} is not claimed by ${input.workerId}`)
      }
      delivery.status = 'pending'
      delivery.nextAttemptAt = input.retryAt
      delivery.lastError = input.error
      delivery.claimedBy = null
      delivery.claimExpiresAt = null
    },
    async listAlerts(filter = {}) {
      // Insertion order is creation order.
      let list = [...alerts.values()].filter((a) => filter.campaignId === undefined || a.campaignId === filter.campaignId)
      if (filter.order === 'newest_first') list.reverse()
      if (filter.after !== undefined) {
        const index = list.findIndex((a) => a.id === filter.after)
        list = index === -1 ? [] : list.slice(index + 1)
      }
      return list.slice(0, filter.limit ?? 1000).map(clone)
    },
    async listAlertDeliveries(filter = {}) {
      return [...deliveries.values()]
        .filter((d) => (filter.alertId === undefined || d.alertId === filter.alertId) && (!filter.statuses || filter.statuses.includes(d.status)))
        .map(clone)
    },
  }
}
