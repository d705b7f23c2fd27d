/**
 * The README's stack end to end on PostgreSQL: CAM sends through the Resend sender to the
 * fake Resend, which reports what happened only through Svix-signed webhooks (as Resend
 * does: bounces go to its own Return-Path, never to the user's mailbox). The handler runs
 * on Node's `http` on 127.0.0.1 with a PostgreSQL-backed client.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createPostgresStore, migrate, type PostgresStore } from '@cam/adapter-postgres'
import { createCamClient, createCamWorker, type CamWorker } from '@cam/core'
import { createManualClock, createMemoryAlertChannel } from '@cam/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createResendSender, createResendWebhookHandler, toNodeRequestListener } from '../src/index.js'
import { startResendApiServer, type ResendApiServer } from './resend-api-server.js'
import { createSigningSecret } from './svix-webhooks.js'
import { closeServer, listen } from './webhook-fixture.js'

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `cam_test_resend_webhooks_${randomUUID().slice(0, 8)}`
const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }
const leadCount = 30
const bouncing = 4
const address = (index: number) => `lead${index}@prospect.example`

describe('Resend webhooks on PostgreSQL: bounces and complaints reported only by webhooks suppress, stop and pause', () => {
  const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
  const slack = createMemoryAlertChannel({ name: 'slack' })
  let store: PostgresStore
  let resend: ResendApiServer
  let worker: CamWorker
  let closeHttp: () => Promise<void>
  let campaignId: string

  beforeAll(async () => {
    await migrate({ connectionString: databaseUrl, schema })
    store = createPostgresStore({ connectionString: databaseUrl, schema })
    resend = await startResendApiServer({ rateLimit: false })
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      name: 'Webhook-only feedback',
      sender: { email: 'ana@acme.example', name: 'Ana' },
      steps: [
        { subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}, quick question.', delayDays: 0 },
        { text: 'Following up, {{ firstName }}.', delayDays: 2 },
      ],
      schedule,
      dailyCap: 100,
      rules: [{ metric: 'bounceRate', threshold: 0.05, windowDays: 7, minSample: 20 }],
    })
    campaignId = campaign.id
    const report = await client.addLeads(
      campaign.id,
      Array.from({ length: leadCount }, (_, index) => ({ email: address(index), firstName: `Lead${index}` })),
    )
    assert.equal(report.added, leadCount)
    await client.startCampaign(campaign.id)
    const sender = createResendSender({ apiKey: resend.apiKey, baseUrl: resend.url, rateLimit: false })
    worker = createCamWorker({ store, sender, alerts: [slack], clock, config: { workerId: 'worker-1', stopOnSignals: false } })
    await worker.runOnce()
    assert.equal(resend.emails.length, leadCount, 'step 1 reached Resend for every lead')

    const secret = createSigningSecret()
    const handler = createResendWebhookHandler({ webhookSecret: secret, client })
    const { server, url } = await listen(toNodeRequestListener(handler))
    closeHttp = () => closeServer(server)
    resend.setWebhook({ url: `${url}/webhooks/resend`, secret })
  })

  afterAll(async () => {
    await worker?.stop()
    await closeHttp?.()
    await resend?.close()
    await store?.close()
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })

  it('applies every webhook once, counts the rates, pauses the campaign and alerts once', async () => {
    const emailTo = (index: number) => resend.emails.find((email) => email.recipients.includes(address(index)))!
    // All at once, as Svix delivers them: 4 permanent bounces, 1 complaint, 25 deliveries.
    const deliveries = await Promise.all(
      Array.from({ length: leadCount }, (_, index) => {
        const id = emailTo(index).id
        if (index < bouncing) {
          return resend.emitEmailEvent(id, 'email.bounced', {
            bounce: { type: 'Permanent', subType: 'General', message: `smtp; 550 5.1.1 <${address(index)}>: Recipient address rejected: User unknown` },
          })
        }
        if (index === bouncing) return resend.emitEmailEvent(id, 'email.complained')
        return resend.emitEmailEvent(id, 'email.delivered')
      }),
    )
    assert.deepEqual(
      deliveries.map((delivery) => delivery.status),
      Array.from({ length: leadCount }, () => 200),
    )
    // Svix retries two of them (the same svix-id): acknowledged, nothing applied twice.
    const retries = await Promise.all([resend.redeliver(deliveries[0]!.msgId), resend.redeliver(deliveries[leadCount - 1]!.msgId)])
    assert.deepEqual(
      retries.map((retry) => [retry.status, retry.json]),
      [
        [200, { status: 'duplicate' }],
        [200, { status: 'duplicate' }],
      ],
    )

    const client = createCamClient({ store, clock })
    const leads = await client.listLeads({ campaignId, limit: 100 })
    const stateOf = (index: number) => leads.find((lead) => lead.email === address(index))?.state
    for (let index = 0; index < bouncing; index++) {
      assert.equal(stateOf(index), 'bounced')
      assert.equal((await client.getSuppression(address(index)))?.reason, 'hard_bounce')
    }
    assert.equal(stateOf(bouncing), 'unsubscribed')
    assert.equal((await client.getSuppression(address(bouncing)))?.reason, 'complaint')
    assert.equal(stateOf(leadCount - 1), 'active')
    assert.equal(await client.getSuppression(address(leadCount - 1)), null)
    assert.equal((await store.listEmails({ campaignId, statuses: ['queued'] })).length, leadCount - bouncing - 1, 'follow-ups left only for leads that did not bounce or complain')

    const metrics = await client.getCampaignMetrics(campaignId)
    assert.deepEqual(
      {
        sent: metrics.lifetime.counts.sent,
        bounced: metrics.lifetime.counts.bounced,
        hardBounced: metrics.lifetime.counts.hardBounced,
        complained: metrics.lifetime.counts.complained,
        delivered: metrics.lifetime.counts.delivered,
      },
      { sent: leadCount, bounced: bouncing, hardBounced: bouncing, complained: 1, delivered: leadCount - bouncing - 1 },
    )
    assert.equal(metrics.lifetime.rates.bounceRate, bouncing / leadCount)
    assert.equal(metrics.lifetime.rates.deliveryRate, (leadCount - bouncing - 1) / leadCount)
    assert.equal((await client.listDeliveryEvents({ campaignId, limit: 100 })).length, leadCount)

    // The next cycle's decide step sees a 13 % bounce rate over 30 sends: paused, one alert.
    await worker.runOnce()
    const campaign = await client.getCampaign(campaignId)
    assert.equal(campaign?.status, 'paused')
    assert.match(campaign?.statusReason ?? '', /bounce/i)
    clock.advance(60_000)
    await worker.runOnce()
    const pauseAlerts = slack.delivered.filter((delivery) => delivery.alert.kind === 'campaign_paused' && delivery.alert.campaignId === campaignId)
    assert.equal(pauseAlerts.length, 1, 'the pause is alerted once')
    // Paused: two days later no follow-up goes out.
    clock.advance(2 * 24 * 60 * 60 * 1000)
    await worker.runOnce()
    assert.equal(resend.emails.length, leadCount, 'nothing more was sent while paused')
  })
})
