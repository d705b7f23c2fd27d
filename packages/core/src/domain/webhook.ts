import type { CamEvent, CamEventType } from './cam-event.js'

/**
 * Whether CAM delivers to a webhook endpoint. `disabled`: the receiver answered
 * `410 Gone` (or a person disabled it); its deliveries wait, undelivered, until it is
 * enabled again.
 */
export type WebhookEndpointStatus = 'enabled' | 'disabled'

/** What the store keeps of an endpoint's configuration (registered by the worker; never the secret). */
export interface WebhookEndpointSettings {
  /** Stable name, unique among the endpoints; deliveries refer to it. */
  name: string
  /** Where deliveries are POSTed. */
  url: string
  /** The event types it receives, or `*` for all. */
  events: CamEventType[] | '*'
}

/** A registered webhook endpoint. */
export interface WebhookEndpoint extends WebhookEndpointSettings {
  /** Whether deliveries go to it. */
  status: WebhookEndpointStatus
  /** Why it is disabled (e.g. `410 Gone`), null when enabled. */
  statusReason: string | null
  /** When it was first registered. */
  createdAt: Date
  /** When it was last registered or changed status. */
  updatedAt: Date
}

/**
 * Where one delivery of one event to one endpoint is:
 * - `pending`: waiting for its next attempt (`nextAttemptAt`);
 * - `delivering`: claimed by a worker (until `claimExpiresAt`; a crashed worker's claim is taken over);
 * - `delivered`: the endpoint answered 2xx;
 * - `dead`: given up (dead letter) — the endpoint kept failing longer than its `giveUpAfterMs`; replayable.
 */
export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'dead'

/** Every {@link WebhookDeliveryStatus}. */
export const webhookDeliveryStatuses: readonly WebhookDeliveryStatus[] = ['pending', 'delivering', 'delivered', 'dead']

/** Delivery of one event to one endpoint. */
export interface WebhookDelivery {
  /** The delivery's own id (what `replayWebhookDelivery` takes). */
  id: string
  /** The event delivered (its id is the `webhook-id` of every attempt). */
  eventId: string
  /** `WebhookEndpoint.name`. */
  endpoint: string
  /** The event's lead (deliveries of one lead's events to one endpoint are made in order). */
  leadId: string | null
  /** Where the delivery is (see {@link WebhookDeliveryStatus}). */
  status: WebhookDeliveryStatus
  /** Attempts made (claims), counted since the last replay. */
  attempts: number
  /** Earliest time of the next attempt. */
  nextAttemptAt: Date
  /** What the last failed attempt got (`HTTP 503`, `timeout after 15000 ms`, …). */
  lastError: string | null
  /** When the endpoint confirmed it (2xx). */
  deliveredAt: Date | null
  /** When it was given up (status `dead`). */
  deadAt: Date | null
  /** When a person last replayed it; its give-up time counts from then. */
  replayedAt: Date | null
  /** The worker holding the claim while `delivering`. */
  claimedBy: string | null
  /** When that claim expires (another worker then takes the delivery over). */
  claimExpiresAt: Date | null
  /** When it was created (with its event). */
  createdAt: Date
}

/** A delivery with its event, as listed and claimed. */
export interface WebhookDeliveryWithEvent {
  /** The delivery. */
  delivery: WebhookDelivery
  /** Its event. */
  event: CamEvent
}
