import { type Campaign, type CampaignCap, type ClaimDueEmailsInput, type ClaimDueEmailsResult, type ClaimedEmail, type Logger } from '@cam/core'
import { errorMessage } from '@cam/core/adapter-kit'
import type { SqlExecutor } from './database.js'
import { toCampaign, toEmail, toLead, type Row } from './rows.js'

/**
 * The send step's claim. Each round is one transaction of two or three statements:
 *
 * 1. (first round, sender not idempotent or with an idempotency window) expired claims
 *    whose send attempt may have begun become `in_doubt`;
 * 2. candidates: the listed campaigns, in an order that rotates from one call to the
 *    next, each one that is active and has a due email locked (`FOR NO KEY UPDATE SKIP
 *    LOCKED`: a campaign another claimer holds is passed over, not waited for) and asked
 *    for its share of the batch — follow-ups, then first touches (at most the campaign's
 *    remaining daily cap), retries and expired claims, each read from its partial index in
 *    claim order and locked row by row with `FOR UPDATE SKIP LOCKED`; the scan stops as
 *    soon as the batch is full, so a batch locks only the campaigns and rows it uses;
 * 3. one statement grants the daily-cap slots from counts read after those campaign locks
 *    were taken (so no two claimers ever count the same slot), marks the granted emails
 *    `sending`, cancels those to suppressed addresses and moves the cap counters.
 *
 * A batch still short after the rounds that pass over held campaigns ends with a round
 * that waits for them (`lockWaiting`, in id order). The cost follows the campaigns listed
 * and the emails claimed, never the backlog.
 */
