import type { WebhookDeliveryStatus, WebhookDeliveryWithEvent, WebhookEndpoint, WebhookEndpointSettings, WebhookEndpointStatus } from '../domain/webhook.js'

/** Input of {@link StoreWebhookMethods.claimWebhookDeliveries}. */
export interface ClaimWebhookDeliveriesInput {
  now: Date
  workerId: string
  limit: number
  /** How long the claim holds; after it a crashed worker's delivery is claimed again. */
  claimTtlMs: number
  /** Only deliveries to these endpoints (the worker's). */
  endpoints: string[]
}

/** Input of {@link StoreWebhookMethods.recordWebhookFailed}. */
export interface RecordWebhookFailedInput {
  deliveryId: string
  workerId: string
  now: Date
  /** What the attempt got, one line (`HTTP 503`, `timeout after 15000 ms`). Never a secret. */
  error: string
  /** When to try again; null gives it up (status `dead`, a dead letter). */
  retryAt: Date | null
}

/** Filter of {@link StoreWebhookMethods.listWebhookDeliveries}. */
export interface ListWebhookDeliveriesFilter {
  status?: WebhookDeliveryStatus
  /** Endpoint name. */
  endpoint?: string
  eventId?: string
  /** Page size (default 100). */
  limit?: number
  /** Keyset pagination: deliveries created after the delivery with this id (order of creation). */
  after?: string
}

/**
 * The webhook part of the Store port: registered endpoints, an outbox of
 * {@link CamEvent}s and one delivery per event and subscribed endpoint.
 *
 * Events are recorded by the methods that make the state change causing them (the
 * `events` of `recordMessageOutcome`, `recordDeliveryEvent`, `transitionCampaign`,
 * `transitionLead`, `transitionMailbox`, `recordEmailSent`, `resolveInDoubtEmail`,
 * `createAlert`), in the same transaction, and only when the change happens. Recording an
 * event gives it its id (`evt_…`, never reused) and fans it out, in that transaction, to
 * one `pending` delivery per registered `enabled` endpoint whose filter matches its type.
 * An event no such endpoint subscribes to is not kept; endpoints registered later do not
 * receive events recorded before.
 *
 * Deliveries are claimed like alert deliveries (exclusive, with a claim TTL, safe for many
 * workers). Order: a delivery is claimable only when no delivery of an earlier event of
 * the same lead to the same endpoint is `pending` or `delivering` — one lead's events
 * reach an endpoint in the order they were recorded (a dead letter no longer holds the
 * later ones back). Events without a lead are not ordered.
 */
export interface StoreWebhookMethods {
  /**
   * Registers (or updates) the worker's endpoints: url and event filter. A new endpoint
   * is `enabled`; an existing one keeps its status — unless its url changed, which
   * enables it again (a new address is a new subscription).
   */
  registerWebhookEndpoints(input: { endpoints: WebhookEndpointSettings[]; now: Date }): Promise<void>
  /** Registered endpoints, by name. */
  listWebhookEndpoints(): Promise<WebhookEndpoint[]>
  /**
   * Enables or disables an endpoint (a `410 Gone`, or a person). Its deliveries are kept:
   * while it is disabled none is claimed. Throws `NotFoundError` when unknown.
   */
  setWebhookEndpointStatus(input: { name: string; status: WebhookEndpointStatus; reason: string | null; now: Date }): Promise<WebhookEndpoint>
  /**
   * Claims due deliveries to `endpoints` that are `enabled`: `pending` with
   * `nextAttemptAt <= now`, or `delivering` with an expired claim; `attempts` + 1; oldest
   * due first, per-lead order kept (see above). Safe under concurrency: two callers never
   * get the same delivery.
   */
  claimWebhookDeliveries(input: ClaimWebhookDeliveriesInput): Promise<WebhookDeliveryWithEvent[]>
  /** Marks a claimed delivery delivered. Throws `ConflictError` when `workerId` no longer holds the claim. */
  recordWebhookDelivered(input: { deliveryId: string; workerId: string; now: Date }): Promise<void>
  /**
   * Records a failed attempt: `pending` again until `retryAt`, or `dead` when `retryAt`
   * is null. Throws `ConflictError` when `workerId` no longer holds the claim.
   */
  recordWebhookFailed(input: RecordWebhookFailedInput): Promise<void>
  /** Deliveries with their events, in order of creation, filtered. */
  listWebhookDeliveries(filter?: ListWebhookDeliveriesFilter): Promise<WebhookDeliveryWithEvent[]>
  /**
   * Queues a `dead` delivery again, due now, with `attempts` 0 and `replayedAt` = `now`
   * (same event: same id and payload). Throws `NotFoundError` when missing,
   * `ConflictError` when it is not `dead`.
   */
  replayWebhookDelivery(input: { deliveryId: string; now: Date }): Promise<WebhookDeliveryWithEvent>
}
