import { randomUUID } from 'node:crypto'
import { NotFoundError, type AddLeadsResult, type LeadState, type NewOutboundEmail, type StoreV1 } from '@cam/core'
import type { SqlExecutor } from './database.js'
import { toLead } from './rows.js'
import type { SharedStatements } from './shared-statements.js'
import type { StoreContext } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'

type LeadMethods = Pick<
  StoreV1,
  'addLeads' | 'getLead' | 'listLeads' | 'findLeadsByEmail' | 'countLeadsByState' | 'transitionLead' | 'listLeadsPastReplyDeadline'
>

/** Inserts outbound email drafts for leads (`ON CONFLICT (lead_id, step_index) DO NOTHING`). */
export async function insertEmailDrafts(
  tx: SqlExecutor,
  schema: string,
  items: Array<{ leadId: string; campaignId: string; draft: NewOutboundEmail }>,
  now: Date,
): Promise<void> {
  if (items.length === 0) return
  await tx.query(
    `INSERT INTO ${schema}.outbound_emails
       (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, in_reply_to, thread_references, created_at, updated_at)
     SELECT d.id, d.campaign_id, d.lead_id, d.step_index, 'queued', d.scheduled_at, d.message_id, d.idempotency_key, d.in_reply_to,
            ARRAY(SELECT jsonb_array_elements_text(d.refs)), $9, $9
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $10::jsonb[])
          WITH ORDINALITY AS d(id, campaign_id, lead_id, step_index, scheduled_at, message_id, idempotency_key, in_reply_to, refs, n)
     ORDER BY d.n
     ON CONFLICT (lead_id, step_index) DO NOTHING`,
    [
      items.map((i) => i.draft.id),
      items.map((i) => i.campaignId),
      items.map((i) => i.leadId),
      items.map((i) => i.draft.stepIndex),
      items.map((i) => i.draft.scheduledAt),
      items.map((i) => i.draft.messageId),
      items.map((i) => i.draft.idempotencyKey),
      items.map((i) => i.draft.inReplyTo),
      now,
      items.map((i) => JSON.stringify(i.draft.references)),
    ],
  )
}

