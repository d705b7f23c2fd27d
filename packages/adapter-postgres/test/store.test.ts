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

const waitFor = async (condition: () => boolean, timeoutMs = 5000) => {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
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
      await new Promise((resolve) => setTimeout(resolve, 300)) // LISTEN is issued in the background
      const campaign = await activeCampaign(writer)
      await waitFor(() => wakes >= 1)
      const before = wakes
      const now = new Date()
      const drafts = [{ lead: sampleLead(), firstEmail: sampleEmail(0, now) }]
      await writer.addLeads({ campaignId: campaign.id, leads: drafts, now })
      await waitFor(() => wakes > before)
      const [claimed] = (await writer.claimDueEmails({ now, workerId: 'crashed', limit: 1, claimTtlMs: 1, senderIdempotent: false, caps: [{ campaignId: campaign.id, day: '2030-01-01', dailyCap: 10 }] })).claimed
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
    await new Promise((resolve) => setTimeout(resolve, 300))
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
})
