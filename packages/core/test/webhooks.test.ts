import { afterEach, describe, expect, it } from 'vitest'
import { CamError, ValidationError, createCamWorker, camEventPayload, type CamEventPayloads } from '../src/index.js'
import { createMemoryStore } from '../src/testing/index.js'
import { bounceMessage, replyMessage } from './support/raw-messages.js'
import { webhookSetup, type WebhookSetup } from './support/webhook-setup.js'

const setups: WebhookSetup[] = []
afterEach(async () => {
  for (const setup of setups.splice(0)) await setup.close()
})
const start = async (options: Parameters<typeof webhookSetup>[0] = {}) => {
  const setup = await webhookSetup(options)
  setups.push(setup)
  return setup
}

/** The positive reply of lead `index` to its first email. */
function positiveReply(setup: WebhookSetup, index: number) {
  const first = setup.sender.sent.find((sent) => sent.email.to.email === `p${index}@prospect.example`)!
  return replyMessage({
    from: `P${index} <p${index}@prospect.example>`,
    subject: `Re: ${first.email.subject}`,
    inReplyTo: first.email.messageId,
    body: `Yes, this sounds great. Let's set up a call next week.\r\n\r\nOn Mon, Mar 2, 2026 at 10:00 AM Ana <ana@sender.example> wrote:\r\n> Hi`,
    date: setup.clock.now(),
  })
}

