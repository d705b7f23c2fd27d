import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'
import { createProviderTables } from './support/recording-provider.js'
import { eventually, seedDueEmails, startWorker, stopWorker, type ChildWorker } from './support/worker-harness.js'

/** Multi-process behaviour: each test has its own schema, workers are separate Node processes. */
async function setup(prefix: string) {
  const schema = testSchemaName(prefix)
  const drop = await createMigratedSchema(schema)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
  await createProviderTables(pool, schema)
  const store = createPostgresStore({ pool, schema })
  return {
    schema,
    pool,
    store,
    async teardown() {
      await store.close()
      await pool.end()
      await drop()
    },
  }
}

async function emailStatuses(pool: pg.Pool, schema: string): Promise<Record<string, number>> {
  const { rows } = await pool.query(`SELECT status, count(*)::int AS n FROM "${schema}".outbound_emails GROUP BY status`)
  return Object.fromEntries(rows.map((r) => [r.status, r.n]))
}

async function providerStats(pool: pg.Pool, schema: string) {
  const { rows } = await pool.query(`
    SELECT (SELECT count(*)::int FROM "${schema}".provider_attempts) AS attempts,
           (SELECT count(DISTINCT idempotency_key)::int FROM "${schema}".provider_attempts) AS attempted_keys,
           (SELECT count(*)::int FROM "${schema}".provider_deliveries) AS deliveries,
           (SELECT count(DISTINCT idempotency_key)::int FROM "${schema}".provider_deliveries) AS delivered_keys,
           (SELECT COALESCE(max(n), 0)::int FROM (SELECT count(*) AS n FROM "${schema}".provider_deliveries GROUP BY idempotency_key) d) AS max_per_key`)
  return rows[0] as { attempts: number; attempted_keys: number; deliveries: number; delivered_keys: number; max_per_key: number }
}

async function sentCounter(pool: pg.Pool, schema: string): Promise<number> {
  const { rows } = await pool.query(`SELECT COALESCE(sum(sent), 0)::int AS n FROM "${schema}".campaign_counters`)
  return rows[0].n
}

describe('several worker processes', () => {
  let env: Awaited<ReturnType<typeof setup>>
  const workers: ChildWorker[] = []
  beforeAll(async () => {
    env = await setup('drain')
  })
  afterAll(async () => {
    await Promise.all(workers.map(stopWorker))
    await env.teardown()
  })

  it('4 workers drain 2,000 due emails: every email sent exactly once', async () => {
    await seedDueEmails(env.store, 2000, { campaigns: 4 })
    // A provider that does NOT dedupe: a double send would show as two deliveries.
    for (let i = 0; i < 4; i++) workers.push(startWorker({ id: `drain-${i}`, databaseUrl, schema: env.schema, idempotent: false }))
    await eventually(() => emailStatuses(env.pool, env.schema), (s) => s.sent === 2000, 120_000, 200)
    await Promise.all(workers.map(stopWorker))
    const stats = await providerStats(env.pool, env.schema)
    expect(stats.deliveries).toBe(2000)
    expect(stats.delivered_keys).toBe(2000)
    expect(stats.max_per_key).toBe(1)
    expect(await sentCounter(env.pool, env.schema)).toBe(2000)
    expect(await emailStatuses(env.pool, env.schema)).toEqual({ sent: 2000 })
    const { rows } = await env.pool.query(`SELECT worker, count(*)::int AS n FROM "${env.schema}".provider_deliveries GROUP BY worker`)
    expect(rows.length).toBeGreaterThan(1) // the work was shared
    const leads = await env.pool.query(`SELECT state, count(*)::int AS n FROM "${env.schema}".leads GROUP BY state`)
    expect(leads.rows).toEqual([{ state: 'completed', n: 2000 }])
  }, 180_000)
})

/** Starts a worker, waits until it sent a few more emails, then kills it with SIGKILL; `rounds` times. */
async function crashLoop(env: Awaited<ReturnType<typeof setup>>, options: { rounds: number; idempotent: boolean }) {
  for (let round = 0; round < options.rounds; round++) {
    const before = (await providerStats(env.pool, env.schema)).attempts
    const worker = startWorker({ id: `crash-${round}`, databaseUrl, schema: env.schema, idempotent: options.idempotent, holdMs: 25 })
    await eventually(() => providerStats(env.pool, env.schema), (s) => s.attempts >= before + 12, 60_000, 5)
    worker.process.kill('SIGKILL')
    await worker.exited
  }
}

