/**
 * A CAM worker in its own process, for the multi-process tests. Configured by
 * environment variables; reports events to the parent over IPC.
 *
 *   CAM_TEST_DATABASE_URL, CAM_TEST_SCHEMA, CAM_TEST_WORKER_ID,
 *   CAM_TEST_IDEMPOTENT (1/0), CAM_TEST_HOLD_MS, CAM_TEST_SEND (1/0),
 *   CAM_TEST_CONFIG (JSON worker config overrides),
 *   CAM_TEST_STALL_AT / CAM_TEST_STALL_MS (block the event loop after the n-th send)
 */
import pg from 'pg'
import { createCamWorker, type CamEventName } from '@cam/core'
import { createPostgresStore } from '../../src/index.js'
import { createRecordingSender } from './recording-provider.js'

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}
const schema = env('CAM_TEST_SCHEMA')
const workerId = env('CAM_TEST_WORKER_ID')
const url = env('CAM_TEST_DATABASE_URL')
const pool = new pg.Pool({ connectionString: url, max: 8 })
pool.on('error', () => {})
const store = createPostgresStore({ pool, schema })
const sender =
  process.env.CAM_TEST_SEND === '0'
    ? undefined
    : createRecordingSender({
        pool,
        schema,
        workerId,
        idempotent: process.env.CAM_TEST_IDEMPOTENT !== '0',
        holdMs: Number(process.env.CAM_TEST_HOLD_MS ?? 0),
        ...(process.env.CAM_TEST_STALL_AT ? { stallAt: Number(process.env.CAM_TEST_STALL_AT), stallMs: Number(process.env.CAM_TEST_STALL_MS ?? 5000) } : {}),
      })
const worker = createCamWorker({
  store,
  sender,
  config: {
    workerId,
    intervalMs: 100,
    claimTtlMs: 1000,
    sendBatchSize: 20,
    sendConcurrency: 4,
    maxSendsPerCycle: 100_000,
    stopOnSignals: true,
    ...(JSON.parse(process.env.CAM_TEST_CONFIG ?? '{}') as object),
  },
})
const report = (event: string, payload: Record<string, unknown>): void => void process.send?.({ event, ...payload })
for (const event of ['lease:acquired', 'lease:lost', 'worker:started', 'email:in_doubt'] as CamEventName[]) {
  worker.on(event, (payload) => report(event, payload as Record<string, unknown>))
}
worker.on('step:end', ({ step, report: stepReport }) => report('step:end', { step, status: stepReport.status }))
worker.on('step:error', ({ step, error }) => report('step:error', { step, message: String((error as Error)?.message ?? error) }))
await worker.start()
await store.close()
await pool.end()
report('worker:exited', {})
