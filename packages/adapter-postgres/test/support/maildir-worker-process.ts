/**
 * A CAM worker in its own process that polls a pool of Maildir inboxes (no sender), for the
 * poll lease tests. Configured by environment variables; reports events to the parent over IPC.
 *
 *   CAM_TEST_DATABASE_URL, CAM_TEST_SCHEMA, CAM_TEST_WORKER_ID, CAM_TEST_CONFIG (JSON worker config),
 *   CAM_TEST_MAILDIR_ROOT (directory holding the Maildirs), CAM_TEST_MAILDIRS (how many: box-000, box-001, …)
 */
import { join } from 'node:path'
import pg from 'pg'
import { createCamWorker, type CamEventName } from '@cam/core'
import { createMaildirInbox } from '@cam/adapter-filesystem'
import { createPostgresStore } from '../../src/index.js'

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}
const schema = env('CAM_TEST_SCHEMA')
const workerId = env('CAM_TEST_WORKER_ID')
const root = env('CAM_TEST_MAILDIR_ROOT')
const count = Number(env('CAM_TEST_MAILDIRS'))

/** Maildir names of the pool, the same in every worker. */
const maildirName = (index: number): string => `box-${String(index).padStart(3, '0')}`

const pool = new pg.Pool({ connectionString: env('CAM_TEST_DATABASE_URL'), max: 4 })
pool.on('error', () => {})
const store = createPostgresStore({ pool, schema })
const inboxes = Array.from({ length: count }, (_, index) => createMaildirInbox({ directory: join(root, maildirName(index)), name: maildirName(index) }))
const worker = createCamWorker({
  store,
  inbox: inboxes,
  config: { workerId, stopOnSignals: true, ...(JSON.parse(process.env.CAM_TEST_CONFIG ?? '{}') as object) },
})
const report = (event: string, payload: Record<string, unknown>): void => void process.send?.({ event, ...payload })
for (const event of ['lease:acquired', 'lease:lost', 'worker:started', 'message:received', 'reply:classified'] as CamEventName[]) {
  worker.on(event, (payload) => report(event, { ...(payload as Record<string, unknown>), classification: undefined }))
}
worker.on('step:error', ({ step, error }) => report('step:error', { step, message: String((error as Error)?.message ?? error) }))
worker.on('worker:error', ({ during, error }) => report('worker:error', { during, message: String((error as Error)?.message ?? error) }))
await worker.start()
await store.close()
await pool.end()
report('worker:exited', {})
