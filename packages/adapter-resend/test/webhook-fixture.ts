/**
 * A running stack for the webhook tests: CAM (memory store, real client and worker) sent
 * three emails through the Resend sender to the fake Resend, which now delivers signed
 * webhooks about them to `createResendWebhookHandler` served by Node's `http` on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCamClient, createCamWorker, type CamClient } from '@cam/core'
import { createManualClock, createMemoryStore, createRecordingLogger, type ManualClock, type MemoryStore, type RecordingLogger } from '@cam/core/testing'
import { createResendSender, createResendWebhookHandler, toNodeRequestListener, type ResendWebhookHandler } from '../src/index.js'
import { startResendApiServer, type ResendApiServer, type StoredResendEmail } from './resend-api-server.js'
import { createSigningSecret } from './svix-webhooks.js'

/** Everything a delivery event can change, to compare before and after. */
export interface StateSnapshot {
  leads: Array<{ email: string; state: string }>
  suppressions: Array<{ email: string; reason: string }>
  counts: Record<string, number>
  events: Array<{ id: string; type: string; emailId: string }>
  pendingEmails: number
}

export interface WebhookFixture {
  clock: ManualClock
  store: MemoryStore
  client: CamClient
  resend: ResendApiServer
  secret: string
  handler: ResendWebhookHandler
  logger: RecordingLogger
  campaignId: string
  /** The webhook URL on 127.0.0.1. */
  url: string
  /** The email the fake Resend accepted for this address. */
  emailTo(address: string): StoredResendEmail
  snapshot(): Promise<StateSnapshot>
  /** Runs the worker once (sends what is due). */
  runWorker(): Promise<void>
  close(): Promise<void>
}

const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }

/** Serves `listener` on a random port of 127.0.0.1. */
export async function listen(listener: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { server, url: `http://127.0.0.1:${port}` }
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
}

/** Lee, Kim and Sam got step 1 of a two-step campaign through Resend; webhooks go to the handler. */
export async function startWebhookFixture(options: { maxBodyBytes?: number } = {}): Promise<WebhookFixture> {
  const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
  const store = createMemoryStore({ clock })
  const resend = await startResendApiServer({ rateLimit: false })
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name: 'Webhook test',
    sender: { email: 'ana@acme.example', name: 'Ana' },
    steps: [
      { subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}, quick question.', delayDays: 0 },
      { subject: 'Re: Hello {{ firstName }}', text: 'Following up, {{ firstName }}.', delayDays: 2 },
    ],
    schedule,
    rules: [],
  })
  const report = await client.addLeads(
    campaign.id,
    ['Lee', 'Kim', 'Sam'].map((firstName) => ({ email: `${firstName.toLowerCase()}@prospect.example`, firstName })),
  )
  assert.equal(report.added, 3)
  await client.startCampaign(campaign.id)
  const sender = createResendSender({ apiKey: resend.apiKey, baseUrl: resend.url, rateLimit: false })
  const worker = createCamWorker({ store, sender, clock, config: { workerId: 'worker-1', stopOnSignals: false } })
  const runWorker = async () => {
    await worker.runOnce()
  }
  await runWorker()
  assert.equal(resend.emails.length, 3, 'step 1 reached Resend for each lead')

  const secret = createSigningSecret()
  const logger = createRecordingLogger()
  const handler = createResendWebhookHandler({ webhookSecret: secret, client, logger, ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }) })
  const { server, url: base } = await listen(toNodeRequestListener(handler, { logger }))
  const url = `${base}/webhooks/resend`
  resend.setWebhook({ url, secret })

  return {
    clock,
    store,
    client,
    resend,
    secret,
    handler,
    logger,
    campaignId: campaign.id,
    url,
    emailTo(address) {
      const email = resend.emails.find((candidate) => candidate.recipients.includes(address))
      assert.ok(email, `Resend has an email to ${address}`)
      return email
    },
    async snapshot() {
      const leads = await client.listLeads({ campaignId: campaign.id })
      const suppressions = await store.listSuppressions()
      const metrics = await client.getCampaignMetrics(campaign.id)
      const events = await client.listDeliveryEvents({ campaignId: campaign.id })
      const emails = await store.listEmails({ campaignId: campaign.id })
      return {
        leads: leads.map((lead) => ({ email: lead.email, state: lead.state })),
        suppressions: suppressions.map((entry) => ({ email: entry.email, reason: entry.reason })),
        counts: { ...metrics.lifetime.counts },
        events: events.map((event) => ({ id: event.id, type: event.type, emailId: event.emailId })),
        pendingEmails: emails.filter((email) => email.status === 'queued').length,
      }
    },
    runWorker,
    async close() {
      await worker.stop()
      await closeServer(server)
      await resend.close()
    },
  }
}