export function claimDueEmailsStatements(schema: string) {
  // One source of due emails for the campaign `caps.campaign_id`: the rows locked as they
  // are read, skipping those another claimer holds. `$4` is now.
  const source = (where: string, order: string, limit: string) => `
          SELECT * FROM (
            SELECT e.*, l.email_normalized AS lead_email_normalized, to_jsonb(l) AS lead_row
            FROM ${schema}.outbound_emails e
            JOIN ${schema}.leads l ON l.id = e.lead_id AND l.state IN ('queued', 'active', 'paused')
            WHERE e.campaign_id = caps.campaign_id AND ${where}
            ORDER BY ${order}
            LIMIT ${limit}
            FOR UPDATE OF e SKIP LOCKED
          ) AS s`
  // Whether the campaign `caps.campaign_id` has a due email: one probe per partial index,
  // as scalar subqueries (an EXISTS may be planned as a hash of every due email instead).
  const probe = (where: string) =>
    `(SELECT true FROM ${schema}.outbound_emails e WHERE e.campaign_id = caps.campaign_id AND ${where} LIMIT 1) IS NOT NULL`
  const hasDueAt = (now: string, idempotent: string) => `(
            (caps.remaining > 0 AND ${probe(`e.status = 'queued' AND e.step_index > 0 AND e.cap_day IS NULL AND e.scheduled_at <= ${now}`)})
            OR (caps.remaining > 0 AND ${probe(`e.status = 'queued' AND e.step_index = 0 AND e.cap_day IS NULL AND e.scheduled_at <= ${now}`)})
            OR ${probe(`e.status = 'queued' AND e.cap_day IS NOT NULL AND e.scheduled_at <= ${now}`)}
            OR ${probe(`e.status = 'sending' AND e.claim_expires_at <= ${now} AND (${idempotent}::boolean OR e.attempt_pending_since = e.claimed_at)`)})`
  const hasDue = hasDueAt('$4', '$6')
  // The listed campaigns ($1 ids, $2 day keys, $3 daily caps) with their remaining cap,
  // in rotation order from `offset`.
  const capsFrom = (offset: string) => `caps AS MATERIALIZED (
        SELECT x.campaign_id, x.day, GREATEST(0, x.daily_cap - COALESCE(d.used, 0))::int AS remaining,
               ((x.ord::int - 1 - ${offset}::int) % cardinality($1::text[]) + cardinality($1::text[])) % cardinality($1::text[]) AS position
        FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS x(campaign_id, day, daily_cap, ord)
        LEFT JOIN ${schema}.daily_sends d ON d.campaign_id = x.campaign_id AND d.day = x.day
        ORDER BY position
      )`
  // Campaigns in rotation order, each one with a due email locked unless another claimer
  // holds it, each giving at most `$8` emails, until the batch is full.
  const candidates = `
      WITH ${capsFrom('$7')}, picked AS MATERIALIZED (
        SELECT k.*, caps.day AS cap_key, row_number() OVER () AS rank, (sp.email IS NOT NULL) AS suppressed,
               CASE WHEN k.campaign_rank = 1 THEN to_jsonb(c) END AS campaign_row
        FROM caps
        CROSS JOIN LATERAL (
          -- The campaign, still active, locked until the commit (passed over when another
          -- claimer holds it): the daily-cap count of the next statement sees what every
          -- earlier claimer of this campaign committed.
          SELECT * FROM ${schema}.campaigns c
          WHERE c.id = caps.campaign_id AND c.status = 'active' AND ${hasDue}
          FOR NO KEY UPDATE SKIP LOCKED
        ) AS c
        CROSS JOIN LATERAL (
          SELECT due.*, row_number() OVER () AS campaign_rank FROM (
            SELECT * FROM (
              -- New emails (not yet counted against the cap): follow-ups first, then the
              -- oldest, at most the remaining cap. The first touches are read only when the
              -- follow-ups do not fill the share.
              (SELECT * FROM (
                ${source(`e.status = 'queued' AND e.step_index > 0 AND e.cap_day IS NULL AND e.scheduled_at <= $4`, 'e.scheduled_at, e.created_at, e.id', 'LEAST($8::int, caps.remaining)')}
                UNION ALL
                ${source(`e.status = 'queued' AND e.step_index = 0 AND e.cap_day IS NULL AND e.scheduled_at <= $4`, 'e.scheduled_at, e.created_at, e.id', 'LEAST($8::int, caps.remaining)')}
              ) AS fresh LIMIT LEAST($8::int, caps.remaining))
              UNION ALL
              -- Retries (already counted: no cap).
              ${source(`e.status = 'queued' AND e.cap_day IS NOT NULL AND e.scheduled_at <= $4`, 'e.scheduled_at', '$8::int')}
              UNION ALL
              -- Expired claims: with an idempotent sender all of them; otherwise those that
              -- never reached the sender (the others are in doubt).
              ${source(`e.status = 'sending' AND e.claim_expires_at <= $4 AND ($6::boolean OR e.attempt_pending_since = e.claimed_at)`, 'e.claim_expires_at', '$8::int')}
            ) AS due
            ORDER BY due.step_index = 0, due.scheduled_at, due.created_at, due.id
            LIMIT $8::int
          ) AS due
        ) AS k
        -- One index probe per email (a plain EXISTS may be planned as a hash of the whole list).
        LEFT JOIN LATERAL (SELECT s.email FROM ${schema}.suppressions s WHERE s.email = k.lead_email_normalized LIMIT 1) AS sp ON true
        LIMIT $5::int
      )
      -- Only what the claim uses (the emails' rows come back from the apply statement):
      -- every other column would be formatted, sent and parsed for nothing.
      SELECT id, campaign_id, cap_day, cap_key, rank, campaign_rank, suppressed, lead_row, campaign_row FROM picked ORDER BY rank`
  return {
    markInDoubt: `
      UPDATE ${schema}.outbound_emails e
      SET status = 'in_doubt',
          last_error = 'claim by ' || COALESCE(e.claimed_by, 'an unknown worker') || CASE WHEN $3::boolean
            THEN ' expired while sending, longer ago than the provider keeps idempotency keys; not resent'
            ELSE ' expired while sending; not resent because the sender is not idempotent' END,
          -- claimed_by stays: that worker may still record the outcome it learns.
          claim_expires_at = NULL, updated_at = $2
      WHERE e.id IN (
        SELECT id FROM ${schema}.outbound_emails
        WHERE campaign_id = ANY($1::text[]) AND status = 'sending' AND claim_expires_at <= $2
          -- An attempt that never began is claimed again instead.
          AND attempt_pending_since IS DISTINCT FROM claimed_at
          AND (NOT $3::boolean OR claimed_at < $2::timestamptz - $4::float8 * interval '1 millisecond')
        FOR UPDATE SKIP LOCKED
      )
      RETURNING e.*`,
    // $1 campaign ids, $2 their day keys, $3 their daily caps, $4 now, $5 limit,
    // $6 sender idempotent (re-claim expired claims), $7 rotation offset, $8 share.
    candidates,
    // $1–$3 as above, $4 now, $5 sender idempotent: every listed campaign with a due
    // email, locked in id order, waiting for the claimers that hold them.
    lockWaiting: `
      WITH ${capsFrom('0')}
      SELECT c.id FROM ${schema}.campaigns c JOIN caps ON caps.campaign_id = c.id
      WHERE c.status = 'active' AND ${hasDueAt('$4', '$5')}
      ORDER BY c.id
      FOR NO KEY UPDATE OF c`,
    // $1 worker, $2 claim expiry, $3 now; $4… the emails to claim in claim order (id,
    // campaign, day key, whether it already holds a cap slot, the campaign's cap);
    // $9 emails to cancel (suppressed) and $10/$11 the cap slots they give back;
    // $12 sender idempotent (otherwise each attempt is marked before its send).
    apply: `
      WITH picked AS (
        SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::boolean[], $8::int[]) WITH ORDINALITY
          AS x(id, campaign_id, day, has_slot, daily_cap, pos)
      ), room AS (
        -- Read after the campaigns were locked: what every earlier claimer counted is visible.
        SELECT p.campaign_id, p.day, GREATEST(0, max(p.daily_cap) - COALESCE(max(d.used), 0))::int AS n
        FROM picked p LEFT JOIN ${schema}.daily_sends d ON d.campaign_id = p.campaign_id AND d.day = p.day
        WHERE NOT p.has_slot
        GROUP BY p.campaign_id, p.day
      ), granted AS (
        SELECT p.id, p.campaign_id, p.day, p.has_slot
        FROM (SELECT p.*, row_number() OVER (PARTITION BY p.campaign_id, p.has_slot ORDER BY p.pos) AS rank FROM picked p) p
        LEFT JOIN room r ON r.campaign_id = p.campaign_id AND r.day = p.day
        WHERE p.has_slot OR p.rank <= r.n
      ), claimed AS (
        UPDATE ${schema}.outbound_emails e
        SET status = 'sending', claimed_by = $1, claimed_at = $3, claim_expires_at = $2, attempts = e.attempts + 1, updated_at = $3,
            cap_day = COALESCE(e.cap_day, g.day), attempt_pending_since = CASE WHEN $12::boolean THEN NULL ELSE $3::timestamptz END
        FROM granted g
        WHERE e.id = g.id
        RETURNING e.*
      ), cancelled AS (
        UPDATE ${schema}.outbound_emails e
        SET status = 'cancelled', last_error = 'address suppressed', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL, updated_at = $3, cap_day = NULL
        WHERE e.id = ANY($9::text[])
        RETURNING e.*
      ), deltas AS (
        SELECT campaign_id, day, sum(n)::int AS n FROM (
          SELECT campaign_id, day, 1 AS n FROM granted WHERE NOT has_slot
          UNION ALL
          SELECT campaign_id, day, -1 AS n FROM unnest($10::text[], $11::text[]) AS r(campaign_id, day)
        ) AS changes
        GROUP BY campaign_id, day
      ), counted AS (
        INSERT INTO ${schema}.daily_sends AS d (campaign_id, day, used)
        SELECT campaign_id, day, n FROM deltas WHERE n > 0
        ON CONFLICT (campaign_id, day) DO UPDATE SET used = d.used + EXCLUDED.used
      ), released AS (
        UPDATE ${schema}.daily_sends d SET used = GREATEST(0, d.used + x.n)
        FROM deltas x
        WHERE x.n < 0 AND d.campaign_id = x.campaign_id AND d.day = x.day
      )
      SELECT 'claimed' AS outcome, claimed.* FROM claimed
      UNION ALL
      SELECT 'cancelled' AS outcome, cancelled.* FROM cancelled`,
  }
}

