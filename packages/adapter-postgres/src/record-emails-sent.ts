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
      -- Each later part reads what it needs from here: joining the input again would scan
      -- it once per row.
      RETURNING o.id, o.lead_id, o.campaign_id, o.step_index, i.sent_at, i.mailbox, i.lead_state, i.next_step_index, i.last_sent_at,
                i.reply_deadline_at, i.thread_subject, i.next_id, i.next_step, i.next_scheduled_at, i.next_message_id, i.next_key,
                i.next_in_reply_to, i.next_references
    ), l AS (
      UPDATE ${schema}.leads
      SET state = e.lead_state, next_step_index = e.next_step_index, last_sent_at = e.last_sent_at, reply_deadline_at = e.reply_deadline_at,
          thread_subject = e.thread_subject, resume_at = NULL, state_reason = 'step ' || (e.step_index + 1) || ' sent', updated_at = e.sent_at,
          mailbox = COALESCE(${schema}.leads.mailbox, e.mailbox)
      FROM e
      WHERE ${schema}.leads.id = e.lead_id AND ${schema}.leads.state IN ('queued', 'active', 'paused')
      RETURNING ${schema}.leads.id, ${schema}.leads.campaign_id, e.id AS email_id, e.sent_at, e.next_id, e.next_step, e.next_scheduled_at,
                e.next_message_id, e.next_key, e.next_in_reply_to, e.next_references
    ), moved AS MATERIALIZED (
      -- A lead that left its sequence meanwhile (it replied) still learns the mailbox its
      -- thread is on: the emails with a mailbox whose lead l did not update (usually none,
      -- so that no lead is looked up twice).
      SELECT e.lead_id, e.mailbox FROM e
      WHERE e.mailbox IS NOT NULL AND NOT EXISTS (SELECT 1 FROM l WHERE l.email_id = e.id)
    ), lm AS (
      -- Disjoint from l: a row is in one state.
      UPDATE ${schema}.leads SET mailbox = m.mailbox
      FROM moved m
      WHERE ${schema}.leads.id = m.lead_id AND ${schema}.leads.mailbox IS NULL
        AND ${schema}.leads.state NOT IN ('queued', 'active', 'paused')
    ), n AS (
      INSERT INTO ${schema}.outbound_emails
        (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, in_reply_to, thread_references, created_at, updated_at)
      SELECT l.next_id, l.campaign_id, l.id, l.next_step, 'queued', l.next_scheduled_at, l.next_message_id, l.next_key, l.next_in_reply_to,
             ARRAY(SELECT jsonb_array_elements_text(l.next_references::jsonb)), l.sent_at, l.sent_at
      FROM l
      WHERE l.next_id IS NOT NULL
      ON CONFLICT (lead_id, step_index) DO NOTHING
    ), c AS (
      INSERT INTO ${schema}.campaign_counters AS c (campaign_id, day, sent)
      SELECT e.campaign_id, (e.sent_at AT TIME ZONE 'UTC')::date, count(*)::int FROM e
      GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (campaign_id, day) DO UPDATE SET sent = c.sent + EXCLUDED.sent
    ), mc AS (
      INSERT INTO ${schema}.mailbox_counters AS c (mailbox, day, sent)
      SELECT e.mailbox, (e.sent_at AT TIME ZONE 'UTC')::date, count(*)::int FROM e
      WHERE e.mailbox IS NOT NULL
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
