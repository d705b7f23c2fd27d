import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCamWorker, type SenderV1 } from '@cam/core'
import { createPostgresStore, latestMigrationVersion, migrate, type PostgresStore } from '../src/index.js'
import { startHttpProvider } from './support/http-provider.js'
import { startPrivatePgBouncer, type PrivatePgBouncer } from './support/private-pgbouncer.js'
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js'
import { eventually, seedDueEmails, startWorker, stopWorker, type ChildWorker } from './support/worker-harness.js'

const pooledOptions = { listen: false, preparedStatements: false }
const noopSender: SenderV1 = { name: 'noop', idempotent: true, send: async () => ({}) }
const workerConfig = { intervalMs: 100, claimTtlMs: 3000, leaseTtlMs: 3000, sendBatchSize: 20, sendConcurrency: 4, stopOnSignals: false }
const cyclesOf = (worker: ChildWorker) => worker.events.filter((event) => event.event === 'cycle:end').length
const errorsOf = (workers: ChildWorker[]) => workers.flatMap((worker) => worker.events.filter((event) => event.event === 'step:error' || event.event === 'worker:error'))

/**
 * The store behind PgBouncer 1.18 (Debian's package) in `pool_mode = transaction`, on a
 * cluster of the test's own: 4 server connections shared by every worker's pool, so a
 * client's consecutive transactions run on different server connections.
 */
