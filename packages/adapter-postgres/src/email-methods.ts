import { ConflictError, NotFoundError, type OutboundEmail, type StoreV1 } from '@cam/core'
import { claimDueEmails, claimDueEmailsStatements, type ClaimRotation } from './claim-due-emails.js'
import type { SqlExecutor } from './database.js'
import { insertEmailDrafts } from './lead-methods.js'
import { toEmail } from './rows.js'
import { counterParams, type SharedStatements } from './shared-statements.js'
import { isUniqueViolation, type StoreContext } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'
import { recordEmailsSent, recordEmailsSentStatement } from './record-emails-sent.js'

type EmailMethods = Pick<
  StoreV1,
  | 'claimDueEmails'
  | 'recordSendAttempt'
  | 'renewEmailClaims'
  | 'recordEmailSent'
  | 'recordEmailsSent'
  | 'recordEmailFailed'
  | 'deferEmail'
  | 'resolveInDoubtEmail'
  | 'getEmail'
  | 'listEmails'
  | 'findEmailsByMessageIds'
>

const utcDay = (date: Date) => date.toISOString().slice(0, 10)

/** Outbound emails: the claim, the per-email records (one statement each), in-doubt resolution. */
export function emailMethods(context: StoreContext, shared: SharedStatements, options: { asyncCommitSendRecords: boolean }): EmailMethods {
  const { db, schema } = context
  const claimSql = claimDueEmailsStatements(schema)
  const rotation: ClaimRotation = { offset: 0 }

  // One statement = one transaction and one round trip: the email, the lead's progress,
  // the next step and the `sent` counters (the campaign's; the pool mailbox's when `$20`
  // names one: the email records it, and so does the lead when it has none yet).
  const recordSentSql = `
    WITH e AS (
      UPDATE ${schema}.outbound_emails
      SET status = 'sent', sent_at = $3, subject = $4, provider_id = $5, provider_message_id = $6,
          claimed_by = NULL, claim_expires_at = NULL, last_error = NULL, updated_at = $3,
          mailbox = COALESCE($20::text, mailbox)
      -- in_doubt: set aside while this worker was sending it; it now knows the outcome.
      WHERE id = $1 AND status IN ('sending', 'in_doubt') AND claimed_by = $2
      RETURNING *
    ), l AS (
      UPDATE ${schema}.leads
      SET state = $7, next_step_index = $8, last_sent_at = $9, reply_deadline_at = $10, thread_subject = $11,
          resume_at = NULL, state_reason = 'step ' || (e.step_index + 1) || ' sent', updated_at = $3,
          mailbox = COALESCE(${schema}.leads.mailbox, $20::text)
      FROM e
      WHERE ${schema}.leads.id = e.lead_id AND ${schema}.leads.state IN ('queued', 'active', 'paused')
      RETURNING ${schema}.leads.id, ${schema}.leads.campaign_id
    ), lm AS (
      -- A lead that left its sequence meanwhile (it replied) still learns the mailbox its
      -- thread is on. Disjoint from l: a row is in one state.
      UPDATE ${schema}.leads SET mailbox = $20::text
      FROM e
      WHERE $20::text IS NOT NULL AND ${schema}.leads.id = e.lead_id AND ${schema}.leads.mailbox IS NULL
        AND ${schema}.leads.state NOT IN ('queued', 'active', 'paused')
    ), n AS (
      INSERT INTO ${schema}.outbound_emails
        (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, in_reply_to, thread_references, created_at, updated_at)
      SELECT $12::text, l.campaign_id, l.id, $13::int, 'queued', $14::timestamptz, $15::text, $16::text, $17::text, $18::text[], $3, $3
      FROM l WHERE $12::text IS NOT NULL
      ON CONFLICT (lead_id, step_index) DO NOTHING
    ), c AS (
      INSERT INTO ${schema}.campaign_counters AS c (campaign_id, day, sent)
      SELECT campaign_id, $19::date, 1 FROM e
      ON CONFLICT (campaign_id, day) DO UPDATE SET sent = c.sent + 1
    ), mc AS (
      INSERT INTO ${schema}.mailbox_counters AS c (mailbox, day, sent)
      SELECT $20::text, $19::date, 1 FROM e WHERE $20::text IS NOT NULL
      ON CONFLICT (mailbox, day) DO UPDATE SET sent = c.sent + 1
    )
    ${options.asyncCommitSendRecords ? `SELECT e.* FROM e, (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed` : 'SELECT * FROM e'}`

  const recordBatchSql = recordEmailsSentStatement(schema)

  const recordFailedSql = `
    WITH e AS (
      UPDATE ${schema}.outbound_emails
      SET last_error = $4, claimed_by = NULL, claim_expires_at = NULL, updated_at = $3,
          status = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'queued' END,
          scheduled_at = COALESCE($5::timestamptz, scheduled_at),
          -- $7: whether the input names the mailbox that attempted it ($8, null: none).
          mailbox = CASE WHEN $7::boolean THEN $8::text ELSE mailbox END
      WHERE id = $1 AND status IN ('sending', 'in_doubt') AND claimed_by = $2
      RETURNING *
    ), l AS (
      UPDATE ${schema}.leads
      SET state = 'failed', state_reason = 'step ' || (e.step_index + 1) || ' failed: ' || $4, updated_at = $3
      FROM e
      WHERE $5::timestamptz IS NULL AND ${schema}.leads.id = e.lead_id AND ${schema}.leads.state IN ('queued', 'active', 'paused')
    ), c AS (
      INSERT INTO ${schema}.campaign_counters AS c (campaign_id, day, failed)
      SELECT campaign_id, $6::date, 1 FROM e WHERE $5::timestamptz IS NULL
      ON CONFLICT (campaign_id, day) DO UPDATE SET failed = c.failed + 1
    )
    SELECT * FROM e`

  const deferSql = `
    WITH old AS (
      SELECT id, cap_day FROM ${schema}.outbound_emails WHERE id = $1 AND status = 'sending' AND claimed_by = $2 FOR UPDATE
    ), e AS (
      UPDATE ${schema}.outbound_emails o
      SET status = 'queued', scheduled_at = $4, attempts = GREATEST(0, o.attempts - 1), claimed_by = NULL, claim_expires_at = NULL,
          updated_at = $3, cap_day = NULL
      FROM old WHERE o.id = old.id
      RETURNING o.*, old.cap_day AS released_day
    ), r AS (
      UPDATE ${schema}.daily_sends d SET used = GREATEST(0, d.used - 1)
      FROM e WHERE d.campaign_id = e.campaign_id AND d.day = e.released_day
    )
    SELECT * FROM e`

  /** Why a conditional update on a claimed email matched nothing. */
  const claimConflict = async (executor: SqlExecutor, emailId: string, workerId: string): Promise<never> => {
    const { rows } = await executor.query<{ status: string; claimed_by: string | null }>(`SELECT status, claimed_by FROM ${schema}.outbound_emails WHERE id = $1`, [emailId])
    if (!rows[0]) throw new NotFoundError(`outbound email ${emailId} not found`)
    throw new ConflictError(`outbound email ${emailId} is not claimed by ${workerId} (status ${rows[0].status})`)
  }

  return {
    claimDueEmails(input) {
      return claimDueEmails((body) => context.transaction('claimDueEmails', body), claimSql, input, rotation, context.logger)
    },
    recordSendAttempt(input) {
      return context.run('recordSendAttempt', async () => {
        const { rows } = await db.query(
          `UPDATE ${schema}.outbound_emails SET attempt_pending_since = NULL, updated_at = $3
           WHERE id = $1 AND status = 'sending' AND claimed_by = $2 RETURNING id`,
          [input.emailId, input.workerId, input.now],
        )
        if (!rows[0]) await claimConflict(db, input.emailId, input.workerId)
      })
    },
    renewEmailClaims(input) {
      return context.run('renewEmailClaims', async () => {
        if (input.emailIds.length === 0) return []
        const { rows } = await db.query<{ id: string }>(
          `UPDATE ${schema}.outbound_emails SET claim_expires_at = $3
           WHERE id = ANY($1::text[]) AND status = 'sending' AND claimed_by = $2 RETURNING id`,
          [input.emailIds, input.workerId, new Date(input.now.getTime() + input.claimTtlMs)],
        )
        return rows.map((row) => row.id)
      })
    },
    recordEmailSent(input) {
      // With events (an endpoint subscribes to email.sent): the record and the events in one
      // transaction; without, one statement as always (no cost on the hot path).
      const withEvents = input.events !== undefined && input.events.length > 0
      const record = async (executor: SqlExecutor) => {
        const next = input.next
        let rows
        try {
          ;({ rows } = await executor.query(recordSentSql, [
            input.emailId,
            input.workerId,
            input.sentAt,
            input.subject,
            input.providerId,
            input.providerMessageId,
            input.lead.state,
            input.lead.nextStepIndex,
            input.lead.lastSentAt,
            input.lead.replyDeadlineAt,
            input.lead.threadSubject,
            next?.id ?? null,
            next?.stepIndex ?? null,
            next?.scheduledAt ?? null,
            next?.messageId ?? null,
            next?.idempotencyKey ?? null,
            next?.inReplyTo ?? null,
            next?.references ?? [],
            utcDay(input.sentAt),
            // No mailbox (or an empty name): the worker's single sender.
            input.mailbox || null,
          ]))
        } catch (error) {
          if (isUniqueViolation(error)) throw new ConflictError(`next outbound email ${next?.id} already exists`, { cause: error })
          throw error
        }
        if (!rows[0]) return claimConflict(executor, input.emailId, input.workerId)
        await insertCamEvents(executor, schema, input.events, input.sentAt)
        return toEmail(rows[0])
      }
      return withEvents ? context.transaction('recordEmailSent', record) : context.run('recordEmailSent', () => record(db))
    },
    recordEmailsSent(inputs) {
      // One statement (one transaction) for the whole batch; with events, a transaction.
      const withEvents = inputs.some((input) => input.events !== undefined && input.events.length > 0)
      if (!withEvents && !options.asyncCommitSendRecords) return context.run('recordEmailsSent', () => recordEmailsSent(db, recordBatchSql, schema, inputs))
      return context.transaction('recordEmailsSent', async (tx) => {
        if (options.asyncCommitSendRecords) await tx.query(`SELECT set_config('synchronous_commit', 'off', true)`)
        return recordEmailsSent(tx, recordBatchSql, schema, inputs)
      })
    },
    recordEmailFailed(input) {
      return context.run('recordEmailFailed', async () => {
        const { rows } = await db.query(recordFailedSql, [
          input.emailId,
          input.workerId,
          input.now,
          input.error,
          input.retryAt,
          utcDay(input.now),
          input.mailbox !== undefined,
          input.mailbox ?? null,
        ])
        if (!rows[0]) return claimConflict(db, input.emailId, input.workerId)
        return toEmail(rows[0])
      })
    },
    deferEmail(input) {
      return context.run('deferEmail', async () => {
        const { rows } = await db.query(deferSql, [input.emailId, input.workerId, input.now, input.scheduledAt])
        if (!rows[0]) return claimConflict(db, input.emailId, input.workerId)
        return toEmail(rows[0])
      })
    },
    resolveInDoubtEmail(input) {
      return context.transaction('resolveInDoubtEmail', async (tx) => {
        const found = await tx.query(`SELECT * FROM ${schema}.outbound_emails WHERE id = $1 FOR UPDATE`, [input.emailId])
        const row = found.rows[0]
        if (!row) throw new NotFoundError(`outbound email ${input.emailId} not found`)
        if (row.status !== 'in_doubt') throw new ConflictError(`outbound email ${input.emailId} is ${String(row.status)}, not in_doubt`)
        const email = toEmail(row)
        let updated: OutboundEmail
        if (input.resolution === 'resend') {
          const { rows } = await tx.query(`UPDATE ${schema}.outbound_emails SET status = 'queued', scheduled_at = $2, claimed_by = NULL, updated_at = $2 WHERE id = $1 RETURNING *`, [email.id, input.now])
          updated = toEmail(rows[0]!)
          await tx.query(shared.notify)
        } else if (input.resolution === 'cancel') {
          const reason = 'in-doubt email cancelled by a human'
          const { rows } = await tx.query(`UPDATE ${schema}.outbound_emails SET status = 'cancelled', last_error = $3, claimed_by = NULL, updated_at = $2 WHERE id = $1 RETURNING *`, [email.id, input.now, reason])
          updated = toEmail(rows[0]!)
          await tx.query(
            `UPDATE ${schema}.leads SET state = 'failed', state_reason = $3, updated_at = $2 WHERE id = $1 AND state IN ('queued', 'active', 'paused')`,
            [email.leadId, input.now, reason],
          )
        } else {
          const { rows } = await tx.query(`UPDATE ${schema}.outbound_emails SET status = 'sent', sent_at = $2, claimed_by = NULL, updated_at = $2 WHERE id = $1 RETURNING *`, [email.id, input.now])
          updated = toEmail(rows[0]!)
          const sentCounter = counterParams(email.campaignId, utcDay(input.now), { sent: 1 })
          if (sentCounter) await tx.query(shared.addCounters, sentCounter)
          const lead = await tx.query(
            `UPDATE ${schema}.leads
             SET state = $3, next_step_index = $4, last_sent_at = $5, reply_deadline_at = $6, thread_subject = $7, resume_at = NULL,
                 state_reason = 'in-doubt email confirmed sent', updated_at = $2
             WHERE id = $1 AND state IN ('queued', 'active', 'paused') RETURNING id`,
            [email.leadId, input.now, input.lead.state, input.lead.nextStepIndex, input.lead.lastSentAt, input.lead.replyDeadlineAt, input.lead.threadSubject],
          )
          if (lead.rows.length > 0 && input.next) {
            await insertEmailDrafts(tx, schema, [{ leadId: email.leadId, campaignId: email.campaignId, draft: input.next }], input.now)
          }
          await insertCamEvents(tx, schema, input.events, input.now)
        }
        return updated
      })
    },
    getEmail(id) {
      return context.run('getEmail', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.outbound_emails WHERE id = $1`, [id])
        return rows[0] ? toEmail(rows[0]) : null
      })
    },
    listEmails(filter) {
      return context.run('listEmails', async () => {
        const where: string[] = []
        const params: unknown[] = []
        if (filter.campaignId !== undefined) where.push(`campaign_id = $${params.push(filter.campaignId)}`)
        if (filter.leadId !== undefined) where.push(`lead_id = $${params.push(filter.leadId)}`)
        if (filter.statuses) where.push(`status = ANY($${params.push(filter.statuses)}::text[])`)
        const limit = filter.limit === undefined ? '' : `LIMIT $${params.push(filter.limit)}`
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.outbound_emails ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, step_index, id ${limit}`,
          params,
        )
        return rows.map(toEmail)
      })
    },
    findEmailsByMessageIds(messageIds) {
      return context.run('findEmailsByMessageIds', async () => {
        if (messageIds.length === 0) return []
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.outbound_emails WHERE message_id = ANY($1::text[]) OR provider_message_id = ANY($1::text[]) ORDER BY created_at, step_index, id`,
          [messageIds],
        )
        return rows.map(toEmail)
      })
    },
  }
}
