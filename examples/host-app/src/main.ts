/**
 * A plain Node HTTP service that embeds the CAM worker:
 *
 *   DATABASE_URL=postgres://… CAM_UNSUBSCRIBE_SECRET=… CAM_UNSUBSCRIBE_URL=https://app.example/unsubscribe \
 *     pnpm --filter @cam/example-host-app start
 *
 * Endpoints: GET /health, GET /metrics, GET /campaigns/:id/metrics, GET+POST /unsubscribe,
 * POST /webhooks/resend (Resend's signed delivery events) when RESEND_WEBHOOK_SECRET is set, and
 * the CAM dashboard at /admin/cam when CAM_DASHBOARD_PASSWORD is set.
 * Sends into a pickup directory and reads a Maildir so it runs anywhere; swap in
 * Resend and IMAP as in examples/full-stack.
 */
import { createFileSender, createMaildirInbox } from '@cam/adapter-filesystem'
import { SchemaVersionError, createPostgresStore, migrate } from '@cam/adapter-postgres'
import { createResendWebhookHandler, toNodeRequestListener, type NodeRequestListener } from '@cam/adapter-resend'
import { ValidationError, createCamClient, createCamWorker, createConsoleAlerts, createConsoleLogger, loadConfigFromEnv } from '@cam/core'
import { createDashboard, toNodeRequestListener as toDashboardListener } from '@cam/dashboard'
import { createHostServer } from './create-host-server.js'
import { basicAuthAuthorize } from './dashboard-authorize.js'
import { hostAppEnvironmentVariables } from './host-app-environment.js'

let loaded: ReturnType<typeof loadConfigFromEnv<typeof hostAppEnvironmentVariables>>
try {
  loaded = loadConfigFromEnv(process.env, hostAppEnvironmentVariables)
} catch (error) {
  if (!ValidationError.isInstance(error)) throw error
  console.error(error.message) // names every bad variable; secret values are hidden
  process.exit(2) // a configuration error: restarting will not fix it (systemd: RestartPreventExitStatus=2)
}
const { worker: workerConfig, extra } = loaded
if (!workerConfig.unsubscribe) {
  console.error('CAM_UNSUBSCRIBE_URL and CAM_UNSUBSCRIBE_SECRET are required: every email carries a one-click unsubscribe link to this app.')
  process.exit(2)
}

const logger = createConsoleLogger({ level: 'info' })
if (extra.CAM_MIGRATE_ON_START) await migrate({ connectionString: extra.DATABASE_URL, schema: extra.CAM_DB_SCHEMA })
const store = createPostgresStore({ connectionString: extra.DATABASE_URL, schema: extra.CAM_DB_SCHEMA, poolSize: extra.CAM_DB_POOL_SIZE, logger })
if (!extra.CAM_MIGRATE_ON_START) {
  // Migrations run before this process (deploy/: a Kubernetes init container or Job, a Compose
  // service, systemd's ExecStartPre). Every store call checks the schema version first: stop at
  // once with the way out rather than serve a worker whose every step fails. Other errors (the
  // database not up yet) are left to the worker, which retries them.
  try {
    await store.listHeartbeats()
  } catch (error) {
    if (SchemaVersionError.isInstance(error)) {
      console.error(`${error.message} (CAM_MIGRATE_ON_START=false: the migrations must run before the app starts)`)
      await store.close?.()
      process.exit(1)
    }
    logger.warn('the database is not reachable yet; the worker retries', { error: error instanceof Error ? error.message : String(error) })
  }
}
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

// The dashboard at /admin/cam, behind HTTP Basic auth with CAM_DASHBOARD_PASSWORD; actions are logged with the user name.
const dashboard = extra.CAM_DASHBOARD_PASSWORD
  ? toDashboardListener(createDashboard({ client, basePath: '/admin/cam', authorize: basicAuthAuthorize(extra.CAM_DASHBOARD_PASSWORD), csrfSecret: extra.CAM_DASHBOARD_CSRF_SECRET, logger }), { logger })
  : undefined

const server = createHostServer({ client, worker, store, ...(resendWebhook ? { resendWebhook } : {}), ...(dashboard ? { dashboard } : {}) })
await new Promise<void>((resolve) => server.listen(extra.PORT, extra.HOST, resolve))
const address = server.address()
const port = typeof address === 'object' && address ? address.port : extra.PORT
console.log(`listening on http://${extra.HOST}:${port}`)
if (dashboard) console.log(`dashboard: http://${extra.HOST}:${port}/admin/cam (HTTP Basic: any user name, CAM_DASHBOARD_PASSWORD)`)
if (resendWebhook) console.log(`Resend webhook endpoint: POST http://${extra.HOST}:${port}/webhooks/resend (in Resend, point the webhook at https://<your public host>/webhooks/resend)`)
const running = worker.start()

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  const started = Date.now()
  logger.info('shutting down', { signal })
  // Stop taking requests (those in flight finish) and, meanwhile, let the worker finish the
  // step in flight and release its leases; then close the pool. Under a process manager this
  // has to fit in the grace period before SIGKILL (deploy/README.md, "Stopping").
  await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), worker.stop().then(() => running)])
  await store.close?.()
  logger.info('stopped', { signal, stopMs: Date.now() - started })
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
