import { randomUUID } from 'node:crypto'
import type { NewCamEvent } from '../../domain/cam-event.js'
import type { WebhookDeliveryWithEvent, WebhookEndpointSettings } from '../../domain/webhook.js'
import type { StoreV1 } from '../../ports/store-v1.js'

/** A `lead.state_changed` event of a lead. */
export function leadEvent(campaignId: string, leadId: string, occurredAt: Date, to: 'replied' | 'interested' | 'no_reply' = 'replied'): NewCamEvent {
  return {
    type: 'lead.state_changed',
    version: 1,
    occurredAt,
    campaignId,
    leadId,
    data: { leadEmail: 'lee@prospect.example', from: 'active', to, reason: 'a reply ✓ <b>"quoted"</b>' },
  }
}

/** A `campaign.paused` event (no lead). */
export function campaignEvent(campaignId: string, occurredAt: Date, type: 'campaign.paused' | 'campaign.resumed' = 'campaign.paused'): NewCamEvent {
  return { type, version: 1, occurredAt, campaignId, leadId: null, data: { campaignName: 'Conformance', reason: 'bounce rate 9% is above the 5% threshold' } }
}

/** Registers endpoints with unique names for one test; returns their names in order. */
export async function registerEndpoints(store: StoreV1, now: Date, filters: Array<WebhookEndpointSettings['events']>): Promise<string[]> {
  const prefix = `hook-${randomUUID().slice(0, 8)}`
  const endpoints = filters.map((events, index) => ({ name: `${prefix}-${index}`, url: `https://receiver.example/${prefix}/${index}`, events }))
  await store.registerWebhookEndpoints({ endpoints, now })
  return endpoints.map((endpoint) => endpoint.name)
}

/** Disables a test's endpoints at its end, so later tests on a shared store do not fan out to them. */
export async function retireEndpoints(store: StoreV1, names: string[], now: Date): Promise<void> {
  for (const name of names) await store.setWebhookEndpointStatus({ name, status: 'disabled', reason: 'test over', now })
}

/** Every delivery to these endpoints (all pages). */
export async function deliveriesTo(store: StoreV1, endpoints: string[]): Promise<WebhookDeliveryWithEvent[]> {
  const all: WebhookDeliveryWithEvent[] = []
  for (const endpoint of endpoints) {
    let after: string | undefined
    for (;;) {
      const page = await store.listWebhookDeliveries({ endpoint, limit: 50, ...(after ? { after } : {}) })
      all.push(...page)
      if (page.length < 50) break
      after = page.at(-1)!.delivery.id
    }
  }
  return all
}

/** Claims due deliveries to these endpoints (only theirs: the claim filters by endpoint). */
export function claimFor(store: StoreV1, endpoints: string[], now: Date, workerId = 'worker-a', limit = 100, claimTtlMs = 60_000) {
  return store.claimWebhookDeliveries({ now, workerId, limit, claimTtlMs, endpoints })
}
