/**
 * A CAM worker process for the database fault suite: the store owns its pool (created
 * from a connection string, as a host app would), emails and alerts go to the loopback
 * provider of `http-provider.ts`. It installs no handler of its own for uncaught errors:
 * whatever the store lets escape kills it, and the test sees the exit.
 *
 *   CAM_TEST_DATABASE_URL, CAM_TEST_WORKER_ID, CAM_TEST_PROVIDER_URL,
 *   CAM_TEST_IDEMPOTENT (1/0), CAM_TEST_CONFIG (JSON worker config overrides),
 *   CAM_TEST_STORE_OPTIONS (JSON store options)
 */
import { createCamWorker, SendError, type AlertChannelV1, type CamEventName, type SenderV1 } from '@cam/core'
import { createPostgresStore } from '../../src/index.js'

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}
const workerId = env('CAM_TEST_WORKER_ID')
const providerUrl = env('CAM_TEST_PROVIDER_URL')
const store = createPostgresStore({
  connectionString: env('CAM_TEST_DATABASE_URL'),
  poolSize: 6,
  poolConfig: { application_name: 'cam-fault-worker' },
  ...(JSON.parse(process.env.CAM_TEST_STORE_OPTIONS ?? '{}') as object),
})

async function post(path: string, idempotencyKey: string, body: unknown): Promise<{ id?: string }> {
  let response: Response
  try {
    response = await fetch(`${providerUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    })
  } catch (error) {
    throw SendError.retryable(`provider unreachable: ${String(error)}`, { cause: error })
  }
  if (!response.ok) throw SendError.retryable(`provider answered ${response.status}`)
  return (await response.json()) as { id?: string }
}

const sender: SenderV1 = {
  name: 'loopback',
  idempotent: process.env.CAM_TEST_IDEMPOTENT !== '0',
  async send(email, { idempotencyKey }) {
    const { id } = await post('/emails', idempotencyKey, { to: email.to.email, subject: email.subject })
    return id ? { providerId: id } : {}
  },
}
const alerts: AlertChannelV1 = {
  name: 'loopback-alerts',
  async deliver(alert, { idempotencyKey }) {
    await post('/alerts', idempotencyKey, { title: alert.title })
  },
}

const worker = createCamWorker({
  store,
  sender,
  alerts: [alerts],
  config: {
    workerId,
    intervalMs: 100,
    claimTtlMs: 3000,
    leaseTtlMs: 3000,
    sendBatchSize: 20,
    sendConcurrency: 4,
    alertRetryBaseMs: 200,
    alertRetryMaxMs: 1000,
    stopOnSignals: true,
    ...(JSON.parse(process.env.CAM_TEST_CONFIG ?? '{}') as object),
  },
})
const report = (event: string, payload: Record<string, unknown>): void => void process.send?.({ event, ...payload })
for (const event of ['worker:started', 'email:in_doubt', 'lease:lost'] as CamEventName[]) {
  worker.on(event, (payload) => report(event, payload as Record<string, unknown>))
}
worker.on('cycle:end', ({ cycle }) => report('cycle:end', { cycle }))
worker.on('step:error', ({ step, error }) => report('step:error', { step, message: String((error as Error)?.message ?? error) }))
worker.on('worker:error', ({ during, error }) => report('worker:error', { during, message: String((error as Error)?.message ?? error) }))
await worker.start()
await store.close()
report('worker:exited', {})
