import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCamWorker, type CamWorker, type SenderV1 } from '@cam/core'
import { createPostgresStore, migrate, type PostgresStore } from '../src/index.js'
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js'
import { eventually, seedDueEmails } from './support/worker-harness.js'

describe('PostgreSQL restarts mid-cycle', () => {
  let server: PrivatePostgres
  beforeAll(async () => {
    server = await startPrivatePostgres()
    await migrate({ connectionString: server.url })
  }, 120_000)
  afterAll(async () => {
    await server?.destroy()
  })

  it('the worker survives, recovers by itself, and nothing is half-written or sent twice', async () => {
    const warnings: string[] = []
    const logger = { debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {} }
    const store = createPostgresStore({ connectionString: server.url, logger })
    const listenerStore = createPostgresStore({ connectionString: server.url, logger })
    const other: PostgresStore[] = []
    let worker: CamWorker | null = null
    try {
      await seedDueEmails(store, 600)
      // The provider: dedupes by idempotency key, counts every attempt.
      const delivered = new Map<string, number>()
      let attempts = 0
      const sender: SenderV1 = {
        name: 'recording',
        idempotent: true,
        async send(_email, { idempotencyKey }) {
          attempts++
          delivered.set(idempotencyKey, (delivered.get(idempotencyKey) ?? 0) + 1)
          await new Promise((resolve) => setTimeout(resolve, 10))
          return { providerId: idempotencyKey }
        },
      }
      const stepErrors: string[] = []
      worker = createCamWorker({
        store,
        sender,
        config: { intervalMs: 200, claimTtlMs: 2000, sendBatchSize: 20, sendConcurrency: 4, stopOnSignals: false },
      })
      worker.on('step:error', ({ step, error }) => void stepErrors.push(`${step}: ${(error as Error).message}`))
      let wakes = 0
      listenerStore.onWorkQueued(() => void wakes++)
      const running = worker.start()

      await eventually(async () => delivered.size, (n) => n >= 150, 60_000, 5)
      await server.stop() // fast shutdown: open transactions are rolled back, connections cut
      // Longer than the ~2.6 s for which a send's record is retried: the outage fails a step.
      await new Promise((resolve) => setTimeout(resolve, 5000))
      await server.start()

      const count = async () => {
        const emails = await store.listEmails({ statuses: ['sent'], limit: 10_000 })
        return emails.length
      }
      await eventually(count, (n) => n === 600, 90_000, 250)
      expect(worker.running).toBe(true)
      expect(stepErrors.some((e) => e.startsWith('send:'))).toBe(true) // the outage did hit a cycle
      // Every failure surfaced as a wrapped store/lock error naming the operation.
      expect(stepErrors.every((e) => /^\w+: postgres (store|lock)\.\w+ failed: /.test(e))).toBe(true)

      // Exactly once at the provider (deduped by key), and consistent rows in the store.
      expect(delivered.size).toBe(600)
      expect([...delivered.values()].every((n) => n >= 1)).toBe(true)
      expect(attempts).toBeGreaterThanOrEqual(600)
      const [campaign] = await store.listCampaigns()
      const [counters] = await store.getCampaignCounters({ campaignIds: [campaign!.id], sinceDay: '2000-01-01' })
      expect(counters?.lifetime.sent).toBe(600)
      expect(await store.countLeadsByState(campaign!.id)).toEqual({ completed: 600 })
      expect(await store.listEmails({ statuses: ['queued', 'sending', 'in_doubt', 'failed'], limit: 10 })).toEqual([])

      // The LISTEN connection came back too: work queued by another process wakes listeners.
      await eventually(async () => wakes, (n) => n >= 1, 30_000) // woken once after reconnecting
      const before = wakes
      const writer = createPostgresStore({ connectionString: server.url, listen: false })
      other.push(writer)
      await seedDueEmails(writer, 1)
      await eventually(async () => wakes, (n) => n > before, 10_000, 20)
      expect(warnings.some((w) => w.includes('LISTEN connection lost'))).toBe(true)

      await worker.stop()
      await running
    } finally {
      await worker?.stop()
      await Promise.all([store.close(), listenerStore.close(), ...other.map((s) => s.close())])
    }
  }, 180_000)
})
