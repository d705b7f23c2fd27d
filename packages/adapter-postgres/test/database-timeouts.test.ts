import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdapterError, CamError, createCamWorker, type CycleReport } from '@cam/core'
import { createMemorySender, sampleCampaign } from '@cam/core/testing'
import { createPostgresStore, migrate, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'
import { seedDueEmails } from './support/worker-harness.js'

const step = (report: CycleReport, name: string) => report.steps.find((s) => s.name === name)

/** Faults that make a store call fail instead of hang: timeouts and an exhausted pool. */
describe('database timeouts and an exhausted pool', () => {
  const schema = testSchemaName('timeouts')
  let drop: () => Promise<void>
  let admin: pg.Client
  beforeAll(async () => {
    drop = await createMigratedSchema(schema)
    admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
  })
  afterAll(async () => {
    await admin.end()
    await drop()
  })

  /** Locks a campaign's row from another session until the returned function is called. */
  async function lockCampaign(campaignId: string): Promise<() => Promise<void>> {
    await admin.query('BEGIN')
    await admin.query(`SELECT id FROM "${schema}".campaigns WHERE id = $1 FOR UPDATE`, [campaignId])
    return async () => void (await admin.query('COMMIT'))
  }

  it('a lock timeout or a statement timeout is a transient store error, nothing half-applied; the worker reports it and recovers', async () => {
    for (const poolConfig of [{ lock_timeout: 300 }, { statement_timeout: 300 }]) {
      const store = createPostgresStore({ connectionString: databaseUrl, schema, poolConfig })
      try {
        const now = new Date()
        const campaign = await store.createCampaign(sampleCampaign(), now)
        const unlock = await lockCampaign(campaign.id)
        const error = await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now }).catch((e: unknown) => e)
        await unlock()
        expect(CamError.isInstance(error, 'STORE_FAILED')).toBe(true)
        expect(AdapterError.isTransient(error)).toBe(true)
        expect((error as Error).message).toMatch(/SQLSTATE (55P03|57014)/)
        expect((await store.getCampaign(campaign.id))?.status).toBe('draft') // nothing applied

        // In a worker: recording the sends fails while their leads are locked (the send
        // step reports it), then the next cycles recover by themselves.
        const ids = await seedDueEmails(store, 3)
        const seeded = (await store.getLead(ids[0]!))!.campaignId
        const worker = createCamWorker({ store, sender: createMemorySender(), config: { stopOnSignals: false, claimTtlMs: 1000 } })
        await admin.query('BEGIN')
        await admin.query(`SELECT id FROM "${schema}".leads WHERE campaign_id = $1 FOR UPDATE`, [seeded])
        const blocked = await worker.runOnce()
        await admin.query('COMMIT')
        expect(step(blocked, 'send')?.status).toBe('error')
        expect(step(blocked, 'send')?.error).toMatch(/postgres store\.recordEmails?Sent failed: .*SQLSTATE (55P03|57014)/)
        await new Promise((resolve) => setTimeout(resolve, 1100)) // the unrecorded claim expires: re-sent under its key
        await worker.runOnce()
        expect((await store.listEmails({ campaignId: seeded })).map((email) => email.status)).toEqual(['sent', 'sent', 'sent'])
        await store.transitionCampaign({ campaignId: seeded, from: ['active'], to: 'completed', reason: null, now: new Date() })
        await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'completed', reason: null, now: new Date() })
      } finally {
        await store.close()
      }
    }
  }, 60_000)

  it('an exhausted pool fails the operation after the connection timeout (10 s by default) instead of waiting forever', async () => {
    const store = createPostgresStore({ connectionString: databaseUrl, schema, poolSize: 2 })
    try {
      const now = new Date()
      const campaign = await store.createCampaign(sampleCampaign(), now)
      const other = await store.createCampaign(sampleCampaign(), now)
      const unlock = await lockCampaign(campaign.id)
      // Both connections of the pool wait on the lock…
      const waiting = [0, 1].map(() => store.updateCampaign(campaign.id, { dailyCap: 7 }, now).then(() => 'done', (e: unknown) => e))
      await new Promise((resolve) => setTimeout(resolve, 300))
      // …so a third operation cannot get one: it fails, it does not hang.
      const error = await store.getCampaign(other.id).catch((e: unknown) => e)
      expect(CamError.isInstance(error, 'STORE_FAILED')).toBe(true)
      expect(AdapterError.isTransient(error)).toBe(true)
      expect((error as Error).message).toMatch(/timeout exceeded when trying to connect/)
      await unlock()
      expect(await Promise.all(waiting)).toEqual(['done', 'done'])
      expect((await store.getCampaign(other.id))?.id).toBe(other.id)
    } finally {
      await store.close()
    }
  }, 60_000)

  it('PGlite: a store whose database went away reports step errors; the worker keeps running', async () => {
    const pglite = new PGlite()
    await migrate({ pglite })
    const store: PostgresStore = createPostgresStore({ pglite })
    await seedDueEmails(store, 2)
    const worker = createCamWorker({ store, sender: createMemorySender(), config: { stopOnSignals: false } })
    expect(step(await worker.runOnce(), 'send')?.counts.sent).toBe(2)
    await pglite.close()
    const report = await worker.runOnce()
    expect(step(report, 'send')?.status).toBe('error')
    expect(step(report, 'send')?.error).toMatch(/postgres store\.\w+ failed/)
    await store.close()
  }, 60_000)
})
