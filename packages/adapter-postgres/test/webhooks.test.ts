import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { camEventPayload, createCamClient, createCamWorker, type NewCamEvent } from '@cam/core'
import { createMemoryInbox, createMemorySender, createWebhookReceiver, sampleAlert, sampleBounceReport, sampleCampaign, sampleEmail, sampleLead, sampleRawMessage, type WebhookReceiver } from '@cam/core/testing'
import { createPostgresStore, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'
import { eventually, startWorker, stopWorker, type ChildWorker } from './support/worker-harness.js'

const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }

describe('outbound webhooks on PostgreSQL', () => {
  const schema = testSchemaName('webhooks')
  let dropSchema: () => Promise<void> = async () => {}
  let store: PostgresStore
  const receivers: WebhookReceiver[] = []
  const children: ChildWorker[] = []
  beforeAll(async () => {
    dropSchema = await createMigratedSchema(schema)
    store = createPostgresStore({ connectionString: databaseUrl, schema })
  })
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
    for (const receiver of receivers) await receiver.close()
    await store?.close()
    await dropSchema()
  })

  it('delivers the events of a real cycle — replies processed, bounce reports, the campaign paused by its bounce rule — each once, with the stored bytes', async () => {
    const receiver = await createWebhookReceiver()
    receivers.push(receiver)
    const inbox = createMemoryInbox({ name: `replies-${schema}` })
    const sender = createMemorySender()
    const client = createCamClient({ store })
    const worker = createCamWorker({
      store,
      inbox,
      sender,
      webhooks: [{ name: 'cycle', url: receiver.url, secret: receiver.secret, events: '*' }],
      config: { workerId: 'cycle-worker', stopOnSignals: false },
    })
    const campaign = await client.createCampaign({
      name: 'Bouncy',
      sender: { email: 'ana@sender.example' },
      steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }],
      schedule: anytime,
      rules: [{ metric: 'bounceRate', threshold: 0.05, windowDays: 7, minSample: 2 }],
    })
    await client.addLeads(campaign.id, [0, 1, 2].map((i) => ({ email: `p${i}@prospect.example`, firstName: `P${i}` })))
    await client.startCampaign(campaign.id)
    try {
      await worker.runOnce()
      expect(sender.sent).toHaveLength(3)
      const messageIdOf = (i: number) => sender.sent.find((sent) => sent.email.to.email === `p${i}@prospect.example`)!.email.messageId
      inbox.deliver(sampleRawMessage({ from: 'P0 <p0@prospect.example>', inReplyTo: messageIdOf(0), body: "Yes, this sounds great. Let's set up a call next week." }))
      inbox.deliver(sampleBounceReport({ recipient: 'p1@prospect.example', originalMessageId: messageIdOf(1) }))
      inbox.deliver(sampleBounceReport({ recipient: 'p2@prospect.example', originalMessageId: messageIdOf(2) }))
      const report = await worker.runOnce()
      expect(report.steps.filter((step) => step.status === 'error')).toEqual([])
    } finally {
      await worker.stop()
    }
    const count = (type: string) => receiver.accepted.filter((hook) => hook.payload.type === type).length
    expect([count('email.sent'), count('reply.classified'), count('email.bounced'), count('lead.state_changed'), count('alert.raised'), count('campaign.paused')]).toEqual([3, 3, 2, 3, 2, 1])
    expect((await store.getCampaign(campaign.id))?.status).toBe('paused')
    expect(receiver.requests.every((request) => request.verified && request.status === 200)).toBe(true)
    expect(receiver.requests).toHaveLength(receiver.accepted.length)
    const deliveries = await store.listWebhookDeliveries({ endpoint: 'cycle', limit: 100 })
    expect(deliveries.map((d) => d.delivery.status)).toEqual(Array(14).fill('delivered'))
    // What was sent is the documented serialisation of the event as PostgreSQL returns it.
    for (const hook of receiver.accepted) expect(hook.body).toBe(camEventPayload(deliveries.find((d) => d.event.id === hook.id)!.event))
  })

  it('survives SIGKILL of the worker mid-delivery: after a restart every event is delivered, each id with one payload, processed once, in order per lead', async () => {
    const receiver = await createWebhookReceiver()
    receivers.push(receiver)
    const now = new Date()
    await store.registerWebhookEndpoints({ endpoints: [{ name: 'crm', url: receiver.url, events: '*' }], now })
    // 4 leads × 3 events each, recorded with their causes (alerts here), in turns.
    const campaign = await store.createCampaign(sampleCampaign(), now)
    const { added } = await store.addLeads({ campaignId: campaign.id, now, leads: Array.from({ length: 4 }, () => ({ lead: sampleLead(), firstEmail: sampleEmail(0, now) })) })
    const recorded: Array<{ leadId: string; to: string }> = []
    for (const to of ['replied', 'interested', 'no_reply'] as const) {
      for (const lead of added) {
        const event: NewCamEvent = { type: 'lead.state_changed', version: 1, occurredAt: new Date(), campaignId: campaign.id, leadId: lead.id, data: { leadEmail: lead.email, from: 'active', to, reason: `moved to ${to}` } }
        await store.createAlert({ alert: sampleAlert({ campaignId: campaign.id, leadId: lead.id }), channels: [], now: new Date(), events: [event] })
        recorded.push({ leadId: lead.id, to })
      }
    }
    // The receiver holds its first request: the worker is killed while it waits for the answer.
    let release!: () => void
    const hold = new Promise<void>((resolve) => (release = resolve))
    let heldId = ''
    let signalHeld!: () => void
    const held = new Promise<void>((resolve) => (signalHeld = resolve))
    receiver.answer(({ id }) => {
      if (heldId !== '') return { status: 200 }
      heldId = id
      signalHeld()
      return { status: 200, hold }
    })
    const env = { CAM_TEST_WEBHOOK_URL: receiver.url, CAM_TEST_WEBHOOK_SECRET: receiver.secret, CAM_TEST_WEBHOOK_TIMEOUT_MS: '1000' }
    const first = startWorker({ id: 'hooks-a', databaseUrl, schema, script: 'webhook-worker-process.ts', env })
    children.push(first)
    await held
    first.process.kill('SIGKILL')
    await first.exited
    release()
    expect((await store.listWebhookDeliveries({ endpoint: 'crm', status: 'delivering' })).map((d) => d.event.id)).toContain(heldId)

    const second = startWorker({ id: 'hooks-b', databaseUrl, schema, script: 'webhook-worker-process.ts', env })
    children.push(second)
    // The killed worker's claim expires (4 × the 1 s timeout) and the delivery is made again.
    await eventually(
      () => store.listWebhookDeliveries({ endpoint: 'crm', limit: 100 }),
      (deliveries) => deliveries.length === 12 && deliveries.every((d) => d.delivery.status === 'delivered'),
      30_000,
      100,
    )
    await stopWorker(second)
    const deliveries = await store.listWebhookDeliveries({ endpoint: 'crm', limit: 100 })
    expect(receiver.accepted.map((hook) => hook.id).sort()).toEqual(deliveries.map((d) => d.event.id).sort()) // every event processed, once
    expect(receiver.requests.filter((request) => request.id === heldId).length).toBeGreaterThanOrEqual(2) // redelivered after the crash, deduped
    expect(receiver.conflicts).toEqual([]) // an id never carried another payload
    expect(receiver.requests.every((request) => request.verified)).toBe(true)
    for (const lead of added) {
      const order = receiver.accepted.filter((hook) => hook.payload.data.leadId === lead.id).map((hook) => (hook.payload.data as { to: string }).to)
      expect(order).toEqual(recorded.filter((entry) => entry.leadId === lead.id).map((entry) => entry.to))
    }
  }, 60_000)
})