describe('behind a transaction-mode pooler (PgBouncer, pool_mode = transaction)', () => {
  let server: PrivatePostgres
  let bouncer: PrivatePgBouncer
  const directStores: PostgresStore[] = []
  beforeAll(async () => {
    server = await startPrivatePostgres()
    bouncer = await startPrivatePgBouncer({ serverPort: server.port, poolSize: 4 })
  }, 60_000)
  afterAll(async () => {
    await Promise.all(directStores.map((store) => store.close()))
    await bouncer?.destroy()
    await server?.destroy()
  })

  /** A migrated schema, seeded with `count` due emails through a direct connection; returns that direct store. */
  async function seededSchema(schema: string, count: number): Promise<PostgresStore> {
    await migrate({ connectionString: server.url, schema })
    const store = createPostgresStore({ connectionString: server.url, schema, poolSize: 4 })
    directStores.push(store)
    await seedDueEmails(store, count)
    return store
  }

  /** Worker processes whose store reaches the database through the pooler only. */
  function startPooledWorkers(count: number, prefix: string, providerUrl: string, storeOptions: Record<string, unknown>): ChildWorker[] {
    return Array.from({ length: count }, (_, i) =>
      startWorker({
        id: `${prefix}-${i}`,
        databaseUrl: bouncer.url,
        script: 'fault-worker-process.ts',
        env: { CAM_TEST_PROVIDER_URL: providerUrl, CAM_TEST_STORE_OPTIONS: JSON.stringify(storeOptions) },
      }),
    )
  }

  it('migrate() through the pooler: three concurrent calls apply each migration exactly once', async () => {
    const runs = await Promise.all(
      Array.from({ length: 3 }, () => migrate({ connectionString: bouncer.url, schema: 'pooled_migrate', ...pooledOptions })),
    )
    const applied = runs.flatMap((run) => run.applied).sort((a, b) => a - b)
    expect(applied).toEqual(Array.from({ length: latestMigrationVersion() }, (_, i) => i + 1))
    expect(runs.every((run) => run.version === latestMigrationVersion())).toBe(true)
    // Nothing left to apply, and a store through the pooler accepts the schema.
    expect((await migrate({ connectionString: bouncer.url, schema: 'pooled_migrate', ...pooledOptions })).applied).toEqual([])
    const store = createPostgresStore({ connectionString: bouncer.url, schema: 'pooled_migrate', ...pooledOptions })
    try {
      expect(await store.listCampaigns()).toEqual([])
    } finally {
      await store.close()
    }
  })

  it('default options fail there: named prepared statements collide on shared server connections (SQLSTATE 42P05 / 26000)', async () => {
    const schema = 'pooled_default'
    await seededSchema(schema, 600)
    // Three workers (in this process, each store with its own pool), five cycles each.
    const stores = Array.from({ length: 3 }, () => createPostgresStore({ connectionString: bouncer.url, schema, poolSize: 6 }))
    const workers = stores.map((store, i) => createCamWorker({ store, sender: noopSender, config: { ...workerConfig, workerId: `default-${i}` } }))
    const errors: string[] = []
    try {
      for (let cycle = 0; cycle < 5; cycle++) {
        const reports = await Promise.all(workers.map((worker) => worker.runOnce()))
        errors.push(...reports.flatMap((report) => report.steps.flatMap((step) => (step.status === 'error' ? [step.error ?? ''] : []))))
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()))
    }
    expect(errors.some((message) => /prepared statement "cam_[0-9a-z_]+" (already exists|does not exist)/.test(message))).toBe(true)
  })

  it('{ listen: false, preparedStatements: false }: 3 workers send 600 emails exactly once, without a single step error', async () => {
    const total = 600
    const schema = 'pooled'
    const store = await seededSchema(schema, total)
    const provider = await startHttpProvider({ idempotent: true })
    const workers = startPooledWorkers(3, 'pooled', provider.url, { schema, ...pooledOptions })
    try {
      await Promise.all(workers.map((worker) => worker.waitFor((event) => event.event === 'worker:started')))
      await eventually(async () => (await store.listEmails({ statuses: ['sent'], limit: 10_000 })).length, (n) => n === total, 30_000, 100)
      // A few more cycles each, idle: still no error.
      const cycles = workers.map(cyclesOf)
      await Promise.all(workers.map((worker, i) => worker.waitFor(() => cyclesOf(worker) >= cycles[i]! + 3, 10_000)))
    } finally {
      await Promise.all(workers.map(stopWorker))
      await provider.close()
    }
    expect(errorsOf(workers)).toEqual([])
    // Every email accepted once by the provider, sent once per the store; nothing left over.
    expect(provider.ledger.deliveries.size).toBe(total)
    expect([...provider.ledger.attempts.values()].every((n) => n === 1)).toBe(true)
    const [campaign] = await store.listCampaigns()
    const [counters] = await store.getCampaignCounters({ campaignIds: [campaign!.id], sinceDay: '2000-01-01' })
    expect(counters?.lifetime.sent).toBe(total)
    expect(await store.listEmails({ statuses: ['queued', 'sending', 'in_doubt', 'failed'], limit: 10 })).toEqual([])
    // All three ran until told to stop, and stopped gracefully.
    for (const worker of workers) {
      expect(worker.process.exitCode).toBe(0)
      expect(worker.events.some((event) => event.event === 'worker:exited')).toBe(true)
    }
  }, 60_000)

  it('listen: true behind the pooler fails nothing: the workers still send everything once (their interval wakes them)', async () => {
    const schema = 'pooled_listen'
    const direct = await seededSchema(schema, 200)
    const provider = await startHttpProvider({ idempotent: true })
    const sender: SenderV1 = {
      name: 'loopback',
      idempotent: true,
      async send(_email, { idempotencyKey }) {
        await fetch(`${provider.url}/emails`, { method: 'POST', headers: { 'idempotency-key': idempotencyKey }, body: '{}' })
        return {}
      },
    }
    const stores = Array.from({ length: 2 }, () => createPostgresStore({ connectionString: bouncer.url, schema, poolSize: 4, preparedStatements: false }))
    const workers = stores.map((store, i) => createCamWorker({ store, sender, config: { ...workerConfig, workerId: `listen-${i}` } }))
    const errors: unknown[] = []
    for (const worker of workers) {
      worker.on('step:error', ({ error }) => void errors.push(error))
      worker.on('worker:error', ({ error }) => void errors.push(error))
    }
    const running = workers.map((worker) => worker.start())
    const sent = async () => (await direct.listEmails({ statuses: ['sent'], limit: 10_000 })).length
    try {
      await eventually(sent, (n) => n === 200, 30_000, 100)
      // Work queued while they run (its NOTIFY never reaches them through the pooler) is sent too.
      await seedDueEmails(direct, 20)
      await eventually(sent, (n) => n === 220, 30_000, 100)
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()))
      await Promise.all(running)
      await Promise.all(stores.map((store) => store.close()))
      await provider.close()
    }
    expect(errors).toEqual([])
    expect(provider.ledger.deliveries.size).toBe(220)
    expect([...provider.ledger.attempts.values()].every((n) => n === 1)).toBe(true)
  })
})
