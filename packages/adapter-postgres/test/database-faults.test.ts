import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdapterError, createCamWorker, type CamWorker } from '@cam/core'
import { createMemorySender, sampleRawMessage } from '@cam/core/testing'
import { createPostgresStore, migrate, type PostgresStore } from '../src/index.js'
import { startHttpProvider } from './support/http-provider.js'
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js'
import { eventually, seedDueEmails, startWorker, stopWorker, type ChildWorker } from './support/worker-harness.js'

const alive = (worker: ChildWorker) => worker.process.exitCode === null && worker.process.signalCode === null
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The fault model of the README's "Guarantees", against a PostgreSQL cluster of the
 * test's own (never the shared one): worker processes whose store owns its pool, their
 * backends terminated every 200 ms for 20 s (mid-transaction, mid-query, idle in the
 * pool, the LISTEN connection), then the cluster restarted twice.
 */
describe('database faults under load (3 worker processes, a throwaway cluster)', () => {
  let server: PrivatePostgres
  let admin: pg.Pool
  let store: PostgresStore
  beforeAll(async () => {
    server = await startPrivatePostgres()
    await migrate({ connectionString: server.url })
    admin = new pg.Pool({ connectionString: server.url, max: 2, application_name: 'cam-fault-admin' })
    admin.on('error', () => undefined)
    store = createPostgresStore({ connectionString: server.url, poolConfig: { application_name: 'cam-fault-test' } })
  }, 120_000)
  afterAll(async () => {
    await store?.close()
    await admin?.end()
    await server?.destroy()
  })

  it('terminated backends and two restarts: every process lives, heartbeats resume, every email sent once, every reply processed once', async () => {
    const total = 1500
    const provider = await startHttpProvider({ idempotent: true, delayMs: 15 })
    const workers: ChildWorker[] = []
    try {
      await seedDueEmails(store, total)
      for (let i = 0; i < 3; i++) {
        workers.push(
          startWorker({ id: `fault-${i}`, databaseUrl: server.url, script: 'fault-worker-process.ts', env: { CAM_TEST_PROVIDER_URL: provider.url } }),
        )
      }
      await Promise.all(workers.map((worker) => worker.waitFor((event) => event.event === 'worker:started')))

      // Replies arrive while the faults happen: one per sent email, every third one positive.
      const replied = new Set<string>()
      let replies = 0
      let positives = 0
      const addReplies = async () => {
        const sent = await store.listEmails({ statuses: ['sent'], limit: 10_000 })
        for (const email of sent.filter((e) => !replied.has(e.id)).slice(0, 40)) {
          const positive = replies % 3 === 0
          const raw = sampleRawMessage({ inReplyTo: email.messageId, body: positive ? 'Sounds great, let us talk on Tuesday.' : 'Not interested, thanks.' })
          await store.saveInboundMessage({ inbox: 'replies', sourceKey: `reply-${email.id}`, messageId: null, raw, truncated: false, receivedAt: new Date(), cursor: email.id })
          replied.add(email.id)
          replies++
          if (positive) positives++
        }
      }

      // Terminations every 200 ms of every backend the workers hold: for 20 s, and on a slow
      // machine longer, until at least 100 backends were ended (at most 60 s).
      let terminated = 0
      const started = Date.now()
      while ((Date.now() - started < 20_000 || terminated < 100) && Date.now() - started < 60_000) {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'cam-fault-worker'`,
        )
        terminated += rows[0]?.n ?? 0
        if (replies < 600) await addReplies()
        await sleep(200)
      }
      expect(terminated).toBeGreaterThan(100)
      expect(workers.every(alive)).toBe(true)

      // Two restarts of the whole cluster (fast shutdown: open transactions rolled back, every connection cut).
      let restartedAt = new Date()
      for (let restart = 0; restart < 2; restart++) {
        await sleep(1500)
        await server.stop()
        await sleep(1000)
        await server.start()
        restartedAt = new Date()
      }
      await addReplies()

      // Everything is done, by the same three processes.
      await eventually(
        async () => (await store.listEmails({ statuses: ['sent'], limit: 10_000 })).length,
        (n) => n === total,
        120_000,
        250,
      )
      await eventually(
        async () => (await store.listInboundMessages({ status: 'pending', limit: 10 })).length,
        (n) => n === 0,
        60_000,
        250,
      )
      await eventually(async () => provider.ledger.alerts.size, (n) => n === positives, 60_000, 250)
      // Heartbeats resumed after the last restart, for every worker.
      await eventually(
        async () => (await store.listHeartbeats()).filter((beat) => beat.workerId.startsWith('fault-') && beat.lastSeenAt > restartedAt).length,
        (n) => n === 3,
        30_000,
        250,
      )
      expect(workers.every(alive)).toBe(true)

      // The faults did hit the workers' steps, as step errors.
      const stepErrors = workers.flatMap((worker) => worker.events.filter((event) => event.event === 'step:error'))
      expect(stepErrors.length).toBeGreaterThan(0)

      // Every email went out exactly once: one accepted delivery per idempotency key, and the store agrees.
      expect(provider.ledger.deliveries.size).toBe(total)
      expect([...provider.ledger.deliveries.values()].every((n) => n === 1)).toBe(true)
      const [campaign] = await store.listCampaigns()
      const [counters] = await store.getCampaignCounters({ campaignIds: [campaign!.id], sinceDay: '2000-01-01' })
      expect(counters?.lifetime.sent).toBe(total)
      expect(await store.listEmails({ statuses: ['queued', 'sending', 'in_doubt', 'failed'], limit: 10 })).toEqual([])

      // Every reply processed once: counted once, one alert per positive reply, delivered once.
      expect(await store.listInboundMessages({ status: 'processed', limit: 10_000 })).toHaveLength(replies)
      expect(counters?.lifetime.replied).toBe(replies)
      expect(counters?.lifetime.positive).toBe(positives)
      expect(await store.listAlerts({ limit: 10_000 })).toHaveLength(positives)
      expect([...provider.ledger.alerts.values()].every((n) => n === 1)).toBe(true)
    } finally {
      await Promise.all(workers.map(stopWorker))
      await provider.close()
    }
    // Stopped gracefully, not crashed.
    for (const worker of workers) {
      expect(worker.process.exitCode).toBe(0)
      expect(worker.events.some((event) => event.event === 'worker:exited')).toBe(true)
    }
  }, 300_000)

  it('the server unreachable for 30 s (connection refused): step errors, then the worker, its heartbeat and LISTEN recover by themselves', async () => {
    const warnings: string[] = []
    const logger = { debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {} }
    const workerStore = createPostgresStore({ connectionString: server.url, logger })
    const sender = createMemorySender()
    let worker: CamWorker | null = null
    try {
      const leads = await seedDueEmails(workerStore, 400)
      const campaignId = (await workerStore.getLead(leads[0]!))!.campaignId
      worker = createCamWorker({ store: workerStore, sender, config: { intervalMs: 250, claimTtlMs: 2000, sendBatchSize: 10, sendConcurrency: 2, stopOnSignals: false } })
      const errors: unknown[] = []
      worker.on('step:error', ({ error }) => void errors.push(error))
      let wakes = 0
      workerStore.onWorkQueued(() => void wakes++)
      const running = worker.start()
      await eventually(async () => sender.sent.length, (n) => n >= 50, 60_000, 10)
      await server.stop()
      const downAt = Date.now()
      await sleep(30_000)
      expect(worker.running).toBe(true)
      const during = errors.length
      expect(during).toBeGreaterThan(10) // every cycle of the outage reported, none crashed
      expect(errors.every((error) => AdapterError.isTransient(error) || (error as Error).message.includes('lease'))).toBe(true)
      await server.start()
      const upAt = new Date()
      await eventually(async () => (await store.listEmails({ campaignId, statuses: ['sent'], limit: 10_000 })).length, (n) => n === 400, 120_000, 250)
      await eventually(async () => (await store.listHeartbeats()).find((beat) => beat.workerId === worker!.workerId)?.lastSeenAt ?? new Date(0), (at) => at > upAt, 30_000, 250)
      // Notifications work again: work queued by another process wakes the worker's store.
      await eventually(async () => wakes, (n) => n >= 1, 30_000, 100) // once after LISTEN came back
      const before = wakes
      await seedDueEmails(store, 1)
      await eventually(async () => wakes, (n) => n > before, 10_000, 20)
      expect(warnings.some((warning) => warning.includes('LISTEN connection lost'))).toBe(true)
      expect(Date.now() - downAt).toBeGreaterThan(30_000)
      const [counters] = await store.getCampaignCounters({ campaignIds: [campaignId], sinceDay: '2000-01-01' })
      expect(counters?.lifetime.sent).toBe(400)
      await worker.stop()
      await running
    } finally {
      await worker?.stop()
      await workerStore.close()
    }
  }, 240_000)
})
