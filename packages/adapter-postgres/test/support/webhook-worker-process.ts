/**
 * A CAM worker in its own process that only delivers webhooks, for the crash tests.
 * Configured by environment variables (see `worker-process.ts`), plus
 * CAM_TEST_WEBHOOK_URL, CAM_TEST_WEBHOOK_SECRET, CAM_TEST_WEBHOOK_TIMEOUT_MS. Reports
 * its webhook events to the parent over IPC.
 */
import pg from 'pg'
import { createCamWorker } from '@cam/core'
import { createPostgresStore } from '../../src/index.js'

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}
const pool = new pg.Pool({ connectionString: env('CAM_TEST_DATABASE_URL'), max: 4 })
pool.on('error', () => {})
const store = createPostgresStore({ pool, schema: env('CAM_TEST_SCHEMA') })
const worker = createCamWorker({
  store,
  webhooks: [{ name: 'crm', url: env('CAM_TEST_WEBHOOK_URL'), secret: env('CAM_TEST_WEBHOOK_SECRET'), events: '*', timeoutMs: Number(env('CAM_TEST_WEBHOOK_TIMEOUT_MS')) }],
  config: { workerId: env('CAM_TEST_WORKER_ID'), intervalMs: 100, stopOnSignals: true, webhookRetryBaseMs: 200, webhookRetryMaxMs: 1000 },
})
const report = (event: string, payload: Record<string, unknown>): void => void process.send?.({ event, ...payload })
worker.on('worker:started', (payload) => report('worker:started', payload))
worker.on('webhook:delivered', (payload) => report('webhook:delivered', payload))
worker.on('webhook:failed', (payload) => report('webhook:failed', { ...payload, error: String((payload.error as Error)?.message ?? payload.error) }))
worker.on('step:error', ({ step, error }) => report('step:error', { step, message: String((error as Error)?.message ?? error) }))
await worker.start()
await store.close()
await pool.end()
report('worker:exited', {})