export type ClaimDueEmailsStatements = ReturnType<typeof claimDueEmailsStatements>

/** Runs `body` in its own transaction. */
export type TransactionRunner = <T>(body: (tx: SqlExecutor) => Promise<T>) => Promise<T>

/** Where the next call starts in the list of campaigns (one per store instance). */
export interface ClaimRotation {
  offset: number
}

/**
 * A batch is shared by at most this many campaigns (each takes at least
 * `limit / maxCampaignsPerBatch` emails when it has them), so that concurrent claimers
 * lock different campaigns instead of all of them each.
 */
export const maxCampaignsPerBatch = 5
/** A bound on the rounds of claims that do not wait (each one its own transaction). */
const maxRoundsWithoutWaiting = 6

const sendable = new Set(['queued', 'active', 'paused'])

interface RoundResult {
  claimed: ClaimedEmail[]
  cancelled: ClaimDueEmailsResult['cancelledSuppressed']
  /** Campaigns that filled their whole share: they may have more due emails. */
  saturated: string[]
  /** Index (in the caps of the round) after the last campaign the round took emails from. */
  nextOffset: number | null
}

const shareOf = (wanted: number, campaigns: number) => Math.max(Math.ceil(wanted / campaigns), Math.ceil(wanted / maxCampaignsPerBatch))
const progressed = (round: RoundResult) => round.claimed.length > 0 || round.cancelled.length > 0

