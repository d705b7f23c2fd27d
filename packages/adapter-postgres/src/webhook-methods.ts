import { ConflictError, NotFoundError, type StoreV1, type WebhookDeliveryWithEvent } from '@cam/core'
import type { Row } from './rows.js'
import type { StoreContext } from './store-context.js'
import { toCamEvent, toWebhookDelivery, toWebhookEndpoint } from './webhook-events.js'

type WebhookMethods = Pick<
  StoreV1,
  | 'registerWebhookEndpoints'
  | 'listWebhookEndpoints'
  | 'setWebhookEndpointStatus'
  | 'claimWebhookDeliveries'
  | 'recordWebhookDelivered'
  | 'recordWebhookFailed'
  | 'listWebhookDeliveries'
  | 'replayWebhookDelivery'
>

const withEvent = (row: Row): WebhookDeliveryWithEvent => ({ delivery: toWebhookDelivery(row.delivery as Row), event: toCamEvent(row.event as Row) })

/**
 * Webhook endpoints and deliveries (events are inserted by the methods whose transaction
 * causes them, see `insertCamEvents`). Claims take `FOR UPDATE SKIP LOCKED` like the
 * alert deliveries', and keep one lead's events in order per endpoint.
 */
export function webhookMethods(context: StoreContext): WebhookMethods {
  const { db, schema } = context

  /** Conditional update of a claimed delivery; tells a missing delivery from a lost claim. */
  const updateClaimed = async (deliveryId: string, workerId: string, set: string, params: unknown[]) => {
    const { rows } = await db.query(`UPDATE ${schema}.webhook_deliveries SET ${set} WHERE id = $1 AND status = 'delivering' AND claimed_by = $2 RETURNING id`, [deliveryId, workerId, ...params])
    if (rows[0]) return
    const exists = await db.query(`SELECT 1 FROM ${schema}.webhook_deliveries WHERE id = $1`, [deliveryId])
    if (exists.rows.length === 0) throw new NotFoundError(`webhook delivery ${deliveryId} not found`)
    throw new ConflictError(`webhook delivery ${deliveryId} is not claimed by ${workerId}`)
  }

  return {
    registerWebhookEndpoints({ endpoints, now }) {
      return context.run('registerWebhookEndpoints', async () => {
        if (endpoints.length === 0) return
        // A changed url is a new subscription: enabled again.
        await db.query(
          `INSERT INTO ${schema}.webhook_endpoints AS w (name, url, events, status, status_reason, created_at, updated_at)
           SELECT e.name, e.url, CASE WHEN e.events IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(e.events)) END, 'enabled', NULL, $4, $4
           FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS e(name, url, events, n)
           ORDER BY e.n
           ON CONFLICT (name) DO UPDATE SET
             url = EXCLUDED.url, events = EXCLUDED.events, updated_at = EXCLUDED.updated_at,
             status = CASE WHEN w.url IS DISTINCT FROM EXCLUDED.url THEN 'enabled' ELSE w.status END,
             status_reason = CASE WHEN w.url IS DISTINCT FROM EXCLUDED.url THEN NULL ELSE w.status_reason END`,
          [endpoints.map((e) => e.name), endpoints.map((e) => e.url), endpoints.map((e) => (e.events === '*' ? null : JSON.stringify(e.events))), now],
        )
      })
    },
    listWebhookEndpoints() {
      return context.run('listWebhookEndpoints', async () => {
        const { rows } = await db.query(`SELECT name, url, to_jsonb(events) AS events, status, status_reason, created_at, updated_at FROM ${schema}.webhook_endpoints ORDER BY name COLLATE "C"`)
        return rows.map(toWebhookEndpoint)
      })
    },
    setWebhookEndpointStatus({ name, status, reason, now }) {
      return context.run('setWebhookEndpointStatus', async () => {
        const { rows } = await db.query(
          `UPDATE ${schema}.webhook_endpoints SET status = $2, status_reason = CASE WHEN $2 = 'enabled' THEN NULL ELSE $3::text END, updated_at = $4
           WHERE name = $1
           RETURNING name, url, to_jsonb(events) AS events, status, status_reason, created_at, updated_at`,
          [name, status, reason, now],
        )
        if (!rows[0]) throw new NotFoundError(`webhook endpoint ${name} not found`)
        return toWebhookEndpoint(rows[0])
      })
    },
    claimWebhookDeliveries(input) {
      return context.run('claimWebhookDeliveries', async () => {
        if (input.endpoints.length === 0 || input.limit <= 0) return []
        // Order per lead: a delivery waits while one of an earlier event of its lead to its
        // endpoint is still to deliver. A concurrent claimer sees such an earlier delivery
        // as pending (not yet committed) or delivering (committed): either way it waits.
        const { rows } = await db.query(
          `WITH due AS (
             SELECT d.id FROM ${schema}.webhook_deliveries d
             JOIN ${schema}.webhook_endpoints w ON w.name = d.endpoint AND w.status = 'enabled'
             WHERE d.endpoint = ANY($1::text[])
               AND ((d.status = 'pending' AND d.next_attempt_at <= $2) OR (d.status = 'delivering' AND d.claim_expires_at <= $2))
               AND (d.lead_id IS NULL OR NOT EXISTS (
                 SELECT 1 FROM ${schema}.webhook_deliveries earlier
                 WHERE earlier.endpoint = d.endpoint AND earlier.lead_id = d.lead_id AND earlier.event_seq < d.event_seq
                   AND earlier.delivered_at IS NULL AND earlier.dead_at IS NULL))
             ORDER BY d.next_attempt_at, d.event_seq, d.seq
             LIMIT $3
             FOR UPDATE OF d SKIP LOCKED
           ), claimed AS (
             UPDATE ${schema}.webhook_deliveries d
             SET status = 'delivering', claimed_by = $4, claim_expires_at = $5, attempts = d.attempts + 1
             FROM due WHERE d.id = due.id
             RETURNING d.*
           )
           SELECT to_jsonb(claimed) AS delivery, to_jsonb(e) AS event
           FROM claimed JOIN ${schema}.webhook_events e ON e.id = claimed.event_id
           ORDER BY claimed.next_attempt_at, claimed.event_seq, claimed.seq`,
          [input.endpoints, input.now, input.limit, input.workerId, new Date(input.now.getTime() + input.claimTtlMs)],
        )
        return rows.map(withEvent)
      })
    },
    recordWebhookDelivered(input) {
      return context.run('recordWebhookDelivered', () =>
        updateClaimed(input.deliveryId, input.workerId, `status = 'delivered', delivered_at = $3, last_error = NULL, claimed_by = NULL, claim_expires_at = NULL`, [input.now]),
      )
    },
    recordWebhookFailed(input) {
      return context.run('recordWebhookFailed', () =>
        input.retryAt === null
          ? updateClaimed(input.deliveryId, input.workerId, `status = 'dead', dead_at = $3, last_error = $4, claimed_by = NULL, claim_expires_at = NULL`, [input.now, input.error])
          : updateClaimed(input.deliveryId, input.workerId, `status = 'pending', next_attempt_at = $3, last_error = $4, claimed_by = NULL, claim_expires_at = NULL`, [input.retryAt, input.error]),
      )
    },
    listWebhookDeliveries(filter = {}) {
      return context.run('listWebhookDeliveries', async () => {
        const where: string[] = []
        const params: unknown[] = []
        if (filter.status !== undefined) where.push(`d.status = $${params.push(filter.status)}`)
        if (filter.endpoint !== undefined) where.push(`d.endpoint = $${params.push(filter.endpoint)}`)
        if (filter.eventId !== undefined) where.push(`d.event_id = $${params.push(filter.eventId)}`)
        // After an unknown id: nothing (the comparison with NULL is never true).
        if (filter.after !== undefined) where.push(`d.seq > (SELECT seq FROM ${schema}.webhook_deliveries WHERE id = $${params.push(filter.after)})`)
        const limit = `$${params.push(filter.limit ?? 100)}`
        const { rows } = await db.query(
          `SELECT to_jsonb(d) AS delivery, to_jsonb(e) AS event
           FROM ${schema}.webhook_deliveries d JOIN ${schema}.webhook_events e ON e.id = d.event_id
           ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY d.seq LIMIT ${limit}`,
          params,
        )
        return rows.map(withEvent)
      })
    },
    replayWebhookDelivery({ deliveryId, now }) {
      return context.run('replayWebhookDelivery', async () => {
        const { rows } = await db.query(
          `WITH d AS (
             UPDATE ${schema}.webhook_deliveries
             SET status = 'pending', next_attempt_at = $2, attempts = 0, dead_at = NULL, replayed_at = $2
             WHERE id = $1 AND status = 'dead'
             RETURNING *
           )
           SELECT to_jsonb(d) AS delivery, to_jsonb(e) AS event FROM d JOIN ${schema}.webhook_events e ON e.id = d.event_id`,
          [deliveryId, now],
        )
        if (rows[0]) return withEvent(rows[0])
        const found = await db.query(`SELECT status FROM ${schema}.webhook_deliveries WHERE id = $1`, [deliveryId])
        if (!found.rows[0]) throw new NotFoundError(`webhook delivery ${deliveryId} not found`)
        throw new ConflictError(`webhook delivery ${deliveryId} is ${String(found.rows[0].status)}, not dead`)
      })
    },
  }
}
