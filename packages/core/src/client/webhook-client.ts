import { webhookDeliveryStatuses, type WebhookDeliveryStatus, type WebhookDeliveryWithEvent, type WebhookEndpoint } from '../domain/webhook.js'
import type { StoreV1 } from '../ports/store-v1.js'
import type { Clock } from '../util/clock.js'
import { clientArguments, filterArgument, idArgument, limitArgument, oneOf, textArgument } from './client-arguments.js'

/** The management client's view of outbound webhooks: deliveries, dead letters, endpoints. */
export interface CamWebhookClient {
  /**
   * Webhook deliveries with their events, oldest first — e.g. the dead letters
   * (`{ status: 'dead' }`) the dashboard shows. `endpoint`: one endpoint's; page with
   * `after` (the last delivery id of the previous page); `limit` 1 to 1000 (default 100).
   */
  listWebhookDeliveries(filter?: { status?: WebhookDeliveryStatus; endpoint?: string; limit?: number; after?: string }): Promise<WebhookDeliveryWithEvent[]>
  /**
   * Queues a dead letter again, due now: the same event (same `webhook-id`, same payload),
   * a fresh give-up time counted from now. Throws `ConflictError` when it is not dead.
   */
  replayWebhookDelivery(deliveryId: string): Promise<WebhookDeliveryWithEvent>
  /** The endpoints the workers registered (never their secrets), with their status. */
  listWebhookEndpoints(): Promise<WebhookEndpoint[]>
  /** Enables an endpoint again (e.g. after it answered 410 Gone): its kept deliveries resume. */
  enableWebhookEndpoint(name: string): Promise<WebhookEndpoint>
  /** Disables an endpoint by hand: nothing is delivered to it until it is enabled again; its deliveries are kept. */
  disableWebhookEndpoint(name: string, reason?: string): Promise<WebhookEndpoint>
}

const listArguments = clientArguments('listWebhookDeliveries', {
  filter: filterArgument({
    status: oneOf(webhookDeliveryStatuses, 'webhook delivery status').optional(),
    endpoint: idArgument.optional(),
    limit: limitArgument.optional(),
    after: idArgument.optional(),
  }).optional(),
})
const replayArguments = clientArguments('replayWebhookDelivery', { deliveryId: idArgument })
const enableArguments = clientArguments('enableWebhookEndpoint', { name: idArgument })
const disableArguments = clientArguments('disableWebhookEndpoint', { name: idArgument, reason: textArgument(500).optional() })

/** The webhook methods of `createCamClient`. */
export function webhookClientMethods(store: StoreV1, clock: Clock): CamWebhookClient {
  return {
    async listWebhookDeliveries(filter) {
      const parsed = listArguments({ filter }).filter ?? {}
      return store.listWebhookDeliveries({
        limit: parsed.limit ?? 100,
        ...(parsed.status !== undefined ? { status: parsed.status } : {}),
        ...(parsed.endpoint !== undefined ? { endpoint: parsed.endpoint } : {}),
        ...(parsed.after !== undefined ? { after: parsed.after } : {}),
      })
    },
    async replayWebhookDelivery(deliveryId) {
      replayArguments({ deliveryId })
      return store.replayWebhookDelivery({ deliveryId, now: clock.now() })
    },
    async listWebhookEndpoints() {
      return store.listWebhookEndpoints()
    },
    async enableWebhookEndpoint(name) {
      enableArguments({ name })
      return store.setWebhookEndpointStatus({ name, status: 'enabled', reason: null, now: clock.now() })
    },
    async disableWebhookEndpoint(name, reason) {
      const parsed = disableArguments({ name, reason })
      return store.setWebhookEndpointStatus({ name, status: 'disabled', reason: parsed.reason ?? 'disabled by a person', now: clock.now() })
    },
  }
}
