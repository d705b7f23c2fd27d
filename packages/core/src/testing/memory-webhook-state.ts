import { randomUUID } from 'node:crypto'
import type { CamEvent, NewCamEvent } from '../domain/cam-event.js'
import type { WebhookDelivery, WebhookEndpoint } from '../domain/webhook.js'

/** A delivery as the memory store keeps it: with its event's position, for per-lead order. */
export interface StoredWebhookDelivery extends WebhookDelivery {
  seq: number
  eventSeq: number
}

/**
 * The memory store's outbox: registered endpoints, recorded events and their deliveries.
 * `insertEvents` is called by the methods whose state change causes the events, inside
 * their synchronous (atomic) body.
 */
export function createMemoryWebhookState() {
  const endpoints = new Map<string, WebhookEndpoint>()
  const events = new Map<string, CamEvent & { seq: number }>()
  const deliveries = new Map<string, StoredWebhookDelivery>()
  let sequence = 0

  const subscribes = (endpoint: WebhookEndpoint, type: CamEvent['type']) => endpoint.status === 'enabled' && (endpoint.events === '*' || endpoint.events.includes(type))

  /** Records events and one pending delivery per enabled endpoint that subscribes; events nobody subscribes to are not kept. */
  const insertEvents = (newEvents: readonly NewCamEvent[] | undefined, now: Date): void => {
    for (const draft of newEvents ?? []) {
      const targets = [...endpoints.values()].filter((endpoint) => subscribes(endpoint, draft.type))
      if (targets.length === 0) continue
      const event = { ...structuredClone(draft), id: `evt_${randomUUID().replaceAll('-', '')}`, seq: ++sequence } as CamEvent & { seq: number }
      events.set(event.id, event)
      for (const endpoint of targets) {
        const delivery: StoredWebhookDelivery = {
          id: randomUUID(),
          eventId: event.id,
          endpoint: endpoint.name,
          leadId: event.leadId,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          deliveredAt: null,
          deadAt: null,
          replayedAt: null,
          claimedBy: null,
          claimExpiresAt: null,
          createdAt: now,
          seq: ++sequence,
          eventSeq: event.seq,
        }
        deliveries.set(delivery.id, delivery)
      }
    }
  }

  const publicEvent = (event: CamEvent & { seq: number }): CamEvent => {
    const { seq: _seq, ...rest } = event
    return structuredClone(rest) as CamEvent
  }

  const publicDelivery = (delivery: StoredWebhookDelivery): WebhookDelivery => {
    const { seq: _seq, eventSeq: _eventSeq, ...rest } = delivery
    return structuredClone(rest)
  }

  return { endpoints, events, deliveries, insertEvents, publicEvent, publicDelivery }
}

/** The memory store's outbox state. */
export type MemoryWebhookState = ReturnType<typeof createMemoryWebhookState>
