import { NotFoundError, type MailboxCounters, type MailboxReservation, type MailboxSettings, type StoreV1 } from '@cam/core'
import { emptyMetricCounts, metricNames } from '@cam/core/adapter-kit'
import { toMailboxState } from './rows.js'
import { counterColumns, insertAlert, type SharedStatements } from './shared-statements.js'
import type { StoreContext } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'

type MailboxMethods = Pick<StoreV1, 'registerMailboxes' | 'reserveMailboxSend' | 'releaseMailboxSend' | 'listMailboxes' | 'transitionMailbox' | 'getMailboxCounters'>

const utcDay = (date: Date) => date.toISOString().slice(0, 10)

/**
 * The sending pool: mailbox settings and status, exact daily reservations and gaps under
 * concurrency (the mailbox's row is locked while a send is counted), per-mailbox counters.
 */
export function mailboxMethods(context: StoreContext, shared: SharedStatements): MailboxMethods {
  const { db, schema } = context
  const columns = metricNames.map((name) => counterColumns[name])

  /** A mailbox `m` with its usage `d` of a day; `first_send_day` as text (see `toMailboxState`). */
  const stateColumns = `m.name, m.address, m.daily_limit, m.ramp_start, m.ramp_increment, m.min_gap_ms, m.status, m.status_reason,
      to_char(m.first_send_day, 'YYYY-MM-DD') AS first_send_day, m.last_sent_at, m.updated_at, d.used AS sent_on_day`
  /** The usage `d` of the mailbox `m` on the UTC day in parameter `dayParam` (e.g. `$1`). */
  const usageJoin = (dayParam: string) => `LEFT JOIN ${schema}.mailbox_daily_sends d ON d.mailbox = m.name AND d.day = ${dayParam}::date`

  // One statement, one round trip. The mailbox's row is locked first; then its day's count,
  // by a join on that locked row, so always after it (every reservation takes the two locks
  // in this order: no deadlock). `FOR UPDATE` reads the latest committed version of both
  // rows, never the statement's older snapshot: status, count and gap are those the last
  // reservation committed, and the reservations of one mailbox queue on its row across
  // every worker until this statement commits. Refusals in the order paused, limit, gap (as
  // every store). The upsert repeats the limit check on the row it increments (a day's
  // first reservations race on the insert).
  const reserveSql = `
    WITH m AS (
      SELECT status, last_sent_at FROM ${schema}.mailboxes WHERE name = $1 FOR UPDATE
    ), usage AS (
      SELECT d.used FROM ${schema}.mailbox_daily_sends d JOIN m ON true
      WHERE d.mailbox = $1 AND d.day = $2::date
      FOR UPDATE OF d
    ), verdict AS (
      SELECT CASE
          WHEN m.status <> 'active' THEN 'paused'
          WHEN COALESCE((SELECT used FROM usage), 0) >= $3::int THEN 'limit'
          WHEN m.last_sent_at IS NOT NULL AND m.last_sent_at + $4::bigint * interval '1 millisecond' > $5::timestamptz THEN 'gap'
        END AS refused,
        m.last_sent_at + $4::bigint * interval '1 millisecond' AS available_at
      FROM m
    ), taken AS (
      INSERT INTO ${schema}.mailbox_daily_sends AS d (mailbox, day, used)
      SELECT $1, $2::date, 1 FROM verdict WHERE verdict.refused IS NULL
      ON CONFLICT (mailbox, day) DO UPDATE SET used = d.used + 1 WHERE d.used < $3::int
      RETURNING d.used
    ), marked AS (
      UPDATE ${schema}.mailboxes
      SET last_sent_at = $5::timestamptz, first_send_day = COALESCE(first_send_day, $2::date), updated_at = $5::timestamptz
      WHERE name = $1 AND EXISTS (SELECT 1 FROM taken)
    )
    SELECT verdict.refused, verdict.available_at, EXISTS (SELECT 1 FROM taken) AS taken FROM verdict`

  return {
    registerMailboxes(input) {
      return context.transaction('registerMailboxes', async (tx) => {
        // The last registration of a name wins; rows are written in name order, so two
        // workers registering the same pool at once lock them in the same order.
        const byName = new Map<string, MailboxSettings>()
        for (const mailbox of input.mailboxes) byName.set(mailbox.name, mailbox)
        const mailboxes = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        if (mailboxes.length === 0) return
        await tx.query(
          `INSERT INTO ${schema}.mailboxes AS m (name, address, daily_limit, ramp_start, ramp_increment, min_gap_ms, status, updated_at)
           SELECT r.name, r.address, r.daily_limit, r.ramp_start, r.ramp_increment, r.min_gap_ms, 'active', $7::timestamptz
           FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::bigint[]) WITH ORDINALITY
                AS r(name, address, daily_limit, ramp_start, ramp_increment, min_gap_ms, n)
           ORDER BY r.n
           ON CONFLICT (name) DO UPDATE SET
             address = EXCLUDED.address, daily_limit = EXCLUDED.daily_limit, ramp_start = EXCLUDED.ramp_start,
             ramp_increment = EXCLUDED.ramp_increment, min_gap_ms = EXCLUDED.min_gap_ms, updated_at = EXCLUDED.updated_at`,
          [
            mailboxes.map((m) => m.name),
            mailboxes.map((m) => m.address),
            mailboxes.map((m) => m.dailyLimit),
            mailboxes.map((m) => m.rampUp?.start ?? null),
            mailboxes.map((m) => m.rampUp?.increment ?? null),
            mailboxes.map((m) => m.minGapMs),
            input.now,
          ],
        )
      })
    },
    reserveMailboxSend(input) {
      return context.run('reserveMailboxSend', async (): Promise<MailboxReservation> => {
        const { rows } = await db.query<{ refused: 'paused' | 'gap' | 'limit' | null; available_at: unknown; taken: boolean }>(reserveSql, [
          input.mailbox,
          input.day,
          input.limit,
          input.minGapMs,
          input.now,
        ])
        const verdict = rows[0]
        if (!verdict) return { reserved: false, reason: 'unknown', availableAt: null }
        if (verdict.refused === 'paused') return { reserved: false, reason: 'paused', availableAt: null }
        if (verdict.refused === 'gap') {
          const availableAt = verdict.available_at instanceof Date ? verdict.available_at : new Date(String(verdict.available_at))
          return { reserved: false, reason: 'gap', availableAt }
        }
        if (verdict.refused === 'limit' || !verdict.taken) return { reserved: false, reason: 'limit', availableAt: null }
        return { reserved: true }
      })
    },
    releaseMailboxSend(input) {
      return context.transaction('releaseMailboxSend', async (tx) => {
        await tx.query(`UPDATE ${schema}.mailbox_daily_sends SET used = GREATEST(0, used - 1) WHERE mailbox = $1 AND day = $2::date`, [input.mailbox, input.day])
      })
    },
    listMailboxes(input) {
      return context.run('listMailboxes', async () => {
        // All of them by name (code point order, as JavaScript sorts them), or those named in the order given.
        const { rows } =
          input.names === undefined
            ? await db.query(`SELECT ${stateColumns} FROM ${schema}.mailboxes m ${usageJoin('$1')} ORDER BY m.name COLLATE "C"`, [input.day])
            : await db.query(
                `SELECT ${stateColumns}
                 FROM unnest($2::text[]) WITH ORDINALITY AS asked(name, n)
                 JOIN ${schema}.mailboxes m ON m.name = asked.name
                 ${usageJoin('$1')}
                 ORDER BY asked.n`,
                [input.day, input.names],
              )
        return rows.map(toMailboxState)
      })
    },
    transitionMailbox(input) {
      return context.transaction('transitionMailbox', async (tx) => {
        const { rows } = await tx.query(
          `WITH m AS (
             UPDATE ${schema}.mailboxes
             SET status = $2, status_reason = CASE WHEN $2 = 'active' THEN NULL ELSE $3::text END, updated_at = $4
             WHERE name = $1 AND status = ANY($5::text[])
             RETURNING *
           )
           SELECT ${stateColumns} FROM m ${usageJoin('$6')}`,
          [input.name, input.to, input.reason, input.now, input.from, utcDay(input.now)],
        )
        if (!rows[0]) {
          const exists = await tx.query(`SELECT 1 FROM ${schema}.mailboxes WHERE name = $1`, [input.name])
          if (exists.rows.length === 0) throw new NotFoundError(`mailbox ${input.name} not found`)
          return null
        }
        if (input.alert) await insertAlert(tx, schema, input.alert.alert, input.alert.channels, input.now)
        await insertCamEvents(tx, schema, input.events, input.now)
        // A mailbox back in the pool may have work waiting for it.
        if (input.to === 'active') await tx.query(shared.notify)
        return toMailboxState(rows[0])
      })
    },
    getMailboxCounters({ names, sinceDay }) {
      return context.run('getMailboxCounters', async () => {
        if (names.length === 0) return []
        const { rows } = await db.query(
          `SELECT mailbox,
             ${columns.map((c) => `sum(${c})::float8 AS lifetime_${c}`).join(', ')},
             ${columns.map((c) => `(sum(${c}) FILTER (WHERE day >= $2::date))::float8 AS window_${c}`).join(', ')}
           FROM ${schema}.mailbox_counters
           WHERE mailbox = ANY($1::text[])
           GROUP BY mailbox`,
          [names, sinceDay],
        )
        const byMailbox = new Map(rows.map((row) => [String(row.mailbox), row]))
        return names.map((mailbox): MailboxCounters => {
          const lifetime = emptyMetricCounts()
          const window = emptyMetricCounts()
          const row = byMailbox.get(mailbox)
          if (row) {
            for (const name of metricNames) {
              lifetime[name] = Number(row[`lifetime_${counterColumns[name]}`] ?? 0)
              window[name] = Number(row[`window_${counterColumns[name]}`] ?? 0)
            }
          }
          return { mailbox, lifetime, window }
        })
      })
    },
  }
}