/**
 * Runs the claim (see {@link claimDueEmailsStatements}). First, rounds that never wait,
 * each its own transaction: campaigns nobody else holds, then again those that filled
 * their share. When the batch is still short, one last transaction waits for every
 * campaign with a due email (locked in id order, so waiting claimers never deadlock) and
 * claims from them with fresh counts — so a short batch means nothing more was due, never
 * that other workers were claiming at the same moment.
 */
export async function claimDueEmails(
  transaction: TransactionRunner,
  sql: ClaimDueEmailsStatements,
  input: ClaimDueEmailsInput,
  rotation: ClaimRotation,
  logger: Logger,
): Promise<ClaimDueEmailsResult> {
  const result: ClaimDueEmailsResult = { claimed: [], inDoubt: [], cancelledSuppressed: [] }
  if (input.caps.length === 0 || input.limit <= 0) return result
  const add = (round: RoundResult) => {
    result.claimed.push(...round.claimed)
    result.cancelledSuppressed.push(...round.cancelled)
  }
  let caps = input.caps
  for (let round = 0; round <= maxRoundsWithoutWaiting && result.claimed.length < input.limit; round++) {
    const first = round === 0
    const waiting = round === maxRoundsWithoutWaiting
    const wanted = input.limit - result.claimed.length
    const offset = first ? rotation.offset % caps.length : 0
    const roundCaps = caps
    let outcome: RoundResult
    try {
      outcome = await transaction(async (tx) => {
        const inDoubt = first ? await markInDoubt(tx, sql, input) : []
        const claimed = waiting
          ? await claimWaiting(tx, sql, input, wanted)
          : await claimRound(tx, sql, input, roundCaps, wanted, shareOf(wanted, roundCaps.length), offset)
        result.inDoubt.push(...inDoubt)
        return claimed
      })
    } catch (error) {
      if (first) throw error
      // The earlier rounds are committed and these emails are ours: hand them out rather
      // than leave them claimed until their expiry. The error shows again on the next call.
      logger.warn('postgres store: a further claim round failed; returning the emails already claimed', { error: errorMessage(error) })
      break
    }
    if (first && outcome.nextOffset !== null) rotation.offset = outcome.nextOffset
    add(outcome)
    if (waiting) break
    if (progressed(outcome) && outcome.saturated.length > 0) {
      const saturated = new Set(outcome.saturated)
      caps = input.caps.filter((cap) => saturated.has(cap.campaignId))
    } else {
      // Nothing more from the campaigns nobody holds: wait for those somebody holds.
      round = maxRoundsWithoutWaiting - 1
    }
  }
  return result
}

/** Locks every listed campaign with a due email (waiting), then claims from them until the batch is full or they are empty. */
async function claimWaiting(tx: SqlExecutor, sql: ClaimDueEmailsStatements, input: ClaimDueEmailsInput, wanted: number): Promise<RoundResult> {
  const all: RoundResult = { claimed: [], cancelled: [], saturated: [], nextOffset: null }
  const { rows } = await tx.query(sql.lockWaiting, [
    input.caps.map((c) => c.campaignId),
    input.caps.map((c) => c.day),
    input.caps.map((c) => c.dailyCap),
    input.now,
    input.senderIdempotent,
  ])
  const locked = new Set(rows.map((row) => String(row.id)))
  let caps = input.caps.filter((cap) => locked.has(cap.campaignId))
  // These campaigns are ours until the commit: read again (with this statement's fresh
  // counts and our own claims visible) as long as some campaign filled its share.
  while (caps.length > 0 && all.claimed.length < wanted) {
    const left = wanted - all.claimed.length
    const round = await claimRound(tx, sql, input, caps, left, shareOf(left, caps.length), 0)
    all.claimed.push(...round.claimed)
    all.cancelled.push(...round.cancelled)
    if (!progressed(round)) break
    const saturated = new Set(round.saturated)
    caps = caps.filter((cap) => saturated.has(cap.campaignId))
  }
  return all
}

