import { finalFindingKinds, NotFoundError, type StoreV1 } from '@cam/core'
import { applyEmailFinding, lockEmails } from './email-findings.js'
import { applyLeadTransition, applySuppression } from './message-methods.js'
import { toDeliveryEvent, toEmail } from './rows.js'
import type { SharedStatements } from './shared-statements.js'
import type { StoreContext } from './store-context.js'
import { insertCamEvents } from './webhook-events.js'

type DeliveryMethods = Pick<StoreV1, 'findEmailByProviderId' | 'recordDeliveryEvent' | 'listDeliveryEvents' | 'listEmailsAwaitingDelivery'>

/**
 * Delivery events: recorded once per provider and event id (the primary key), each with
 * its effects in the same transaction; findings counted once per email (`email_findings`).
 */
export function deliveryMethods(context: StoreContext, shared: SharedStatements): DeliveryMethods {
  const { db, schema } = context
  const finalKinds = [...finalFindingKinds]
  return {
    findEmailByProviderId(providerId) {
      return context.run('findEmailByProviderId', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.outbound_emails WHERE provider_id = $1 ORDER BY created_at, id LIMIT 1`, [providerId])
        return rows[0] ? toEmail(rows[0]) : null
      })
    },
    recordDeliveryEvent(input) {
      return context.transaction('recordDeliveryEvent', async (tx) => {
        const { event, now, finding } = input
        // The email first (then the lead, as recordMessageOutcome does): concurrent reports
        // of one email, replays of one event among them, are applied one after the other.
        const found = await lockEmails(tx, schema, [event.emailId, finding.emailId])
        const missing = [event.emailId, finding.emailId].find((id) => !found.has(id))
        const duplicate = { recorded: false, counted: false }
        if (missing !== undefined) {
          // As the port says: an event recorded before is a duplicate, whatever else.
          const recorded = await tx.query(`SELECT 1 FROM ${schema}.delivery_events WHERE provider = $1 AND event_id = $2`, [event.provider, event.id])
          if (recorded.rows.length > 0) return duplicate
          throw new NotFoundError(`outbound email ${missing} not found`)
        }
        const inserted = await tx.query(
          `INSERT INTO ${schema}.delivery_events
             (provider, event_id, email_id, campaign_id, lead_id, type, recipient, bounce_type, bounce_reason, bounce_diagnostic_code, reason, occurred_at, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT (provider, event_id) DO NOTHING
           RETURNING seq`,
          [
            event.provider,
            event.id,
            event.emailId,
            event.campaignId,
            event.leadId,
            event.type,
            event.recipient,
            event.bounce?.type ?? null,
            event.bounce?.reason ?? null,
            event.bounce?.diagnosticCode ?? null,
            event.reason,
            event.occurredAt,
            now,
          ],
        )
        // Recorded before (by an earlier call, or a concurrent one that committed first): nothing more.
        if (inserted.rows.length === 0) return duplicate
        // A stale transition throws here and rolls the event back with everything else.
        if (input.leadTransition) await applyLeadTransition(tx, schema, input.leadTransition, now)
        if (input.cancelPendingEmails) await tx.query(shared.cancelQueuedEmails, [[event.leadId], `sequence stopped by ${event.provider} ${event.type} event`, now])
        if (input.suppression) await applySuppression(tx, schema, shared, { ...input.suppression, now })
        const counted = await applyEmailFinding(tx, schema, shared, finding, now)
        await insertCamEvents(tx, schema, input.events, now)
        return { recorded: true, counted }
      })
    },
    listDeliveryEvents(filter) {
      return context.run('listDeliveryEvents', async () => {
        const where: string[] = []
        const params: unknown[] = []
        if (filter.emailId !== undefined) where.push(`email_id = $${params.push(filter.emailId)}`)
        if (filter.campaignId !== undefined) where.push(`campaign_id = $${params.push(filter.campaignId)}`)
        const limit = `LIMIT $${params.push(filter.limit ?? 100)}`
        const { rows } = await db.query(
          `SELECT * FROM ${schema}.delivery_events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC ${limit}`,
          params,
        )
        return rows.map(toDeliveryEvent)
      })
    },
    listEmailsAwaitingDelivery(input) {
      return context.run('listEmailsAwaitingDelivery', async () => {
        const { rows } = await db.query(
          `SELECT e.* FROM ${schema}.outbound_emails e
           WHERE e.status = 'sent' AND e.provider_id IS NOT NULL AND e.sent_at >= $1 AND e.sent_at < $2
             AND NOT EXISTS (SELECT 1 FROM ${schema}.email_findings f WHERE f.email_id = e.id AND f.kind = ANY($3::text[]))
           ORDER BY e.sent_at, e.id
           LIMIT $4`,
          [input.sentAfter, input.sentBefore, finalKinds, input.limit],
        )
        return rows.map(toEmail)
      })
    },
  }
}