describe('outbound webhooks (memory store, real receiver on 127.0.0.1)', () => {
  it('delivers every event type from real worker cycles, signed (verified by the standardwebhooks library) and documented in shape', async () => {
    const setup = await start({ leads: 3 })
    const { client, inbox, sender, receiver, clock, store } = setup
    const delivered: Array<CamEventPayloads['webhook:delivered']> = []
    setup.worker.on('webhook:delivered', (event) => void delivered.push(event))
    await setup.cycle() // sends 3 emails: email.sent × 3
    expect(sender.sent).toHaveLength(3)
    inbox.deliver(positiveReply(setup, 0))
    const bounced = sender.sent.find((sent) => sent.email.to.email === 'p1@prospect.example')!
    inbox.deliver(bounceMessage({ recipient: 'p1@prospect.example', originalMessageId: bounced.email.messageId, date: clock.now() }))
    clock.advance(60_000)
    await setup.cycle() // reply and report processed
    await client.recordDeliveryEvent({ id: 'evt-provider-1', provider: 'resend', type: 'bounced', email: { messageId: sender.sent.find((s) => s.email.to.email === 'p2@prospect.example')!.email.messageId }, bounce: { type: 'hard', diagnosticCode: '550 5.1.1 user unknown' }, occurredAt: clock.now() })
    await client.pauseCampaign(setup.campaignId, 'holiday')
    await client.resumeCampaign(setup.campaignId)
    await setup.cycle()

    const types = receiver.accepted.map((hook) => hook.payload.type)
    expect(types.filter((type) => type === 'email.sent')).toHaveLength(3)
    expect(types.filter((type) => type === 'reply.classified')).toHaveLength(2)
    expect(types.filter((type) => type === 'email.bounced')).toHaveLength(2)
    expect(types.filter((type) => type === 'lead.state_changed')).toHaveLength(3) // interested, bounced (report), bounced (provider)
    expect(types.filter((type) => type === 'alert.raised')).toHaveLength(1)
    expect(types.filter((type) => type.startsWith('campaign.')).sort()).toEqual(['campaign.paused', 'campaign.resumed'])
    expect(receiver.requests.every((request) => request.verified && request.status === 200)).toBe(true)
    expect(receiver.conflicts).toEqual([])
    expect(receiver.requests).toHaveLength(receiver.accepted.length) // each delivered once: no retries were needed
    expect(delivered).toHaveLength(receiver.accepted.length)
    expect(receiver.requests[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'CAM-Webhooks/1' })
    expect(receiver.requests[0]!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/)

    // The documented shapes.
    const payloadOf = (type: string) => receiver.accepted.find((hook) => hook.payload.type === type)!.payload
    const reply = payloadOf('reply.classified')
    expect(reply).toMatchObject({ type: 'reply.classified', version: 1, timestamp: expect.stringMatching(/^2026-03-02T10:01:00\.000Z$/) })
    expect(reply.data).toMatchObject({ category: 'positive', leadEmail: 'p0@prospect.example', from: 'p0@prospect.example', subject: 'Re: Hello', campaignId: setup.campaignId })
    expect((reply.data as { excerpt: string }).excerpt).toMatch(/^Yes, this sounds great/)
    expect((reply.data as { excerpt: string }).excerpt).not.toContain('wrote:')
    const report = receiver.accepted.find((hook) => hook.payload.type === 'email.bounced' && (hook.payload.data as { source: string }).source === 'report')!.payload
    expect(report.data).toMatchObject({ emailId: expect.any(String), bounceType: 'hard', reason: 'user_unknown', status: '5.1.1', source: 'report', provider: null })
    const provider = receiver.accepted.find((hook) => hook.payload.type === 'email.bounced' && (hook.payload.data as { source: string }).source === 'provider')!.payload
    expect(provider.data).toMatchObject({ bounceType: 'hard', reason: 'user_unknown', source: 'provider', provider: 'resend', diagnostic: '550 5.1.1 user unknown' })
    expect(payloadOf('campaign.paused').data).toEqual({ campaignId: setup.campaignId, leadId: null, campaignName: 'Hooks', reason: 'holiday' })
    const sent = receiver.accepted.find((hook) => hook.payload.type === 'email.sent')!.payload
    expect(Object.keys(sent.data).sort()).toEqual(['campaignId', 'emailId', 'leadId', 'mailbox', 'messageId', 'providerId', 'stepIndex', 'to'])
    const alert = payloadOf('alert.raised')
    const [storedAlert] = await store.listAlerts()
    expect(alert.data).toMatchObject({ alertId: storedAlert!.id, kind: 'reply', category: 'positive' })
    // The body is the documented serialisation of the stored event, under the event's id.
    const deliveries = await client.listWebhookDeliveries({ limit: 1000 })
    expect(deliveries.every((d) => d.delivery.status === 'delivered')).toBe(true)
    for (const hook of receiver.accepted) expect(hook.body).toBe(camEventPayload(deliveries.find((d) => d.event.id === hook.id)!.event))
  })

  it("keeps one lead's events in order through a retry: a later event waits for the earlier one", async () => {
    const setup = await start({ leads: 2, events: ['reply.classified', 'lead.state_changed', 'alert.raised'] })
    await setup.cycle()
    setup.inbox.deliver(positiveReply(setup, 0))
    let failedOnce = false
    setup.receiver.answer(({ payload }) => {
      if (payload.type === 'reply.classified' && !failedOnce) {
        failedOnce = true
        return { status: 500 }
      }
      return { status: 200 }
    })
    await setup.cycle()
    expect(setup.receiver.accepted).toEqual([]) // the first failed; the lead's later events waited
    expect(setup.receiver.requests.map((r) => r.status)).toEqual([500])
    for (let i = 0; i < 4 && setup.receiver.accepted.length < 3; i++) {
      setup.clock.advance(5_000)
      await setup.cycle()
    }
    expect(setup.receiver.accepted.map((hook) => hook.payload.type)).toEqual(['reply.classified', 'lead.state_changed', 'alert.raised'])
    expect(setup.receiver.conflicts).toEqual([])
  })

  it('builds no email.sent event when no endpoint subscribes to it (nothing per email), and none at all without webhooks', async () => {
    const setup = await start({ leads: 5, events: ['reply.classified'] })
    await setup.cycle()
    expect(setup.sender.sent).toHaveLength(5)
    expect(await setup.client.listWebhookDeliveries()).toEqual([])
    expect(setup.receiver.requests).toEqual([])
    const store = createMemoryStore()
    const plain = createCamWorker({ store, config: { stopOnSignals: false } })
    expect(plain.steps.at(-1)).toBe('webhooks')
    const report = await plain.runOnce()
    expect(report.steps.find((step) => step.name === 'webhooks')).toMatchObject({ status: 'ok', counts: { delivered: 0, failed: 0 } })
    expect(await store.listWebhookEndpoints()).toEqual([])
  })

  it('registers the endpoints without their secrets and lists them through the client', async () => {
    const setup = await start({ events: ['email.sent', 'email.bounced'] })
    await setup.cycle()
    const endpoints = await setup.client.listWebhookEndpoints()
    expect(endpoints).toEqual([expect.objectContaining({ name: 'crm', url: setup.receiver.url, events: ['email.sent', 'email.bounced'], status: 'enabled', statusReason: null })])
    expect(JSON.stringify(endpoints)).not.toContain(setup.receiver.secret.slice(6))
  })

  it('refuses bad endpoint configuration with errors naming each field, never echoing the secret', () => {
    const store = createMemoryStore()
    const secret = `whsec_${Buffer.alloc(8, 7).toString('base64')}` // only 8 bytes
    const good = { name: 'crm', url: 'https://crm.example/hooks', secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, events: '*' as const }
    let error: unknown
    try {
      createCamWorker({
        store,
        webhooks: [
          { ...good, url: 'http://crm.example/hooks', secret, timeoutMs: 0 },
          { ...good, name: 'zap', events: ['reply.classified', 'lead.moved' as 'reply.classified'] },
          { ...good, name: 'crm' },
          { ...good, name: 'creds', url: 'https://user:pass@crm.example/hooks', giveUpAfterMs: -1 },
          { ...good, name: 'extra', retries: 3 } as never,
        ],
      })
    } catch (caught) {
      error = caught
    }
    expect(ValidationError.isInstance(error)).toBe(true)
    const issues = (error as ValidationError).issues
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ['webhooks.0.url', 'webhooks.0.secret', 'webhooks.0.timeoutMs', 'webhooks.1.events.1', 'webhooks.2.name', 'webhooks.3.url', 'webhooks.3.giveUpAfterMs', 'webhooks.4.retries'].sort(),
    )
    expect(issues.find((issue) => issue.path === 'webhooks.0.secret')!.message).toMatch(/whsec_.*24 to 64 random bytes/)
    expect((error as Error).message).not.toContain(secret.slice(6))
    expect((error as Error).message).not.toContain('pass')
    expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
  })
})