async function markInDoubt(tx: SqlExecutor, sql: ClaimDueEmailsStatements, input: ClaimDueEmailsInput) {
  const window = input.senderIdempotencyWindowMs
  if (input.senderIdempotent && window === undefined) return []
  // Interrupted sends that must not be resent: any (sender not idempotent), or those
  // claimed longer ago than the provider remembers idempotency keys.
  const listed = input.caps.map((cap) => cap.campaignId)
  const { rows } = await tx.query(sql.markInDoubt, [listed, input.now, input.senderIdempotent, window ?? 0])
  return rows.map(toEmail)
}

async function claimRound(
  tx: SqlExecutor,
  sql: ClaimDueEmailsStatements,
  input: ClaimDueEmailsInput,
  caps: CampaignCap[],
  limit: number,
  share: number,
  offset: number,
): Promise<RoundResult> {
  const round: RoundResult = { claimed: [], cancelled: [], saturated: [], nextOffset: null }
  const { rows } = await tx.query(sql.candidates, [
    caps.map((c) => c.campaignId),
    caps.map((c) => c.day),
    caps.map((c) => c.dailyCap),
    input.now,
    limit,
    input.senderIdempotent,
    offset,
    share,
  ])
  if (rows.length === 0) return round

  // Rows come locked, campaign after campaign in rotation order, each in claim order.
  const found = new Map<string, number>()
  const campaigns = new Map<string, Campaign>()
  for (const row of rows) {
    const campaignId = String(row.campaign_id)
    found.set(campaignId, (found.get(campaignId) ?? 0) + 1)
    if (row.campaign_row) campaigns.set(campaignId, toCampaign(row.campaign_row as Row))
  }
  round.saturated = [...found].filter(([, n]) => n >= share).map(([id]) => id)
  const lastCampaign = String(rows.at(-1)!.campaign_id)
  const lastIndex = caps.findIndex((cap) => cap.campaignId === lastCampaign)
  round.nextOffset = lastIndex < 0 ? null : (lastIndex + 1) % caps.length

  const capByCampaign = new Map(caps.map((cap) => [cap.campaignId, cap]))
  const claim: Row[] = []
  const cancel: Row[] = []
  for (const row of rows) {
    if (!sendable.has(String((row.lead_row as Row).state))) continue
    if (row.suppressed) cancel.push(row)
    else claim.push(row)
  }
  if (claim.length === 0 && cancel.length === 0) return round
  const releases = cancel.filter((row) => row.cap_day !== null)
  const applied = await tx.query(sql.apply, [
    input.workerId,
    new Date(input.now.getTime() + input.claimTtlMs),
    input.now,
    claim.map((row) => String(row.id)),
    claim.map((row) => String(row.campaign_id)),
    claim.map((row) => String(row.cap_key)),
    claim.map((row) => row.cap_day !== null),
    claim.map((row) => capByCampaign.get(String(row.campaign_id))!.dailyCap),
    cancel.map((row) => String(row.id)),
    releases.map((row) => String(row.campaign_id)),
    releases.map((row) => String(row.cap_day)),
    input.senderIdempotent,
  ])
  const claimedRows = new Map<string, Row>()
  for (const row of applied.rows) {
    if (row.outcome === 'cancelled') round.cancelled.push(toEmail(row))
    else claimedRows.set(String(row.id), row)
  }
  // Handed out interleaved (the first of each campaign, then the second…), so that the
  // emails a worker sends at the same time belong to different campaigns and their
  // records do not queue on one campaign's counter row.
  const interleaved = [...claim].sort((a, b) => Number(a.campaign_rank) - Number(b.campaign_rank) || Number(a.rank) - Number(b.rank))
  for (const candidate of interleaved) {
    const row = claimedRows.get(String(candidate.id))
    if (!row) continue // no cap slot left: another claimer counted it first
    round.claimed.push({ email: toEmail(row), lead: toLead(candidate.lead_row as Row), campaign: campaigns.get(String(row.campaign_id))! })
  }
  return round
}
