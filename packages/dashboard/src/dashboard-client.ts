import type { CamClient } from '@cam/core'

/**
 * Client methods a page needs that an older `@cam/core` may lack. The dashboard checks for
 * each at run time: a page whose method is missing is left out of the navigation (and
 * answers 404), so the dashboard works with the core it is given.
 */
export interface OptionalClientMethods {
  listWebhookDeliveries?: unknown
  replayWebhookDelivery?: unknown
}

/** The client as the pages see it. */
export type DashboardClient = CamClient

/** Which optional pages and actions the given client supports. */
export interface ClientCapabilities {
  webhookDeliveries: boolean
}

/** Reads the capabilities once, when the dashboard is created. */
export function clientCapabilities(client: DashboardClient): ClientCapabilities {
  const optional = client as CamClient & OptionalClientMethods
  return {
    webhookDeliveries: typeof optional.listWebhookDeliveries === 'function' && typeof optional.replayWebhookDelivery === 'function',
  }
}
