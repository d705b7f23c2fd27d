import { randomUUID } from 'node:crypto'
import type { CamEvent, NewCamEvent, WebhookDelivery, WebhookEndpoint } from '@cam/core'
import type { SqlExecutor } from './database.js'
import type { Row } from './rows.js'

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))
const date = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)))
const requiredDate = (value: unknown): Date => date(value) ?? new Date(Number.NaN)
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T))

/**
 * Records events in the caller's transaction (the one making the state change that causes
 * them) and fans each out to one pending delivery per enabled endpoint whose filter
 * matches its type — one statement. An event no enabled endpoint subscribes to is not kept.
 */
export async function insertCamEvents(tx: SqlExecutor, schema: string, events: readonly NewCamEvent[] | undefined, now: Date): Promise<void> {
  if (!events || events.length === 0) return
  await tx.query(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::text[], $7::jsonb[])
         WITH ORDINALITY AS i(id, type, version, occurred_at, campaign_id, lead_id, data, n)
     ), targets AS (
       SELECT i.id AS event_id, w.name FROM input i
       JOIN ${schema}.webhook_endpoints w ON w.status = 'enabled' AND (w.events IS NULL OR i.type = ANY(w.events))
     ), inserted AS (
       INSERT INTO ${schema}.webhook_events (id, type, version, occurred_at, campaign_id, lead_id, data, recorded_at)
       SELECT i.id, i.type, i.version, i.occurred_at, i.campaign_id, i.lead_id, i.data, $8 FROM input i
       WHERE EXISTS (SELECT 1 FROM targets t WHERE t.event_id = i.id)
       ORDER BY i.n
       RETURNING id, seq, lead_id
     )
     INSERT INTO ${schema}.webhook_deliveries (id, event_id, event_seq, endpoint, lead_id, status, attempts, next_attempt_at, created_at)
     SELECT gen_random_uuid()::text, e.id, e.seq, t.name, e.lead_id, 'pending', 0, $8, $8
     FROM inserted e JOIN targets t ON t.event_id = e.id
     ORDER BY e.seq, t.name`,
    [
      events.map(() => `evt_${randomUUID().replaceAll('-', '')}`),
      events.map((event) => event.type),
      events.map((event) => event.version),
      events.map((event) => event.occurredAt),
      events.map((event) => event.campaignId),
      events.map((event) => event.leadId),
      events.map((event) => JSON.stringify(event.data)),
      now,
    ],
  )
}

/** An event row (`webhook_events`). */
export function toCamEvent(row: Row): CamEvent {
  return {
    id: String(row.id),
    type: row.type as CamEvent['type'],
    version: 1,
    occurredAt: requiredDate(row.occurred_at),
    campaignId: text(row.campaign_id),
    leadId: text(row.lead_id),
    data: json(row.data),
  } as CamEvent
}

/** A delivery row (`webhook_deliveries`). */
export function toWebhookDelivery(row: Row): WebhookDelivery {
  return {
    id: String(row.id),
    eventId: String(row.event_id),
    endpoint: String(row.endpoint),
    leadId: text(row.lead_id),
    status: row.status as WebhookDelivery['status'],
    attempts: Number(row.attempts),
    nextAttemptAt: requiredDate(row.next_attempt_at),
    lastError: text(row.last_error),
    deliveredAt: date(row.delivered_at),
    deadAt: date(row.dead_at),
    replayedAt: date(row.replayed_at),
    claimedBy: text(row.claimed_by),
    claimExpiresAt: date(row.claim_expires_at),
    createdAt: requiredDate(row.created_at),
  }
}

/** An endpoint row (`webhook_endpoints`). */
export function toWebhookEndpoint(row: Row): WebhookEndpoint {
  return {
    name: String(row.name),
    url: String(row.url),
    events: row.events === null || row.events === undefined ? '*' : (json<string[]>(row.events) as WebhookEndpoint['events']),
    status: row.status as WebhookEndpoint['status'],
    statusReason: text(row.status_reason),
    createdAt: requiredDate(row.created_at),
    updatedAt: requiredDate(row.updated_at),
  }
}
