import { randomUUID } from 'node:crypto'
import { ConflictError, NotFoundError, type LeadTransition, type MessageOutcome, type StoreV1, type SuppressionReason } from '@cam/core'
import type { SqlExecutor } from './database.js'
import { applyEmailFinding, lockEmails } from './email-findings.js'
import { toMessage } from './rows.js'
import { counterParams, insertAlert, openStates, type SharedStatements } from './shared-statements.js'
import type { StoreContext } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'

/** The parts of a message's outcome that act on its lead, campaign and alerts. */
type ReplyEffects = Pick<MessageOutcome, 'leadId' | 'campaignId' | 'cancelPendingEmails' | 'reschedulePendingEmailTo' | 'suppression' | 'alert' | 'metrics'>

type MessageMethods = Pick<
  StoreV1,
  | 'getInboxCursor'
  | 'saveInboxCursor'
  | 'saveInboundMessage'
  | 'claimPendingMessages'
  | 'recordMessageOutcome'
  | 'releaseMessage'
  | 'quarantineMessage'
  | 'retryQuarantinedMessage'
  | 'getInboundMessage'
  | 'listInboundMessages'
  | 'reclassifyMessage'
  | 'suppress'
>

/**
 * Adds an address to the suppression list (first reason kept), cancels every queued
 * email to it and ends its leads that are still in sequence — inside `tx`.
 */
