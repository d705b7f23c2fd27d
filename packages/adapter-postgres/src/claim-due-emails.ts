import type { Campaign, ClaimDueEmailsInput, ClaimDueEmailsResult, ClaimedEmail } from '@cam/core'
import type { SqlExecutor } from './database.js'
import { toCampaign, toEmail, toLead, type Row } from './rows.js'

/**
 * The send step's claim, as a few set-based statements in one transaction:
 *
 * 1. (non-idempotent sender) expired claims become `in_doubt`;
 * 2. the listed campaigns that are active are locked (`FOR NO KEY UPDATE`, in id
 *    order) so that two claimers never count the same daily-cap slot;
 * 3. candidates are read per campaign from the partial "due" indexes — new emails
 *    (follow-ups first, then the oldest, at most the campaign's remaining cap), retries
 *    and expired claims — merged in claim order and cut to the limit; only those rows
 *    are locked, with `FOR UPDATE SKIP LOCKED`, and checked again;
 *    (emails to suppressed addresses among them are cancelled, and count for nothing);
 * 4. one statement marks them `sending`, cancels those to suppressed addresses and
 *    moves the daily-cap counters.
 *
 * The cost follows the campaigns listed and the emails claimed, never the backlog.
 */
export function claimDueEmailsStatements(schema: string) {
  return {
    markInDoubt: `
      UPDATE ${schema}.outbound_emails e
      SET status = 'in_doubt',
          last_error = 'claim by ' || COALESCE(e.claimed_by, 'an unknown worker') || CASE WHEN $3::boolean
            THEN ' expired while sending, longer ago than the provider keeps idempotency keys; not resent'
            ELSE ' expired while sending; not resent because the sender is not idempotent' END,
          claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL, updated_at = $2
      WHERE e.id IN (
        SELECT id FROM ${schema}.outbound_emails
        WHERE campaign_id = ANY($1::text[]) AND status = 'sending' AND claim_expires_at <= $2
          AND (NOT $3::boolean OR claimed_at < $2::timestamptz - $4::float8 * interval '1 millisecond')
        FOR UPDATE SKIP LOCKED
      )
      RETURNING e.*`,
    lockCampaigns: `
      SELECT * FROM ${schema}.campaigns
      WHERE id = ANY($1::text[]) AND status = 'active'
      ORDER BY id
      FOR NO KEY UPDATE`,
    lockCandidates: `
      WITH caps AS (
        SELECT x.campaign_id, x.day, GREATEST(0, x.daily_cap - COALESCE(d.used, 0))::int AS remaining
        FROM unnest($1::text[], $2::text[], $3::int[]) AS x(campaign_id, day, daily_cap)
        LEFT JOIN ${schema}.daily_sends d ON d.campaign_id = x.campaign_id AND d.day = x.day
      ), candidates AS (
        -- New emails (not yet counted against the cap): per campaign, follow-ups first, then the
        -- oldest, at most its remaining cap; leads that left the sequence are skipped in the scan.
        SELECT n.* FROM caps CROSS JOIN LATERAL (
          SELECT * FROM (
            (SELECT e.id, e.step_index, e.scheduled_at, e.created_at FROM ${schema}.outbound_emails e
              JOIN ${schema}.leads l ON l.id = e.lead_id AND l.state IN ('queued', 'active', 'paused')
              WHERE e.campaign_id = caps.campaign_id AND e.status = 'queued' AND e.step_index > 0 AND e.cap_day IS NULL AND e.scheduled_at <= $4
              ORDER BY e.scheduled_at, e.created_at, e.id LIMIT LEAST($5::int, caps.remaining))
            UNION ALL
            (SELECT e.id, e.step_index, e.scheduled_at, e.created_at FROM ${schema}.outbound_emails e
              JOIN ${schema}.leads l ON l.id = e.lead_id AND l.state IN ('queued', 'active', 'paused')
              WHERE e.campaign_id = caps.campaign_id AND e.status = 'queued' AND e.step_index = 0 AND e.cap_day IS NULL AND e.scheduled_at <= $4
              ORDER BY e.scheduled_at, e.created_at, e.id LIMIT LEAST($5::int, caps.remaining))
          ) u
          ORDER BY u.step_index = 0, u.scheduled_at, u.created_at, u.id LIMIT LEAST($5::int, caps.remaining)
        ) n
        UNION ALL
        -- Retries (already counted: no cap) and, with an idempotent sender, expired claims.
        SELECT r.* FROM caps CROSS JOIN LATERAL (
          (SELECT e.id, e.step_index, e.scheduled_at, e.created_at FROM ${schema}.outbound_emails e
            JOIN ${schema}.leads l ON l.id = e.lead_id AND l.state IN ('queued', 'active', 'paused')
            WHERE e.campaign_id = caps.campaign_id AND e.status = 'queued' AND e.cap_day IS NOT NULL AND e.scheduled_at <= $4
            ORDER BY e.scheduled_at LIMIT $5::int)
          UNION ALL
          (SELECT e.id, e.step_index, e.scheduled_at, e.created_at FROM ${schema}.outbound_emails e
            JOIN ${schema}.leads l ON l.id = e.lead_id AND l.state IN ('queued', 'active', 'paused')
            WHERE $6::boolean AND e.campaign_id = caps.campaign_id AND e.status = 'sending' AND e.claim_expires_at <= $4
            ORDER BY e.claim_expires_at LIMIT $5::int)
        ) r
      ), picked AS (
        SELECT id FROM candidates ORDER BY step_index = 0, scheduled_at, created_at, id LIMIT $5::int
      )
      SELECT e.*, to_jsonb(l) AS lead_row, (s.email IS NOT NULL) AS suppressed, caps.day AS cap_key, caps.remaining
      FROM ${schema}.outbound_emails e
      JOIN caps ON caps.campaign_id = e.campaign_id
      JOIN ${schema}.leads l ON l.id = e.lead_id
      LEFT JOIN ${schema}.suppressions s ON s.email = l.email_normalized
      WHERE e.id IN (SELECT id FROM picked)
        AND ((e.status = 'queued' AND e.scheduled_at <= $4) OR ($6::boolean AND e.status = 'sending' AND e.claim_expires_at <= $4))
      ORDER BY e.step_index = 0, e.scheduled_at, e.created_at, e.id
      FOR UPDATE OF e SKIP LOCKED`,
    apply: `
      WITH claimed AS (
        UPDATE ${schema}.outbound_emails e
        SET status = 'sending', claimed_by = $1, claimed_at = $3, claim_expires_at = $2, attempts = e.attempts + 1, updated_at = $3,
            cap_day = COALESCE(e.cap_day, x.day)
        FROM unnest($4::text[], $5::text[]) AS x(id, day)
        WHERE e.id = x.id
        RETURNING e.*
      ), cancelled AS (
        UPDATE ${schema}.outbound_emails e
        SET status = 'cancelled', last_error = 'address suppressed', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL, updated_at = $3, cap_day = NULL
        WHERE e.id = ANY($6::text[])
        RETURNING e.*
      ), counted AS (
        INSERT INTO ${schema}.daily_sends AS d (campaign_id, day, used)
        SELECT campaign_id, day, n FROM unnest($7::text[], $8::text[], $9::int[]) AS x(campaign_id, day, n) WHERE n > 0
        ON CONFLICT (campaign_id, day) DO UPDATE SET used = d.used + EXCLUDED.used
      ), released AS (
        UPDATE ${schema}.daily_sends d SET used = GREATEST(0, d.used + x.n)
        FROM unnest($7::text[], $8::text[], $9::int[]) AS x(campaign_id, day, n)
        WHERE x.n < 0 AND d.campaign_id = x.campaign_id AND d.day = x.day
      )
      SELECT 'claimed' AS outcome, claimed.* FROM claimed
      UNION ALL
      SELECT 'cancelled' AS outcome, cancelled.* FROM cancelled`,
  }
}

