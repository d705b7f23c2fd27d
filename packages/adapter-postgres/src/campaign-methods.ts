import { randomUUID } from 'node:crypto'
import { NotFoundError, type NewCampaign, type StoreV1 } from '@cam/core'
import { toCampaign } from './rows.js'
import { insertAlert, type SharedStatements } from './shared-statements.js'
import { insertCamEvents } from './webhook-events.js'
import type { StoreContext } from './store-context.js'

type CampaignMethods = Pick<StoreV1, 'createCampaign' | 'getCampaign' | 'listCampaigns' | 'updateCampaign' | 'transitionCampaign'>

/** Campaign fields a patch may replace, with their column and how they are stored. */
const patchColumns: Record<keyof NewCampaign, { column: string; json: boolean }> = {
  name: { column: 'name', json: false },
  sender: { column: 'sender', json: true },
  steps: { column: 'steps', json: true },
  schedule: { column: 'schedule', json: true },
  dailyCap: { column: 'daily_cap', json: false },
  rules: { column: 'rules', json: true },
  noReplyTimeoutDays: { column: 'no_reply_timeout_days', json: false },
  nurtureCampaignId: { column: 'nurture_campaign_id', json: false },
  mailboxes: { column: 'mailboxes', json: true },
}

/** Campaigns: create, read, patch, conditional status transitions (with their alert). */
export function campaignMethods(context: StoreContext, shared: SharedStatements): CampaignMethods {
  const { db, schema } = context
  return {
    createCampaign(campaign, now) {
      return context.run('createCampaign', async () => {
        const { rows } = await db.query(
          `INSERT INTO ${schema}.campaigns (id, name, status, sender, steps, schedule, daily_cap, rules, no_reply_timeout_days, nurture_campaign_id, mailboxes, created_at, updated_at)
           VALUES ($1, $2, 'draft', $3::jsonb, $4::jsonb, $5::jsonb, $6, $7::jsonb, $8, $9, $11::jsonb, $10, $10)
           RETURNING *`,
          [
            randomUUID(),
            campaign.name,
            JSON.stringify(campaign.sender),
            JSON.stringify(campaign.steps),
            JSON.stringify(campaign.schedule),
            campaign.dailyCap,
            JSON.stringify(campaign.rules),
            campaign.noReplyTimeoutDays,
            campaign.nurtureCampaignId,
            now,
            // A definition built without the schema's default (`mailboxes` is new) sends from every mailbox.
            JSON.stringify(campaign.mailboxes ?? []),
          ],
        )
        return toCampaign(rows[0]!)
      })
    },
    getCampaign(id) {
      return context.run('getCampaign', async () => {
        const { rows } = await db.query(`SELECT * FROM ${schema}.campaigns WHERE id = $1`, [id])
        return rows[0] ? toCampaign(rows[0]) : null
      })
    },
    listCampaigns(filter = {}) {
      return context.run('listCampaigns', async () => {
        const { rows } = filter.statuses
          ? await db.query(`SELECT * FROM ${schema}.campaigns WHERE status = ANY($1::text[]) ORDER BY seq`, [filter.statuses])
          : await db.query(`SELECT * FROM ${schema}.campaigns ORDER BY seq`)
        return rows.map(toCampaign)
      })
    },
    updateCampaign(id, patch, now) {
      return context.run('updateCampaign', async () => {
        const sets: string[] = []
        const params: unknown[] = [id, now]
        for (const [key, spec] of Object.entries(patchColumns) as Array<[keyof NewCampaign, { column: string; json: boolean }]>) {
          if (!(key in patch) || patch[key] === undefined) continue
          params.push(spec.json ? JSON.stringify(patch[key]) : patch[key])
          sets.push(`${spec.column} = $${params.length}${spec.json ? '::jsonb' : ''}`)
        }
        const { rows } = await db.query(
          `UPDATE ${schema}.campaigns SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING *`,
          params,
        )
        if (!rows[0]) throw new NotFoundError(`campaign ${id} not found`)
        return toCampaign(rows[0])
      })
    },
    transitionCampaign(input) {
      return context.transaction('transitionCampaign', async (tx) => {
        const { rows } = await tx.query(
          `UPDATE ${schema}.campaigns SET status = $2, status_reason = $3, updated_at = $4
           WHERE id = $1 AND status = ANY($5::text[]) RETURNING *`,
          [input.campaignId, input.to, input.reason, input.now, input.from],
        )
        if (!rows[0]) {
          const exists = await tx.query(`SELECT 1 FROM ${schema}.campaigns WHERE id = $1`, [input.campaignId])
          if (exists.rows.length === 0) throw new NotFoundError(`campaign ${input.campaignId} not found`)
          return null
        }
        if (input.alert) await insertAlert(tx, schema, input.alert.alert, input.alert.channels, input.now)
        await insertCamEvents(tx, schema, input.events, input.now)
        if (input.to === 'active') await tx.query(shared.notify)
        return toCampaign(rows[0])
      })
    },
  }
}