/** Leads: batch add with their first email, reads, keyset pages, conditional transitions. */
export function leadMethods(context: StoreContext, shared: SharedStatements): LeadMethods {
  const { db, schema } = context
  return {
    addLeads(input) {
      return context.transaction('addLeads', async (tx) => {
        const campaign = await tx.query(`SELECT id FROM ${schema}.campaigns WHERE id = $1`, [input.campaignId])
        if (campaign.rows.length === 0) throw new NotFoundError(`campaign ${input.campaignId} not found`)
        const result: AddLeadsResult = { added: [], duplicates: [], suppressed: [] }
        const addresses = [...new Set(input.leads.map((item) => item.lead.emailNormalized))]
        const existing = await tx.query<{ email_normalized: string }>(
          `SELECT email_normalized FROM ${schema}.leads WHERE campaign_id = $1 AND email_normalized = ANY($2::text[])`,
          [input.campaignId, addresses],
        )
        const suppressed = await tx.query<{ email: string }>(`SELECT email FROM ${schema}.suppressions WHERE email = ANY($1::text[])`, [addresses])
        const taken = new Set(existing.rows.map((r) => r.email_normalized))
        const blocked = new Set(suppressed.rows.map((r) => r.email))
        const fresh: typeof input.leads = []
        for (const item of input.leads) {
          const address = item.lead.emailNormalized
          if (taken.has(address)) result.duplicates.push(address)
          else if (blocked.has(address)) result.suppressed.push(address)
          else {
            taken.add(address)
            fresh.push(item)
          }
        }
        if (fresh.length === 0) return result
        const ids = fresh.map(() => randomUUID())
        const inserted = await tx.query(
          `INSERT INTO ${schema}.leads (id, campaign_id, email, email_normalized, first_name, last_name, company, variables, timezone, state, next_step_index, created_at, updated_at)
           SELECT l.id, $1, l.email, l.email_normalized, l.first_name, l.last_name, l.company, l.variables, l.timezone, 'queued', 0, $2, $2
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::text[])
                WITH ORDINALITY AS l(id, email, email_normalized, first_name, last_name, company, variables, timezone, n)
           ORDER BY l.n
           ON CONFLICT (campaign_id, email_normalized) DO NOTHING
           RETURNING *`,
          [
            input.campaignId,
            input.now,
            ids,
            fresh.map((f) => f.lead.email),
            fresh.map((f) => f.lead.emailNormalized),
            fresh.map((f) => f.lead.firstName),
            fresh.map((f) => f.lead.lastName),
            fresh.map((f) => f.lead.company),
            fresh.map((f) => JSON.stringify(f.lead.variables ?? {})),
            fresh.map((f) => f.lead.timezone),
          ],
        )
        const byId = new Map(inserted.rows.map((row) => [String(row.id), row]))
        const drafts: Array<{ leadId: string; campaignId: string; draft: NewOutboundEmail }> = []
        fresh.forEach((item, index) => {
          const row = byId.get(ids[index]!)
          // Added meanwhile by a concurrent call: a duplicate after all.
          if (!row) return void result.duplicates.push(item.lead.emailNormalized)
          result.added.push(toLead(row))
          drafts.push({ leadId: ids[index]!, campaignId: input.campaignId, draft: item.firstEmail })
        })
        await insertEmailDrafts(tx, schema, drafts, input.now)
        if (result.added.length > 0) await tx.query(shared.notify)
        return result
      })
    },
    getLead(id) {
      return context.run('getLead', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.leads WHERE id = $1`, [id])
        return rows[0] ? toLead(rows[0]) : null
      })
    },
    listLeads(filter) {
      return context.run('listLeads', async () => {
        const where: string[] = []
        const params: unknown[] = []
        const add = (sql: (n: string) => string, value: unknown) => {
          params.push(value)
          where.push(sql(`$${params.length}`))
        }
        if (filter.campaignId !== undefined) add((p) => `campaign_id = ${p}`, filter.campaignId)
        if (filter.states) add((p) => `state = ANY(${p}::text[])`, filter.states)
        if (filter.email !== undefined) add((p) => `email_normalized = ${p}`, filter.email)
        if (filter.after !== undefined) {
          add((p) => `seq > COALESCE((SELECT seq FROM ${schema}.leads WHERE id = ${p}), 9223372036854775807)`, filter.after)
        }
        params.push(filter.limit ?? 100)
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.leads ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.length}`,
          params,
        )
        return rows.map(toLead)
      })
    },
    findLeadsByEmail(email) {
      return context.run('findLeadsByEmail', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.leads WHERE email_normalized = $1 ORDER BY last_sent_at DESC NULLS LAST, seq DESC`, [email])
        return rows.map(toLead)
      })
    },
    countLeadsByState(campaignId) {
      return context.run('countLeadsByState', async () => {
        const { rows } = await db.query<{ state: LeadState; n: number }>(
          `SELECT state, count(*)::int AS n FROM ${schema}.leads WHERE campaign_id = $1 GROUP BY state`,
          [campaignId],
        )
        const counts: Partial<Record<LeadState, number>> = {}
        for (const row of rows) counts[row.state] = Number(row.n)
        return counts
      })
    },
    transitionLead(input) {
      return context.transaction('transitionLead', async (tx) => {
        const { rows } = await tx.query(
          `UPDATE ${schema}.leads SET state = $3, state_reason = $4, updated_at = $5,
             resume_at = CASE WHEN $6::boolean THEN $7::timestamptz ELSE resume_at END,
             reply_deadline_at = CASE WHEN $8::boolean THEN $9::timestamptz ELSE reply_deadline_at END
           WHERE id = $1 AND state = $2 RETURNING *`,
          [
            input.leadId,
            input.from,
            input.to,
            input.reason,
            input.now,
            input.resumeAt !== undefined,
            input.resumeAt ?? null,
            input.replyDeadlineAt !== undefined,
            input.replyDeadlineAt ?? null,
          ],
        )
        if (!rows[0]) {
          const exists = await tx.query(`SELECT 1 FROM ${schema}.leads WHERE id = $1`, [input.leadId])
          if (exists.rows.length === 0) throw new NotFoundError(`lead ${input.leadId} not found`)
          return null
        }
        if (input.cancelPendingEmails) await tx.query(shared.cancelQueuedEmails, [[input.leadId], `lead moved to ${input.to}`, input.now])
        await insertCamEvents(tx, schema, input.events, input.now)
        return toLead(rows[0])
      })
    },
    listLeadsPastReplyDeadline({ now, limit }) {
      return context.run('listLeadsPastReplyDeadline', async () => {
        const { rows } = await db.query(
          // reply_due_at: the reply deadline of a completed or paused lead (generated column).
          `SELECT * FROM ${schema}.leads
           WHERE reply_due_at IS NOT NULL AND reply_due_at <= $1
           ORDER BY reply_due_at, seq LIMIT $2`,
          [now, limit],
        )
        return rows.map(toLead)
      })
    },
  }
}