export type ClaimDueEmailsStatements = ReturnType<typeof claimDueEmailsStatements>

const sendable = new Set(['queued', 'active', 'paused'])

/** Runs the claim inside `tx` (see {@link claimDueEmailsStatements}). */
export async function claimDueEmails(tx: SqlExecutor, sql: ClaimDueEmailsStatements, input: ClaimDueEmailsInput): Promise<ClaimDueEmailsResult> {
  const result: ClaimDueEmailsResult = { claimed: [], inDoubt: [], cancelledSuppressed: [] }
  if (input.caps.length === 0 || input.limit <= 0) return result
  const { now } = input
  const listed = input.caps.map((cap) => cap.campaignId)
  const window = input.senderIdempotencyWindowMs
  if (!input.senderIdempotent || window !== undefined) {
    // Interrupted sends that must not be resent: any (sender not idempotent), or those
    // claimed longer ago than the provider remembers idempotency keys.
    const { rows } = await tx.query(sql.markInDoubt, [listed, now, input.senderIdempotent, window ?? 0])
    result.inDoubt = rows.map(toEmail)
  }
  const locked = await tx.query(sql.lockCampaigns, [listed])
  if (locked.rows.length === 0) return result
  const campaigns = new Map<string, Campaign>(locked.rows.map((row) => [String(row.id), toCampaign(row)]))
  const caps = input.caps.filter((cap) => campaigns.has(cap.campaignId))
  const { rows } = await tx.query(sql.lockCandidates, [
    caps.map((c) => c.campaignId),
    caps.map((c) => c.day),
    caps.map((c) => c.dailyCap),
    now,
    input.limit,
    input.senderIdempotent,
  ])

  // Rows come locked, in claim order; apply the rules once more on the fresh rows.
  const remaining = new Map<string, number>()
  const claimIds: string[] = []
  const claimDays: string[] = []
  const cancelIds: string[] = []
  const deltas = new Map<string, { campaignId: string; day: string; n: number }>()
  const delta = (campaignId: string, day: string, n: number) => {
    const key = `${campaignId}\u0000${day}`
    const entry = deltas.get(key) ?? { campaignId, day, n: 0 }
    entry.n += n
    deltas.set(key, entry)
  }
  const leads = new Map<string, Row>()
  for (const row of rows) {
    const lead = row.lead_row as Row
    if (!sendable.has(String(lead.state))) continue
    const campaignId = String(row.campaign_id)
    const capDay = row.cap_day === null ? null : String(row.cap_day)
    if (row.suppressed) {
      cancelIds.push(String(row.id))
      if (capDay !== null) delta(campaignId, capDay, -1)
      continue
    }
    if (claimIds.length >= input.limit) continue
    if (capDay === null) {
      const left = remaining.get(campaignId) ?? Number(row.remaining)
      if (left <= 0) continue
      remaining.set(campaignId, left - 1)
      delta(campaignId, String(row.cap_key), 1)
    }
    claimIds.push(String(row.id))
    claimDays.push(String(row.cap_key))
    leads.set(String(row.id), lead)
  }
  if (claimIds.length === 0 && cancelIds.length === 0) return result
  const changes = [...deltas.values()].filter((d) => d.n !== 0)
  const applied = await tx.query(sql.apply, [
    input.workerId,
    new Date(now.getTime() + input.claimTtlMs),
    now,
    claimIds,
    claimDays,
    cancelIds,
    changes.map((d) => d.campaignId),
    changes.map((d) => d.day),
    changes.map((d) => d.n),
  ])
  const claimedRows = new Map<string, Row>()
  for (const row of applied.rows) {
    if (row.outcome === 'cancelled') result.cancelledSuppressed.push(toEmail(row))
    else claimedRows.set(String(row.id), row)
  }
  for (const id of claimIds) {
    const row = claimedRows.get(id)
    if (!row) continue
    const item: ClaimedEmail = { email: toEmail(row), lead: toLead(leads.get(id)!), campaign: campaigns.get(String(row.campaign_id))! }
    result.claimed.push(item)
  }
  return result
}