describe('crashes mid-send (SIGKILL, then restart, 10 times in a row)', () => {
  it('idempotent sender: no email sent twice, none lost', async () => {
    const env = await setup('crash_idem')
    try {
      await seedDueEmails(env.store, 400)
      await crashLoop(env, { rounds: 10, idempotent: true })
      const afterCrashes = await emailStatuses(env.pool, env.schema)
      expect(afterCrashes.sending ?? 0).toBeGreaterThan(0) // the kills left claims behind
      const final = startWorker({ id: 'final', databaseUrl, schema: env.schema, idempotent: true })
      await eventually(() => emailStatuses(env.pool, env.schema), (s) => s.sent === 400, 120_000, 200)
      await stopWorker(final)
      const stats = await providerStats(env.pool, env.schema)
      expect(stats.delivered_keys).toBe(400) // none lost
      expect(stats.max_per_key).toBe(1) // none delivered twice
      // Some emails were sent but not recorded when their worker died, and were sent again with
      // the same idempotency key after the claim expired: the provider dropped the repeats.
      expect(stats.attempts).toBeGreaterThan(stats.attempted_keys)
      expect(await sentCounter(env.pool, env.schema)).toBe(400)
      expect(await emailStatuses(env.pool, env.schema)).toEqual({ sent: 400 })
    } finally {
      await env.teardown()
    }
  }, 240_000)

  it('non-idempotent sender: interrupted emails are flagged in_doubt, never resent', async () => {
    const env = await setup('crash_nonidem')
    try {
      await seedDueEmails(env.store, 400)
      await crashLoop(env, { rounds: 10, idempotent: false })
      const final = startWorker({ id: 'final', databaseUrl, schema: env.schema, idempotent: false })
      await eventually(() => emailStatuses(env.pool, env.schema), (s) => (s.sent ?? 0) + (s.in_doubt ?? 0) === 400, 120_000, 200)
      await stopWorker(final)
      const statuses = await emailStatuses(env.pool, env.schema)
      expect(statuses.in_doubt).toBeGreaterThan(0)
      // Only emails whose attempt had begun are held: at most one per send lane and crash.
      expect(statuses.in_doubt).toBeLessThanOrEqual(10 * 4)
      const stats = await providerStats(env.pool, env.schema)
      expect(stats.attempts).toBe(stats.attempted_keys) // no key was ever sent twice
      expect(stats.max_per_key).toBe(1)
      // Every email recorded as sent went out exactly once; in-doubt ones at most once.
      const { rows } = await env.pool.query(`
        SELECT e.status, count(a.n)::int AS attempts FROM "${env.schema}".outbound_emails e
        LEFT JOIN "${env.schema}".provider_attempts a ON a.idempotency_key = e.idempotency_key
        GROUP BY e.id, e.status`)
      for (const row of rows) {
        if (row.status === 'sent') expect(row.attempts).toBe(1)
        else expect(row.attempts).toBeLessThanOrEqual(1)
      }
      const flagged = await env.pool.query(`SELECT last_error FROM "${env.schema}".outbound_emails WHERE status = 'in_doubt' LIMIT 1`)
      expect(flagged.rows[0].last_error).toMatch(/expired while sending; not resent/)
      expect(final.events.some((e) => e.event === 'email:in_doubt')).toBe(true)
    } finally {
      await env.teardown()
    }
  }, 240_000)
})

