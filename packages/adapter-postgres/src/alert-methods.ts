import { ConflictError, NotFoundError, type CampaignCounters, type StoreV1 } from '@cam/core'
import { emptyMetricCounts, metricNames } from '@cam/core/adapter-kit'
import { toAlert, toDelivery, toHeartbeat, toSuppression, type Row } from './rows.js'
import { counterColumns, insertAlert } from './shared-statements.js'
import type { StoreContext } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'

type AlertMethods = Pick<
  StoreV1,
  | 'createAlert'
  | 'claimAlertDeliveries'
  | 'recordAlertDelivered'
  | 'recordAlertFailed'
  | 'listAlerts'
  | 'listAlertDeliveries'
  | 'getCampaignCounters'
  | 'getSuppression'
  | 'listSuppressions'
  | 'removeSuppression'
  | 'getCampaignDailyCounters'
  | 'recordHeartbeat'
  | 'listHeartbeats'
>

/** Alerts and their deliveries, metric counters, suppression reads, worker heartbeats. */
export function alertMethods(context: StoreContext): AlertMethods {
  const { db, schema } = context
  const columns = metricNames.map((name) => counterColumns[name])
  const countersSql = `
    SELECT campaign_id,
      ${columns.map((c) => `sum(${c})::float8 AS lifetime_${c}`).join(', ')},
      ${columns.map((c) => `(sum(${c}) FILTER (WHERE day >= $2::date))::float8 AS window_${c}`).join(', ')}
    FROM ${schema}.campaign_counters
    WHERE campaign_id = ANY($1::text[])
    GROUP BY campaign_id`

  /** Conditional update of a claimed delivery; tells a missing delivery from a lost claim. */
  const updateClaimedDelivery = async (deliveryId: string, workerId: string, set: string, params: unknown[]) => {
    const { rows } = await db.query(
      `UPDATE ${schema}.alert_deliveries SET ${set} WHERE id = $1 AND status = 'delivering' AND claimed_by = $2 RETURNING id`,
      [deliveryId, workerId, ...params],
    )
    if (rows[0]) return
    const exists = await db.query(`SELECT 1 FROM ${schema}.alert_deliveries WHERE id = $1`, [deliveryId])
    if (exists.rows.length === 0) throw new NotFoundError(`alert delivery ${deliveryId} not found`)
    throw new ConflictError(`alert delivery ${deliveryId} is not claimed by ${workerId}`)
  }

  return {
    createAlert(input) {
      return context.transaction('createAlert', async (tx) => {
        const alert = await insertAlert(tx, schema, input.alert, input.channels, input.now)
        await insertCamEvents(tx, schema, input.events, input.now)
        return alert
      })
    },
    claimAlertDeliveries(input) {
      return context.run('claimAlertDeliveries', async () => {
        if (input.channels.length === 0 || input.limit <= 0) return []
        const { rows } = await db.query(
          `WITH due AS (
             SELECT id FROM ${schema}.alert_deliveries
             WHERE channel = ANY($1::text[])
               AND ((status = 'pending' AND next_attempt_at <= $2) OR (status = 'delivering' AND claim_expires_at <= $2))
             ORDER BY next_attempt_at, seq
             LIMIT $3
             FOR UPDATE SKIP LOCKED
           ), claimed AS (
             UPDATE ${schema}.alert_deliveries d
             SET status = 'delivering', claimed_by = $4, claim_expires_at = $5, attempts = d.attempts + 1
             FROM due WHERE d.id = due.id
             RETURNING d.*
           )
           SELECT to_jsonb(claimed) AS delivery, to_jsonb(a) AS alert
           FROM claimed JOIN ${schema}.alerts a ON a.id = claimed.alert_id
           ORDER BY claimed.next_attempt_at, claimed.seq`,
          [input.channels, input.now, input.limit, input.workerId, new Date(input.now.getTime() + input.claimTtlMs)],
        )
        return rows.map((row) => ({ delivery: toDelivery(row.delivery as Row), alert: toAlert(row.alert as Row) }))
      })
    },
    recordAlertDelivered(input) {
      return context.run('recordAlertDelivered', () =>
        updateClaimedDelivery(input.deliveryId, input.workerId, `status = 'delivered', delivered_at = $3, last_error = NULL, claimed_by = NULL, claim_expires_at = NULL`, [input.now]),
      )
    },
    recordAlertFailed(input) {
      return context.run('recordAlertFailed', () =>
        updateClaimedDelivery(input.deliveryId, input.workerId, `status = 'pending', next_attempt_at = $3, last_error = $4, claimed_by = NULL, claim_expires_at = NULL`, [
          input.retryAt,
          input.error,
        ]),
      )
    },
    listAlerts(filter = {}) {
      return context.run('listAlerts', async () => {
        const newestFirst = filter.order === 'newest_first'
        const where: string[] = []
        const params: unknown[] = []
        if (filter.campaignId !== undefined) where.push(`campaign_id = $${params.push(filter.campaignId)}`)
        // Keyset: after the given alert in the chosen order (nothing when it does not exist).
        if (filter.after !== undefined) where.push(`seq ${newestFirst ? '<' : '>'} (SELECT seq FROM ${schema}.alerts WHERE id = $${params.push(filter.after)})`)
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${newestFirst ? 'DESC' : ''} LIMIT $${params.push(filter.limit ?? 1000)}`,
          params,
        )
        return rows.map(toAlert)
      })
    },
    listAlertDeliveries(filter = {}) {
      return context.run('listAlertDeliveries', async () => {
        const where: string[] = []
        const params: unknown[] = []
        if (filter.alertId !== undefined) where.push(`alert_id = $${params.push(filter.alertId)}`)
        if (filter.statuses) where.push(`status = ANY($${params.push(filter.statuses)}::text[])`)
        const { rows } = await db.query(`SELECT * FROM ${schema}.alert_deliveries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`, params)
        return rows.map(toDelivery)
      })
    },
    getCampaignCounters({ campaignIds, sinceDay }) {
      return context.run('getCampaignCounters', async () => {
        if (campaignIds.length === 0) return []
        const { rows } = await db.query(countersSql, [campaignIds, sinceDay])
        const byCampaign = new Map(rows.map((row) => [String(row.campaign_id), row]))
        return campaignIds.map((campaignId): CampaignCounters => {
          const lifetime = emptyMetricCounts()
          const window = emptyMetricCounts()
          const row = byCampaign.get(campaignId)
          if (row) {
            for (const name of metricNames) {
              lifetime[name] = Number(row[`lifetime_${counterColumns[name]}`] ?? 0)
              window[name] = Number(row[`window_${counterColumns[name]}`] ?? 0)
            }
          }
          return { campaignId, lifetime, window }
        })
      })
    },
    getSuppression(email) {
      return context.run('getSuppression', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.suppressions WHERE email = $1`, [email])
        return rows[0] ? toSuppression(rows[0]) : null
      })
    },
    listSuppressions(filter = {}) {
      return context.run('listSuppressions', async () => {
        const where: string[] = []
        const params: unknown[] = []
        if (filter.search) {
          // Matched literally: LIKE's wildcards and escape character in the text are escaped.
          where.push(`email LIKE $${params.push(`%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`)
        }
        // Keyset: after the given entry in order of addition (nothing when it does not exist).
        if (filter.after !== undefined) where.push(`seq > (SELECT seq FROM ${schema}.suppressions WHERE email = $${params.push(filter.after)})`)
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.suppressions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.push(filter.limit ?? 1000)}`,
          params,
        )
        return rows.map(toSuppression)
      })
    },
    removeSuppression({ email }) {
      return context.run('removeSuppression', async () => {
        const { rows } = await db.query(`DELETE FROM ${schema}.suppressions WHERE email = $1 RETURNING *`, [email])
        return rows[0] ? toSuppression(rows[0]) : null
      })
    },
    getCampaignDailyCounters({ campaignId, sinceDay }) {
      return context.run('getCampaignDailyCounters', async () => {
        const { rows } = await db.query(
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, ${columns.map((c) => `sum(${c})::float8 AS ${c}`).join(', ')}
           FROM ${schema}.campaign_counters WHERE campaign_id = $1 AND day >= $2::date GROUP BY day ORDER BY day`,
          [campaignId, sinceDay],
        )
        return rows.map((row) => {
          const counts = emptyMetricCounts()
          for (const name of metricNames) counts[name] = Number(row[counterColumns[name]] ?? 0)
          return { day: String(row.day), counts }
        })
      })
    },
    recordHeartbeat(heartbeat) {
      return context.run('recordHeartbeat', async () => {
        await db.query(
          `INSERT INTO ${schema}.worker_heartbeats (worker_id, host, pid, started_at, last_seen_at, cycles, last_error, leases)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[])
           ON CONFLICT (worker_id) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at,
             last_seen_at = EXCLUDED.last_seen_at, cycles = EXCLUDED.cycles, last_error = EXCLUDED.last_error, leases = EXCLUDED.leases`,
          [heartbeat.workerId, heartbeat.host, heartbeat.pid, heartbeat.startedAt, heartbeat.lastSeenAt, heartbeat.cycles, heartbeat.lastError, heartbeat.leases],
        )
      })
    },
    listHeartbeats() {
      return context.run('listHeartbeats', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.worker_heartbeats ORDER BY worker_id`)
        return rows.map(toHeartbeat)
      })
    },
  }
}
