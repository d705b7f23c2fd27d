import { ConflictError, type RecordEmailSentInput, type RecordEmailsSentResult } from '@cam/core'
import type { SqlExecutor } from './database.js'
import { isUniqueViolation } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'

/**
 * Group commit of sent emails: one statement records a whole batch — the emails, the
 * leads' progress, the next steps, and the `sent` counters once per campaign/day and per
 * mailbox/day (not once per email). Each email is written exactly as `recordEmailSent`
 * writes it, and only while `$2` (its worker) holds its claim; the ids it returns are
 * those recorded. Counter rows are written in key order, so that concurrent batches of
 * several workers never deadlock on them.
 */
export function recordEmailsSentStatement(schema: string): string {
  return `
    WITH input AS (
      -- A repeated id counts once (its first occurrence).
      SELECT DISTINCT ON (x.id) x.*
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[],
                  $10::timestamptz[], $11::text[], $12::text[], $13::int[], $14::timestamptz[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
        WITH ORDINALITY AS x(id, worker_id, sent_at, subject, provider_id, provider_message_id, lead_state, next_step_index, last_sent_at,
                             reply_deadline_at, thread_subject, next_id, next_step, next_scheduled_at, next_message_id, next_key, next_in_reply_to,
                             next_references, mailbox, ord)
      ORDER BY x.id, x.ord
    ), e AS (
      UPDATE ${schema}.outbound_emails o
      SET status = 'sent', sent_at = i.sent_at, subject = i.subject, provider_id = i.provider_id, provider_message_id = i.provider_message_id,
          claimed_by = NULL, claim_expires_at = NULL, last_error = NULL, updated_at = i.sent_at,
          mailbox = COALESCE(i.mailbox, o.mailbox)
      FROM input i
      -- in_doubt: set aside while this worker was sending it; it now knows the outcome.
      WHERE o.id = i.id AND o.status IN ('sending', 'in_doubt') AND o.claimed_by = i.worker_id
      RETURNING o.id, o.lead_id, o.campaign_id, o.step_index
    ), l AS (
      UPDATE ${schema}.leads
      SET state = i.lead_state, next_step_index = i.next_step_index, last_sent_at = i.last_sent_at, reply_deadline_at = i.reply_deadline_at,
          thread_subject = i.thread_subject, resume_at = NULL, state_reason = 'step ' || (e.step_index + 1) || ' sent', updated_at = i.sent_at,
          mailbox = COALESCE(${schema}.leads.mailbox, i.mailbox)
      FROM e JOIN input i ON i.id = e.id
      WHERE ${schema}.leads.id = e.lead_id AND ${schema}.leads.state IN ('queued', 'active', 'paused')
      RETURNING ${schema}.leads.id, ${schema}.leads.campaign_id, e.id AS email_id
    ), lm AS (
      -- A lead that left its sequence meanwhile (it replied) still learns the mailbox its
      -- thread is on. Disjoint from l: a row is in one state.
      UPDATE ${schema}.leads SET mailbox = i.mailbox
      FROM e JOIN input i ON i.id = e.id
      WHERE i.mailbox IS NOT NULL AND ${schema}.leads.id = e.lead_id AND ${schema}.leads.mailbox IS NULL
        AND ${schema}.leads.state NOT IN ('queued', 'active', 'paused')
    ), n AS (
      INSERT INTO ${schema}.outbound_emails
        (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, in_reply_to, thread_references, created_at, updated_at)
      SELECT i.next_id, l.campaign_id, l.id, i.next_step, 'queued', i.next_scheduled_at, i.next_message_id, i.next_key, i.next_in_reply_to,
             ARRAY(SELECT jsonb_array_elements_text(i.next_references::jsonb)), i.sent_at, i.sent_at
      FROM l JOIN input i ON i.id = l.email_id
      WHERE i.next_id IS NOT NULL
      ON CONFLICT (lead_id, step_index) DO NOTHING
    ), c AS (
      INSERT INTO ${schema}.campaign_counters AS c (campaign_id, day, sent)
      SELECT e.campaign_id, (i.sent_at AT TIME ZONE 'UTC')::date, count(*)::int FROM e JOIN input i ON i.id = e.id
      GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (campaign_id, day) DO UPDATE SET sent = c.sent + EXCLUDED.sent
    ), mc AS (
      INSERT INTO ${schema}.mailbox_counters AS c (mailbox, day, sent)
      SELECT i.mailbox, (i.sent_at AT TIME ZONE 'UTC')::date, count(*)::int FROM e JOIN input i ON i.id = e.id
      WHERE i.mailbox IS NOT NULL
      GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (mailbox, day) DO UPDATE SET sent = c.sent + EXCLUDED.sent
    )
    SELECT id FROM e`
}

/** Parameters of {@link recordEmailsSentStatement}. */
function parameters(inputs: readonly RecordEmailSentInput[]): unknown[] {
  const column = <T>(pick: (input: RecordEmailSentInput) => T) => inputs.map(pick)
  return [
    column((i) => i.emailId),
    column((i) => i.workerId),
    column((i) => i.sentAt),
    column((i) => i.subject),
    column((i) => i.providerId),
    column((i) => i.providerMessageId),
    column((i) => i.lead.state),
    column((i) => i.lead.nextStepIndex),
    column((i) => i.lead.lastSentAt),
    column((i) => i.lead.replyDeadlineAt),
    column((i) => i.lead.threadSubject),
    column((i) => i.next?.id ?? null),
    column((i) => i.next?.stepIndex ?? null),
    column((i) => i.next?.scheduledAt ?? null),
    column((i) => i.next?.messageId ?? null),
    column((i) => i.next?.idempotencyKey ?? null),
    column((i) => i.next?.inReplyTo ?? null),
    column((i) => JSON.stringify(i.next?.references ?? [])),
    // No mailbox (or an empty name): the worker's single sender.
    column((i) => i.mailbox || null),
  ]
}

/**
 * Records a batch (see {@link recordEmailsSentStatement}) with `executor`; the events of
 * the emails recorded are written by the same executor (give it a transaction then).
 */
export async function recordEmailsSent(executor: SqlExecutor, sql: string, schema: string, inputs: readonly RecordEmailSentInput[]): Promise<RecordEmailsSentResult> {
  if (inputs.length === 0) return { recorded: [], lost: [] }
  let rows: Array<{ id: string }>
  try {
    ;({ rows } = await executor.query<{ id: string }>(sql, parameters(inputs)))
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('a next outbound email of the batch already exists', { cause: error })
    throw error
  }
  const written = new Set(rows.map((row) => row.id))
  const recorded: string[] = []
  const lost: string[] = []
  const seen = new Set<string>()
  const events = []
  let latest = inputs[0]!.sentAt
  for (const input of inputs) {
    const first = !seen.has(input.emailId)
    seen.add(input.emailId)
    if (first && written.has(input.emailId)) {
      recorded.push(input.emailId)
      if (input.events) events.push(...input.events)
      if (input.sentAt > latest) latest = input.sentAt
    } else lost.push(input.emailId)
  }
  await insertCamEvents(executor, schema, events, latest)
  return { recorded, lost }
}