describe('a worker whose event loop stalls longer than its claims last', () => {
  it('non-idempotent sender: the stalled work is not left in doubt, and nothing is sent twice', async () => {
    const env = await setup('stall')
    const workers: ChildWorker[] = []
    try {
      const config = { claimTtlMs: 1000, sendBatchSize: 20, sendConcurrency: 4 }
      // The provider accepts the 10th email of worker A, then A's process freezes for 5 s
      // while it holds claims; worker B keeps sending. Both are started (a worker process
      // takes seconds to start on a loaded machine) before anything is due, so that B is
      // running while A is frozen however slow the machine is.
      workers.push(startWorker({ id: 'stalling', databaseUrl, schema: env.schema, idempotent: false, holdMs: 5, config, env: { CAM_TEST_STALL_AT: '10', CAM_TEST_STALL_MS: '5000' } }))
      workers.push(startWorker({ id: 'steady', databaseUrl, schema: env.schema, idempotent: false, holdMs: 5, config }))
      await Promise.all(workers.map((worker) => worker.waitFor((e) => e.event === 'worker:started', 120_000)))
      await seedDueEmails(env.store, 300)
      await eventually(() => emailStatuses(env.pool, env.schema), (s) => (s.sent ?? 0) + (s.in_doubt ?? 0) === 300, 120_000, 100)
      await Promise.all(workers.map(stopWorker))
      const stats = await providerStats(env.pool, env.schema)
      expect(stats.max_per_key).toBe(1) // nothing sent twice
      expect(stats.delivered_keys).toBe(300)
      // The steady worker took over what the stalled one had claimed but not attempted, and
      // the stalled worker recorded what it had sent once it woke: nothing is left in doubt.
      expect(await emailStatuses(env.pool, env.schema)).toEqual({ sent: 300 })
      expect(await sentCounter(env.pool, env.schema)).toBe(300)
      const { rows } = await env.pool.query(`SELECT worker, count(*)::int AS n FROM "${env.schema}".provider_deliveries GROUP BY worker ORDER BY worker`)
      expect(rows.map((row) => row.worker)).toEqual(['stalling', 'steady'])
    } finally {
      await Promise.all(workers.map(stopWorker))
      await env.teardown()
    }
  }, 180_000)
})

describe('leases across processes', () => {
  it('a suspended leader loses its lease to another worker, learns it, and stops leader work', async () => {
    const env = await setup('lease')
    // B keeps the lease by renewing it every cycle (200 ms): a 5 s lease survives B being
    // starved of CPU for seconds on a loaded machine (with 1.5 s, A could take it back).
    const config = { leaseTtlMs: 5000, intervalMs: 200 }
    const a = startWorker({ id: 'lease-a', databaseUrl, schema: env.schema, send: false, config })
    let b: ChildWorker | null = null
    try {
      const acquiredByA = await a.waitFor((e) => e.event === 'lease:acquired' && e.name === 'cam:leader')
      await a.waitFor((e) => e.event === 'step:end' && e.step === 'metrics' && e.status === 'ok')
      b = startWorker({ id: 'lease-b', databaseUrl, schema: env.schema, send: false, config })
      await b.waitFor((e) => e.event === 'step:end' && e.step === 'metrics' && e.status === 'skipped')
      a.process.kill('SIGSTOP')
      const acquiredByB = await b.waitFor((e) => e.event === 'lease:acquired' && e.name === 'cam:leader', 60_000)
      expect(Number(acquiredByB.token)).toBeGreaterThan(Number(acquiredByA.token))
      await b.waitFor((e) => e.event === 'step:end' && e.step === 'metrics' && e.status === 'ok')
      const seenBeforeResume = a.events.length
      a.process.kill('SIGCONT')
      const lost = await a.waitFor((e) => e.event === 'lease:lost' && e.name === 'cam:leader', 60_000)
      expect(lost.token).toBe(acquiredByA.token)
      // After learning it, A skips leader steps while B keeps the lease.
      await eventually(
        async () => a.events.slice(seenBeforeResume).filter((e) => e.event === 'step:end' && e.step === 'metrics' && e.status === 'skipped').length,
        (n) => n >= 2,
        60_000,
      )
      const afterLoss = a.events.slice(a.events.indexOf(lost))
      expect(afterLoss.some((e) => e.event === 'step:end' && e.step === 'metrics' && e.status === 'ok')).toBe(false)
      const { rows } = await env.pool.query(`SELECT holder, token::int AS token FROM "${env.schema}".leases WHERE name = 'cam:leader'`)
      expect(rows[0]).toEqual({ holder: 'lease-b', token: Number(acquiredByB.token) })
    } finally {
      a.process.kill('SIGCONT')
      await stopWorker(a)
      if (b) await stopWorker(b)
      await env.teardown()
    }
  }, 120_000)
})
