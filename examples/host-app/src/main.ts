/**
 * A plain Node HTTP service that embeds the CAM worker:
 *
 *   DATABASE_URL=postgres://… CAM_UNSUBSCRIBE_SECRET=… CAM_UNSUBSCRIBE_URL=https://app.example/unsubscribe \
 *     pnpm --filter @cam/example-host-app start
 *
 * Endpoints: GET /health, GET /metrics, GET /campaigns/:id/metrics, GET+POST /unsubscribe,
 * and POST /webhooks/resend (Resend's signed delivery events) when RESEND_WEBHOOK_SECRET is set.
 * Sends into a pickup directory and reads a Maildir so it runs anywhere; swap in
 * Resend and IMAP as in examples/full-stack.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFileSender, createMaildirInbox } from '@cam/adapter-filesystem'
import { createPostgresStore, migrate } from '@cam/adapter-postgres'
import { createResendWebhookHandler, toNodeRequestListener, type NodeRequestListener } from '@cam/adapter-resend'
import { ValidationError, createCamClient, createCamWorker, createConsoleAlerts, createConsoleLogger, env, loadConfigFromEnv } from '@cam/core'
import { createHostServer } from './create-host-server.js'

const { worker: workerConfig, extra } = loadConfigFromEnv(process.env, {
  DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'], secret: true, description: 'PostgreSQL connection string' }),
  CAM_DB_SCHEMA: env.string({ default: 'cam' }),
  PORT: env.integer({ min: 0, max: 65_535, default: 3000 }),
  HOST: env.string({ default: '127.0.0.1' }),
  CAM_OUTBOX_DIR: env.string({ default: join(tmpdir(), 'cam-host-app', 'outbox') }),
  CAM_MAILDIR: env.string({ default: join(tmpdir(), 'cam-host-app', 'Maildir') }),
  RESEND_WEBHOOK_SECRET: env.optional(env.string({ secret: true, description: "signing secret of the Resend webhook (whsec_…)" })),
})
if (!workerConfig.unsubscribe) {
  console.error('CAM_UNSUBSCRIBE_URL and CAM_UNSUBSCRIBE_SECRET are required: every email carries a one-click unsubscribe link to this app.')
  process.exit(2)
}

const logger = createConsoleLogger({ level: 'info' })
await migrate({ connectionString: extra.DATABASE_URL, schema: extra.CAM_DB_SCHEMA })
const store = createPostgresStore({ connectionString: extra.DATABASE_URL, schema: extra.CAM_DB_SCHEMA })
const client = createCamClient({ store, unsubscribeSecret: workerConfig.unsubscribe.secret })
const worker = createCamWorker({
  store,
  inbox: createMaildirInbox({ directory: extra.CAM_MAILDIR, name: 'host-app', createIfMissing: true }),
  sender: createFileSender({ directory: extra.CAM_OUTBOX_DIR, createIfMissing: true }),
  alerts: [createConsoleAlerts()],
  logger,
  config: { ...workerConfig, stopOnSignals: false },
})
worker.on('step:error', ({ step, error }) => logger.warn('step failed', { step, error: error instanceof Error ? error.message : String(error) }))

// Resend's delivery events (bounced, complained, delivered…) arrive as Svix-signed webhooks.
let resendWebhook: NodeRequestListener | undefined
if (extra.RESEND_WEBHOOK_SECRET) {
  try {
    resendWebhook = toNodeRequestListener(createResendWebhookHandler({ webhookSecret: extra.RESEND_WEBHOOK_SECRET, client, logger }), { logger })
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error
    console.error(`RESEND_WEBHOOK_SECRET: ${error.issues.map((issue) => issue.message).join('; ')}`) // never the secret itself
    process.exit(2)
  }
} else {
  logger.info('RESEND_WEBHOOK_SECRET not set: POST /webhooks/resend is off')
}

const server = createHostServer({ client, worker, store, ...(resendWebhook ? { resendWebhook } : {}) })
await new Promise<void>((resolve) => server.listen(extra.PORT, extra.HOST, resolve))
const address = server.address()
const port = typeof address === 'object' && address ? address.port : extra.PORT
console.log(`listening on http://${extra.HOST}:${port}`)
if (resendWebhook) console.log(`Resend webhook endpoint: POST http://${extra.HOST}:${port}/webhooks/resend (in Resend, point the webhook at https://<your public host>/webhooks/resend)`)
const running = worker.start()

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  logger.info('shutting down', { signal })
  // Stop taking requests, let the worker finish the step in flight, then close the pool.
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await worker.stop()
  await running
  await store.close?.()
  logger.info('stopped')
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
