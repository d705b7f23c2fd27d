import { NotFoundError, type EmailFinding, type MetricCounts } from '@cam/core'
import { metricNames } from '@cam/core/adapter-kit'
import type { SqlExecutor } from './database.js'
import { counterParams, type SharedStatements } from './shared-statements.js'

const utcDay = (date: Date) => date.toISOString().slice(0, 10)

/**
 * Locks outbound emails' rows (`FOR UPDATE`, in id order) inside `tx` and returns the ids
 * that exist. Every writer of an email's findings takes this lock first — before the
 * lead's row — so concurrent reports of one email (provider events, DSNs, ARF reports)
 * are applied one after the other, always in the same lock order.
 */
export async function lockEmails(tx: SqlExecutor, schema: string, emailIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(emailIds)].sort()
  if (ids.length === 0) return new Set()
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM ${schema}.outbound_emails WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ids])
  return new Set(rows.map((row) => row.id))
}

/** `a + b`, counter by counter. */
function sumCounts(a: Partial<MetricCounts>, b: Partial<MetricCounts> | undefined): Partial<MetricCounts> {
  const sum: Partial<MetricCounts> = {}
  for (const name of metricNames) sum[name] = (a[name] ?? 0) + (b?.[name] ?? 0)
  return sum
}

/**
 * Records a finding about an outbound email inside `tx` (see `EmailFinding` in
 * `@cam/core`): the first finding of its kind for the email moves its campaign's counters
 * and those of the pool mailbox it was sent from, if any (UTC day of `now`), unless the
 * email already has a finding of one of `unlessKinds` (then it is recorded as not
 * counted); `amends.metrics` are added too when the email already has a counted finding
 * of `amends.kind`. A finding of a kind the email already has
 * changes nothing. Returns whether the counters moved. Throws `NotFoundError` when the
 * email does not exist.
 */
export async function applyEmailFinding(tx: SqlExecutor, schema: string, shared: SharedStatements, finding: EmailFinding, now: Date): Promise<boolean> {
  // The email's row lock serialises every report of this email (see lockEmails).
  const email = await tx.query<{ campaign_id: string; mailbox: string | null }>(`SELECT campaign_id, mailbox FROM ${schema}.outbound_emails WHERE id = $1 FOR UPDATE`, [
    finding.emailId,
  ])
  const campaignId = email.rows[0]?.campaign_id
  if (campaignId === undefined) throw new NotFoundError(`outbound email ${finding.emailId} not found`)
  const mailbox = email.rows[0]?.mailbox ?? null
  // `known` is what the email had before this finding (the CTE's snapshot does not see the insert).
  const { rows } = await tx.query<{ counted: boolean; amends: boolean }>(
    `WITH known AS (
       SELECT kind, counted FROM ${schema}.email_findings WHERE email_id = $1::text
     ), inserted AS (
       INSERT INTO ${schema}.email_findings (email_id, kind, counted, created_at)
       SELECT $1::text, $2::text, NOT EXISTS (SELECT 1 FROM known WHERE kind = ANY($3::text[])), $4::timestamptz
       ON CONFLICT (email_id, kind) DO NOTHING
       RETURNING counted
     )
     SELECT counted, ($5::text IS NOT NULL AND ($5::text = $2::text OR EXISTS (SELECT 1 FROM known WHERE kind = $5::text AND counted))) AS amends
     FROM inserted`,
    [finding.emailId, finding.kind, [...(finding.unlessKinds ?? [])], now, finding.amends?.kind ?? null],
  )
  const row = rows[0]
  if (!row?.counted) return false
  const counts = sumCounts(finding.metrics, row.amends ? finding.amends?.metrics : undefined)
  const counters = counterParams(campaignId, utcDay(now), counts)
  if (counters) await tx.query(shared.addCounters, counters)
  // The pool mailbox it was sent from counts the same (its health decides whether it pauses).
  const mailboxCounters = counterParams(mailbox, utcDay(now), counts)
  if (mailboxCounters) await tx.query(shared.addMailboxCounters, mailboxCounters)
  return true
}
