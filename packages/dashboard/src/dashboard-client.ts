import type { CamClient } from '@cam/core'

/**
 * Client methods a page will need that the `@cam/core` at hand may lack (outbound webhooks'
 * dead letters). The dashboard checks for them at run time, so a page built on them can be
 * shown only with a core that has them. No page uses them yet.
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
