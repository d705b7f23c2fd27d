/**
 * The full production stack, configured only from environment variables:
 * PostgreSQL + IMAP + Resend + Slack (and optional alert emails) — or, with CAM_MAILBOXES,
 * a sending pool of SMTP/IMAP mailboxes instead of Resend.
 *
 *   pnpm --filter @cam/example-full-stack check   # verify every service, send nothing
 *   pnpm --filter @cam/example-full-stack start   # run the worker until SIGTERM
 *
 * With RESEND_WEBHOOK_SECRET set, the process also serves Resend's signed delivery events
 * at POST /webhooks/resend (CAM_WEBHOOK_HOST:CAM_WEBHOOK_PORT, default 127.0.0.1:3000).
 */
import type { Server } from 'node:http'
import { parseArgs } from 'node:util'
import { migrate } from '@cam/adapter-postgres'
import { ValidationError, createCamClient, createCamWorker, createConsoleLogger } from '@cam/core'
import { errorMessage } from '@cam/core/adapter-kit'
import { checkConnectivity } from './check-connectivity.js'
import { createStack } from './create-stack.js'
import { createWebhookServer, publicWebhookUrl, resendWebhookPath } from './create-webhook-server.js'
import { loadFullStackConfig } from './full-stack-config.js'
import { describeWebhookSecretProblem } from './webhook-secret.js'

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } })

let config: ReturnType<typeof loadFullStackConfig>
try {
  config = loadFullStackConfig(process.env)
} catch (error) {
  if (!ValidationError.isInstance(error)) throw error
  console.error(error.message)
  console.error('\nSee examples/full-stack/README.md for every variable.')
  process.exit(2)
}

if (values.check) {
  const results = await checkConnectivity(config)
  for (const result of results) {
    console.log(`${result.ok ? '✓' : '✗'} ${result.service.padEnd(14)} ${result.detail}`)
    for (const line of result.lines ?? []) console.log(`    ${line}`)
  }
  const failed = results.filter((r) => !r.ok).length
  console.log(failed === 0 ? '\nEverything is reachable. Nothing was sent.' : `\n${failed} problem(s). Nothing was sent.`)
  process.exit(failed === 0 ? 0 : 1)
}

const secretProblem = config.webhook && describeWebhookSecretProblem(config.webhook.secret)
if (secretProblem) {
  console.error(`RESEND_WEBHOOK_SECRET ${secretProblem}`) // names the problem, never the secret
  process.exit(2)
}

const logger = createConsoleLogger({ level: 'info' })
await migrate({ connectionString: config.database.url, schema: config.database.schema, logger })
const { store, inbox, sender, mailboxes, alerts } = createStack(config, logger)
const worker = createCamWorker({ store, inbox, sender, mailboxes, alerts, logger, config: config.worker })
worker.on('email:sent', (e) => logger.info('email sent', { emailId: e.emailId, step: e.stepIndex }))
worker.on('mailbox:paused', (e) => logger.warn('mailbox paused', { mailbox: e.mailbox, reason: e.reason }))
worker.on('reply:classified', (e) => logger.info('reply classified', { messageId: e.messageId, category: e.classification.category }))
worker.on('step:error', (e) => logger.warn('step failed', { step: e.step, error: errorMessage(e.error) }))
let webhookServer: Server | undefined
if (config.webhook) {
  const { host, port } = config.webhook
  webhookServer = createWebhookServer({ secret: config.webhook.secret, client: createCamClient({ store, logger }), logger })
  const server = webhookServer
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, resolve)
    })
  } catch (error) {
    logger.error('the Resend webhook endpoint cannot listen', { host, port, error: errorMessage(error) })
    await store.close?.()
    process.exit(1)
  }
  const address = webhookServer.address()
  const listening = typeof address === 'object' && address ? address.port : port
  logger.info('Resend webhook endpoint listening', { url: `http://${host}:${listening}${resendWebhookPath}`, pointResendAt: publicWebhookUrl(config.webhook) })
}
logger.info('worker started', {
  workerId: worker.workerId,
  sending: mailboxes ? { pool: mailboxes.map((mailbox) => mailbox.name) } : 'resend',
  alerts: alerts.map((a) => a.name),
})
await worker.start() // until SIGTERM/SIGINT
await new Promise<void>((resolve) => (webhookServer ? webhookServer.close(() => resolve()) : resolve()))
await store.close?.()
logger.info('worker stopped')
