import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CamError, ValidationError } from '@cam/core'
import { sampleCampaign, sampleEmail, sampleLead } from '@cam/core/testing'
import { createPostgresStore, migrate, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

const schema = testSchemaName('store')
let dropSchema: () => Promise<void> = async () => {}
beforeAll(async () => {
  dropSchema = await createMigratedSchema(schema)
})
afterAll(() => dropSchema())

const waitFor = async (condition: () => boolean, timeoutMs = 30_000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Waits until a session LISTENs on this schema's work-queued channel: a store issues its
 * LISTEN in the background, and how long that takes depends on the machine's load (a fixed
 * sleep lost the first notification on a loaded machine).
 */
async function untilListening(): Promise<void> {
  const channel = `cam_work_queued_${schema}`
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const start = Date.now()
    for (;;) {
      const { rowCount } = await client.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle' AND query = $1`, [`LISTEN ${channel}`])
      if (rowCount) return
      if (Date.now() - start > 60_000) throw new Error(`no session LISTENs on ${channel} after 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    await client.end()
  }
}

async function activeCampaign(store: PostgresStore) {
  const now = new Date()
  const campaign = await store.createCampaign(sampleCampaign(), now)
  await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
  return campaign
}

describe('options', () => {
  it('lists every bad option, naming the field', () => {
    const error = (() => {
      try {
        createPostgresStore({ schema: '', poolSize: 0 } as never)
      } catch (e) {
        return e
      }
    })()
    expect(ValidationError.isInstance(error)).toBe(true)
    const paths = (error as ValidationError).issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['connectionString', 'schema', 'poolSize']))
    expect(() => createPostgresStore({ connectionString: databaseUrl, pglite: {} as never })).toThrow(/only one of connectionString, pool or pglite/)
  })

  it('wraps a connection failure as a STORE_FAILED error naming the operation, without the password', async () => {
    const store = createPostgresStore({ connectionString: 'postgres://cam:s3cret-password@127.0.0.1:1/none', poolConfig: { connectionTimeoutMillis: 2000 } })
    const error = await store.getCampaign('x').catch((e: unknown) => e)
    expect(CamError.isInstance(error, 'STORE_FAILED')).toBe(true)
    expect((error as Error).message).toMatch(/^postgres store\.getCampaign failed: /)
    expect((error as Error).message).not.toContain('s3cret-password')
    expect((error as Error).cause).toBeDefined()
    await store.close()
  })

  it('leaves a pool passed in open on close()', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
    const store = createPostgresStore({ pool, schema })
    await store.listCampaigns()
    await store.close()
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1)
    await pool.end()
  })
})

describe('work-queued notifications', () => {
  it('wakes a listener in another process-like store when leads are added, a campaign starts or an in-doubt email is queued again', async () => {
    const listening = createPostgresStore({ connectionString: databaseUrl, schema })
    const writer = createPostgresStore({ connectionString: databaseUrl, schema, listen: false })
    let wakes = 0
    const unsubscribe = listening.onWorkQueued(() => void wakes++)
    try {
      await untilListening()
      const campaign = await activeCampaign(writer)
      await waitFor(() => wakes >= 1)
      const before = wakes
      const now = new Date()
      const drafts = [{ lead: sampleLead(), firstEmail: sampleEmail(0, now) }]
      await writer.addLeads({ campaignId: campaign.id, leads: drafts, now })
      await waitFor(() => wakes > before)
      const [claimed] = (await writer.claimDueEmails({ now, workerId: 'crashed', limit: 1, claimTtlMs: 1, senderIdempotent: false, caps: [{ campaignId: campaign.id, day: '2030-01-01', dailyCap: 10 }] })).claimed
      await writer.recordSendAttempt({ emailId: claimed!.email.id, workerId: 'crashed', now })
      const later = new Date(now.getTime() + 10)
      const { inDoubt } = await writer.claimDueEmails({ now: later, workerId: 'w', limit: 1, claimTtlMs: 1000, senderIdempotent: false, caps: [{ campaignId: campaign.id, day: '2030-01-01', dailyCap: 10 }] })
      expect(inDoubt.map((e) => e.id)).toEqual([claimed!.email.id])
      const beforeResend = wakes
      await writer.resolveInDoubtEmail({ emailId: claimed!.email.id, resolution: 'resend', now: later })
      await waitFor(() => wakes > beforeResend)
    } finally {
      unsubscribe()
      await listening.close()
      await writer.close()
    }
  })

  it('stops calling a listener after unsubscribe', async () => {
    const store = createPostgresStore({ connectionString: databaseUrl, schema })
    let wakes = 0
    const unsubscribe = store.onWorkQueued(() => void wakes++)
    await untilListening() // so that the notification would arrive if the listener were still called
    unsubscribe()
    await activeCampaign(store)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(wakes).toBe(0)
    await store.close()
  })

  it('works on PGlite', async () => {
    const pglite = await PGlite.create()
    await migrate({ pglite })
    const store = createPostgresStore({ pglite })
    let wakes = 0
    store.onWorkQueued(() => void wakes++)
    await activeCampaign(store)
    await waitFor(() => wakes >= 1)
    await store.close()
    await pglite.close()
  })
})

describe('claiming at scale', () => {
  it('respects the daily cap of each campaign when claiming across several campaigns', async () => {
    const store = createPostgresStore({ connectionString: databaseUrl, schema })
    const now = new Date('2030-01-07T10:00:00Z')
    const campaigns = []
    for (let i = 0; i < 3; i++) campaigns.push(await store.createCampaign(sampleCampaign({ dailyCap: 5 }), now))
    for (const campaign of campaigns) {
      await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
      await store.addLeads({ campaignId: campaign.id, now, leads: Array.from({ length: 20 }, () => ({ lead: sampleLead(), firstEmail: sampleEmail(0, now) })) })
    }
    const caps = campaigns.map((c) => ({ campaignId: c.id, day: '2030-01-07', dailyCap: 5 }))
    const first = await store.claimDueEmails({ now, workerId: 'w', limit: 100, claimTtlMs: 60_000, senderIdempotent: true, caps })
    expect(first.claimed.length).toBe(15)
    for (const campaign of campaigns) expect(first.claimed.filter((c) => c.campaign.id === campaign.id).length).toBe(5)
    const second = await store.claimDueEmails({ now, workerId: 'w', limit: 100, claimTtlMs: 60_000, senderIdempotent: true, caps })
    expect(second.claimed.length).toBe(0)
    await store.close()
  })

  it('with 6 stores claiming at once: every cap exact, no email twice, every batch full while emails were due', async () => {
    const seeder = createPostgresStore({ connectionString: databaseUrl, schema })
    const now = new Date('2030-01-08T10:00:00Z')
    const day = '2030-01-08'
    const caps: Array<{ campaignId: string; day: string; dailyCap: number }> = []
    for (let i = 0; i < 7; i++) {
      const campaign = await seeder.createCampaign(sampleCampaign({ dailyCap: 1000 }), now)
      await seeder.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
      await seeder.addLeads({ campaignId: campaign.id, now, leads: Array.from({ length: 60 }, () => ({ lead: sampleLead(), firstEmail: sampleEmail(0, now) })) })
      // Caps from 7 to 55: some campaigns run out of cap, the others of due emails.
      caps.push({ campaignId: campaign.id, day, dailyCap: 7 + i * 8 })
    }
    await seeder.close()
    const claimers = Array.from({ length: 6 }, () => createPostgresStore({ connectionString: databaseUrl, schema, poolSize: 2, listen: false }))
    const limit = 9
    const batches = await Promise.all(
      claimers.map(async (store, i) => {
        const sizes: number[] = []
        const ids: string[] = []
        for (;;) {
          const batch = await store.claimDueEmails({ now, workerId: `claimer-${i}`, limit, claimTtlMs: 60_000, senderIdempotent: true, caps })
          sizes.push(batch.claimed.length)
          ids.push(...batch.claimed.map((c) => c.email.id))
          if (batch.claimed.length === 0) return { sizes, ids }
        }
      }),
    )
    await Promise.all(claimers.map((store) => store.close()))
    const ids = batches.flatMap((b) => b.ids)
    expect(new Set(ids).size).toBe(ids.length)
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
    try {
      const { rows } = await pool.query<{ campaign_id: string; n: number; used: number }>(
        `SELECT e.campaign_id, count(*)::int AS n, max(d.used)::int AS used
         FROM "${schema}".outbound_emails e JOIN "${schema}".daily_sends d ON d.campaign_id = e.campaign_id AND d.day = $2
         WHERE e.status = 'sending' AND e.campaign_id = ANY($1::text[]) GROUP BY e.campaign_id`,
        [caps.map((c) => c.campaignId), day],
      )
      for (const cap of caps) {
        const row = rows.find((r) => r.campaign_id === cap.campaignId)
        const expected = Math.min(cap.dailyCap, 60)
        expect(row?.n, `claimed in campaign with cap ${cap.dailyCap}`).toBe(expected)
        expect(row?.used, `cap counter of campaign with cap ${cap.dailyCap}`).toBe(expected)
      }
      expect(ids.length).toBe(caps.reduce((sum, cap) => sum + Math.min(cap.dailyCap, 60), 0))
    } finally {
      await pool.end()
    }
    // A short batch only once nothing was left: after it, each claimer's next call was empty.
    for (const { sizes } of batches) {
      const firstShort = sizes.findIndex((n) => n < limit)
      expect(sizes.slice(firstShort + 1).every((n) => n === 0)).toBe(true)
    }
  })
})