export async function applySuppression(
  tx: SqlExecutor,
  schema: string,
  shared: SharedStatements,
  input: { email: string; reason: SuppressionReason; source: string | null; now: Date },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO ${schema}.suppressions (email, reason, source, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING email`,
    [input.email, input.reason, input.source, input.now],
  )
  const reason = `address suppressed (${input.reason})`
  const leads = await tx.query<{ id: string }>(`SELECT id FROM ${schema}.leads WHERE email_normalized = $1 ORDER BY id`, [input.email])
  if (leads.rows.length > 0) {
    const ids = leads.rows.map((row) => row.id)
    await tx.query(shared.cancelQueuedEmails, [ids, reason, input.now])
    await tx.query(
      `UPDATE ${schema}.leads SET state = $2, state_reason = $3, resume_at = NULL, reply_deadline_at = NULL, updated_at = $4
       WHERE id = ANY($1::text[]) AND state = ANY($5::text[])`,
      [ids, input.reason === 'hard_bounce' ? 'bounced' : 'unsubscribed', reason, input.now, openStates],
    )
  }
  return inserted.rows.length > 0
}

/**
 * Moves a lead from `transition.from` to `transition.to` inside `tx`. Throws
 * `ConflictError` when its state is no longer `from` (`NotFoundError` when it does not
 * exist): thrown inside the transaction, it rolls back everything the caller applied.
 */
export async function applyLeadTransition(tx: SqlExecutor, schema: string, transition: LeadTransition, now: Date): Promise<void> {
  const moved = await tx.query(
    `UPDATE ${schema}.leads SET state = $3, state_reason = $4, updated_at = $5,
       resume_at = CASE WHEN $6::boolean THEN $7::timestamptz ELSE resume_at END,
       reply_deadline_at = CASE WHEN $8::boolean THEN $9::timestamptz ELSE reply_deadline_at END
     WHERE id = $1 AND state = $2 RETURNING id`,
    [
      transition.leadId,
      transition.from,
      transition.to,
      transition.reason,
      now,
      transition.resumeAt !== undefined,
      transition.resumeAt ?? null,
      transition.replyDeadlineAt !== undefined,
      transition.replyDeadlineAt ?? null,
    ],
  )
  if (moved.rows.length === 0) {
    const lead = await tx.query<{ state: string }>(`SELECT state FROM ${schema}.leads WHERE id = $1`, [transition.leadId])
    if (!lead.rows[0]) throw new NotFoundError(`lead ${transition.leadId} not found`)
    throw new ConflictError(`lead ${transition.leadId} is ${lead.rows[0].state}, expected ${transition.from}`)
  }
}

/** Inbound messages (stored with their cursor, claimed, processed atomically) and suppressions. */
export function messageMethods(context: StoreContext, shared: SharedStatements): MessageMethods {
  const { db, schema } = context
  const utcDay = (date: Date) => date.toISOString().slice(0, 10)
  /** Why a conditional update on a claimed message matched nothing. */
  const messageClaimConflict = async (messageId: string, workerId: string): Promise<never> => {
    const exists = await db.query(`SELECT 1 FROM ${schema}.inbound_messages WHERE id = $1`, [messageId])
    if (exists.rows.length === 0) throw new NotFoundError(`inbound message ${messageId} not found`)
    throw new ConflictError(`inbound message ${messageId} is not claimed by ${workerId}`)
  }
  /** What a classified reply does beyond the message itself (shared by outcome and reclassification), inside `tx`. */
  const applyReplyEffects = async (tx: SqlExecutor, effects: ReplyEffects, now: Date) => {
    if (effects.leadId && effects.cancelPendingEmails) {
      await tx.query(shared.cancelQueuedEmails, [[effects.leadId], 'sequence stopped by reply', now])
    }
    if (effects.leadId && effects.reschedulePendingEmailTo) {
      await tx.query(`UPDATE ${schema}.outbound_emails SET scheduled_at = $2, updated_at = $3 WHERE lead_id = $1 AND status = 'queued'`, [
        effects.leadId,
        effects.reschedulePendingEmailTo,
        now,
      ])
    }
    if (effects.suppression) await applySuppression(tx, schema, shared, { ...effects.suppression, now })
    if (effects.alert) await insertAlert(tx, schema, effects.alert.alert, effects.alert.channels, now)
    const counters = counterParams(effects.campaignId, utcDay(now), effects.metrics)
    if (counters) await tx.query(shared.addCounters, counters)
  }
  return {
    getInboxCursor(inbox) {
      return context.run('getInboxCursor', async () => {
        const { rows } = await db.query<{ cursor: string }>(`SELECT cursor FROM ${schema}.inbox_cursors WHERE inbox = $1`, [inbox])
        return rows[0]?.cursor ?? null
      })
    },
    saveInboxCursor(inbox, cursor) {
      return context.run('saveInboxCursor', async () => {
        await db.query(
          `INSERT INTO ${schema}.inbox_cursors (inbox, cursor, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (inbox) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
          [inbox, cursor],
        )
      })
    },
    saveInboundMessage(input) {
      return context.transaction('saveInboundMessage', async (tx) => {
        await tx.query(
          `INSERT INTO ${schema}.inbox_cursors (inbox, cursor, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (inbox) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
          [input.inbox, input.cursor],
        )
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO ${schema}.inbound_messages (id, inbox, source_key, message_id, raw, truncated, received_at, status, content_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', CASE WHEN $4::text IS NULL THEN sha256($5::bytea) END)
           ON CONFLICT DO NOTHING RETURNING id`,
          [randomUUID(), input.inbox, input.sourceKey, input.messageId, input.raw, input.truncated, input.receivedAt],
        )
        if (inserted.rows[0]) return { stored: true, id: inserted.rows[0].id }
        const existing = await tx.query<{ id: string }>(
          `SELECT id FROM ${schema}.inbound_messages
           WHERE (inbox = $1 AND source_key = $2) OR ($3::text IS NOT NULL AND message_id = $3)
              OR ($3::text IS NULL AND inbox = $1 AND content_hash = sha256($4::bytea))
           ORDER BY (inbox = $1 AND source_key = $2) DESC LIMIT 1`,
          [input.inbox, input.sourceKey, input.messageId, input.raw],
        )
        if (!existing.rows[0]) throw new Error('inbound message conflicted with a row that is not visible')
        return { stored: false, id: existing.rows[0].id }
      })
    },
    claimPendingMessages(input) {
      return context.run('claimPendingMessages', async () => {
        const { rows } = await db.query(
          `UPDATE ${schema}.inbound_messages m
           SET claimed_by = $2, claim_expires_at = $3, attempts = m.attempts + 1,
               -- A claim that expired: the worker processing it crashed or stalled.
               failures = m.failures + (m.claimed_by IS NOT NULL)::int
           FROM (
             SELECT id FROM ${schema}.inbound_messages
             WHERE status = 'pending' AND available_at <= $1 AND (claimed_by IS NULL OR claim_expires_at <= $1)
             ORDER BY seq LIMIT $4
             FOR UPDATE SKIP LOCKED
           ) c
           WHERE m.id = c.id
           RETURNING m.*`,
          [input.now, input.workerId, new Date(input.now.getTime() + input.claimTtlMs), input.limit],
        )
        return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toMessage)
      })
    },
    recordMessageOutcome(outcome) {
      return context.transaction('recordMessageOutcome', async (tx) => {
        const message = await tx.query(`SELECT status, claimed_by FROM ${schema}.inbound_messages WHERE id = $1 FOR UPDATE`, [outcome.messageId])
        if (!message.rows[0]) throw new NotFoundError(`inbound message ${outcome.messageId} not found`)
        if (message.rows[0].status !== 'pending' || message.rows[0].claimed_by !== outcome.workerId) {
          throw new ConflictError(`inbound message ${outcome.messageId} is not claimed by ${outcome.workerId}`)
        }
        const { now } = outcome
        // The email a finding is about is locked before the lead, as recordDeliveryEvent does.
        if (outcome.finding) await lockEmails(tx, schema, [outcome.finding.emailId])
        if (outcome.leadTransition) await applyLeadTransition(tx, schema, outcome.leadTransition, now)
        await tx.query(
          `UPDATE ${schema}.inbound_messages
           SET status = 'processed', processed_at = $2, lead_id = $3, campaign_id = $4, outbound_email_id = $5, classification = $6::jsonb,
               note = $7, claimed_by = NULL, claim_expires_at = NULL
           WHERE id = $1`,
          [outcome.messageId, now, outcome.leadId, outcome.campaignId, outcome.outboundEmailId, outcome.classification ? JSON.stringify(outcome.classification) : null, outcome.note],
        )
        await applyReplyEffects(tx, outcome, now)
        // Counted once per email and kind, also when a provider's event reported it first.
        if (outcome.finding) await applyEmailFinding(tx, schema, shared, outcome.finding, now)
        await insertCamEvents(tx, schema, outcome.events, now)
      })
    },
    releaseMessage(input) {
      return context.run('releaseMessage', async () => {
        const blamed = input.error !== undefined
        const { rows } = await db.query(
          `UPDATE ${schema}.inbound_messages
           SET claimed_by = NULL, claim_expires_at = NULL, available_at = $3,
               failures = failures + $4::int, last_error = CASE WHEN $4::int = 1 THEN $5 ELSE last_error END
           WHERE id = $1 AND status = 'pending' AND claimed_by = $2 RETURNING id`,
          [input.messageId, input.workerId, input.retryAt, blamed ? 1 : 0, input.error ?? null],
        )
        if (!rows[0]) await messageClaimConflict(input.messageId, input.workerId)
      })
    },
    quarantineMessage(input) {
      return context.run('quarantineMessage', async () => {
        const { rows } = await db.query(
          `UPDATE ${schema}.inbound_messages
           SET status = 'quarantined', claimed_by = NULL, claim_expires_at = NULL, failures = failures + $4::int, last_error = $3
           WHERE id = $1 AND status = 'pending' AND claimed_by = $2 RETURNING *`,
          [input.messageId, input.workerId, input.error, input.countFailure === false ? 0 : 1],
        )
        if (!rows[0]) return messageClaimConflict(input.messageId, input.workerId)
        return toMessage(rows[0])
      })
    },
    retryQuarantinedMessage(input) {
      return context.transaction('retryQuarantinedMessage', async (tx) => {
        const { rows } = await tx.query(
          `UPDATE ${schema}.inbound_messages SET status = 'pending', failures = 0, available_at = $2
           WHERE id = $1 AND status = 'quarantined' RETURNING *`,
          [input.messageId, input.now],
        )
        if (!rows[0]) {
          const found = await tx.query<{ status: string }>(`SELECT status FROM ${schema}.inbound_messages WHERE id = $1`, [input.messageId])
          if (!found.rows[0]) throw new NotFoundError(`inbound message ${input.messageId} not found`)
          throw new ConflictError(`inbound message ${input.messageId} is ${found.rows[0].status}, not quarantined`)
        }
        await tx.query(shared.notify)
        return toMessage(rows[0])
      })
    },
    getInboundMessage(id) {
      return context.run('getInboundMessage', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.inbound_messages WHERE id = $1`, [id])
        return rows[0] ? toMessage(rows[0]) : null
      })
    },
    listInboundMessages(filter) {
      return context.run('listInboundMessages', async () => {
        const newestFirst = filter.order === 'newest_first'
        const where: string[] = []
        const params: unknown[] = []
        if (filter.leadId !== undefined) where.push(`lead_id = $${params.push(filter.leadId)}`)
        if (filter.campaignId !== undefined) where.push(`campaign_id = $${params.push(filter.campaignId)}`)
        if (filter.status !== undefined) where.push(`status = $${params.push(filter.status)}`)
        if (filter.category !== undefined) where.push(`classification->>'category' = $${params.push(filter.category)}`)
        if (filter.after !== undefined) {
          // Keyset: after the given message in the chosen order (nothing when it does not exist).
          where.push(`seq ${newestFirst ? '<' : '>'} (SELECT seq FROM ${schema}.inbound_messages WHERE id = $${params.push(filter.after)})`)
        }
        const limit = filter.limit === undefined ? '' : `LIMIT $${params.push(filter.limit)}`
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.inbound_messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${newestFirst ? 'DESC' : ''} ${limit}`,
          params,
        )
        return rows.map(toMessage)
      })
    },
    reclassifyMessage(input) {
      return context.transaction('reclassifyMessage', async (tx) => {
        const { rows } = await tx.query(`SELECT status, lead_id, campaign_id, classification->>'category' AS category FROM ${schema}.inbound_messages WHERE id = $1 FOR UPDATE`, [
          input.messageId,
        ])
        const message = rows[0]
        if (!message) throw new NotFoundError(`inbound message ${input.messageId} not found`)
        if (message.status !== 'processed') throw new ConflictError(`inbound message ${input.messageId} is ${String(message.status)}, not processed`)
        const stored = (message.category as string | null) ?? null
        if (stored !== input.expectedCategory) {
          throw new ConflictError(`inbound message ${input.messageId} is classified ${stored ?? 'nothing'}, expected ${input.expectedCategory ?? 'nothing'}`)
        }
        if (input.leadTransition) await applyLeadTransition(tx, schema, input.leadTransition, input.now)
        const updated = await tx.query(`UPDATE ${schema}.inbound_messages SET classification = $2::jsonb, note = $3 WHERE id = $1 RETURNING *`, [
          input.messageId,
          JSON.stringify(input.classification),
          input.note,
        ])
        const leadId = (message.lead_id as string | null) ?? null
        await applyReplyEffects(tx, { ...input, leadId, campaignId: (message.campaign_id as string | null) ?? null }, input.now)
        await insertCamEvents(tx, schema, input.events, input.now)
        return toMessage(updated.rows[0]!)
      })
    },
    suppress(input) {
      return context.transaction('suppress', async (tx) => ({ created: await applySuppression(tx, schema, shared, input) }))
    },
  }
}
