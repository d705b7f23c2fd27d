import { randomUUID } from 'node:crypto'
import { openLeadStates, sendableLeadStates, type Alert, type MetricCounts, type NewAlert } from '@cam/core'
import { metricNames } from '@cam/core/adapter-kit'
import type { SqlExecutor } from './database.js'
import { toAlert } from './rows.js'

/** Lead states that may still receive sequence emails (core's `sendableLeadStates`). */
export const sendableStates = [...sendableLeadStates]
/** Lead states a suppression ends (core's `openLeadStates`). */
export const openStates = [...openLeadStates]

/** Counter columns, in `metricNames` order. */
export const counterColumns: Record<keyof MetricCounts, string> = {
  sent: 'sent',
  replied: 'replied',
  positive: 'positive',
  negative: 'negative',
  bounced: 'bounced',
  hardBounced: 'hard_bounced',
  softBounced: 'soft_bounced',
  blocked: 'blocked',
  unsubscribed: 'unsubscribed',
  complained: 'complained',
  outOfOffice: 'out_of_office',
  autoReplies: 'auto_replies',
  failed: 'failed',
  delivered: 'delivered',
  delayed: 'delayed',
  providerSuppressed: 'provider_suppressed',
}

/** Prepared SQL shared by several store areas, built once per schema. */
export interface SharedStatements {
  /** `$1` lead ids, `$2` reason, `$3` now: cancels their queued emails and gives daily-cap slots back. */
  cancelQueuedEmails: string
  /** `$1` campaign id, `$2` UTC day, `$3…` one value per counter. */
  addCounters: string
  /** `$1` mailbox name, `$2` UTC day, `$3…` one value per counter (parameters from `counterParams`). */
  addMailboxCounters: string
  notify: string
}

export function sharedStatements(schema: string, channel: string): SharedStatements {
  const columns = metricNames.map((name) => counterColumns[name])
  return {
    cancelQueuedEmails: `
      WITH old AS (
        SELECT id, cap_day FROM ${schema}.outbound_emails
        WHERE lead_id = ANY($1::text[]) AND status = 'queued'
        ORDER BY id
        FOR UPDATE
      ), cancelled AS (
        UPDATE ${schema}.outbound_emails e
        SET status = 'cancelled', last_error = $2::text, updated_at = $3::timestamptz, cap_day = NULL
        FROM old WHERE e.id = old.id
        RETURNING e.campaign_id, old.cap_day
      ), released AS (
        UPDATE ${schema}.daily_sends d SET used = GREATEST(0, d.used - r.n)
        FROM (SELECT campaign_id, cap_day, count(*)::int AS n FROM cancelled WHERE cap_day IS NOT NULL GROUP BY 1, 2) r
        WHERE d.campaign_id = r.campaign_id AND d.day = r.cap_day
      )
      SELECT count(*)::int AS cancelled FROM cancelled`,
    addCounters: `
      INSERT INTO ${schema}.campaign_counters (campaign_id, day, ${columns.join(', ')})
      VALUES ($1::text, $2::date, ${columns.map((_, i) => `$${i + 3}::int`).join(', ')})
      ON CONFLICT (campaign_id, day) DO UPDATE SET
      ${columns.map((c) => `${c} = ${schema}.campaign_counters.${c} + EXCLUDED.${c}`).join(',\n      ')}`,
    addMailboxCounters: `
      INSERT INTO ${schema}.mailbox_counters (mailbox, day, ${columns.join(', ')})
      VALUES ($1::text, $2::date, ${columns.map((_, i) => `$${i + 3}::int`).join(', ')})
      ON CONFLICT (mailbox, day) DO UPDATE SET
      ${columns.map((c) => `${c} = ${schema}.mailbox_counters.${c} + EXCLUDED.${c}`).join(',\n      ')}`,
    notify: `SELECT pg_notify('${channel}', '')`,
  }
}

/** Parameters of `addCounters` (a campaign id) or `addMailboxCounters` (a mailbox name), or null when nothing is to be added. */
export function counterParams(key: string | null, day: string, counts: Partial<MetricCounts> | undefined): unknown[] | null {
  if (!key || !counts) return null
  const values = metricNames.map((name) => Math.trunc(counts[name] ?? 0))
  if (values.every((value) => value === 0)) return null
  return [key, day, ...values]
}

/** Inserts an alert and one pending delivery per distinct channel. */
export async function insertAlert(tx: SqlExecutor, schema: string, alert: NewAlert, channels: string[], now: Date): Promise<Alert> {
  const id = alert.id ?? randomUUID()
  const { rows } = await tx.query(
    `INSERT INTO ${schema}.alerts (id, kind, title, campaign_id, campaign_name, lead_id, lead_email, lead_name, category, subject, excerpt, reason, message_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     RETURNING *`,
    [id, alert.kind, alert.title, alert.campaignId, alert.campaignName, alert.leadId, alert.leadEmail, alert.leadName, alert.category, alert.subject, alert.excerpt, alert.reason, alert.messageId, now],
  )
  const distinct = [...new Set(channels)]
  if (distinct.length > 0) {
    await tx.query(
      `INSERT INTO ${schema}.alert_deliveries (id, alert_id, channel, status, attempts, next_attempt_at)
       SELECT c.id, $1, c.channel, 'pending', 0, $2 FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS c(id, channel, n) ORDER BY c.n`,
      [id, now, distinct.map(() => randomUUID()), distinct],
    )
  }
  return toAlert(rows[0]!)
}
