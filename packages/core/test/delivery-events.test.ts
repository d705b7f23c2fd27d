import { describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, ValidationError, type CamClient, type DeliveryEventInput, type Logger, type OutboundEmail } from '../src/index.js'
import { createManualClock, createMemoryAlertChannel, createMemoryInbox, createMemorySender, createMemoryStore } from '../src/testing/index.js'
import { bounceMessage } from './support/raw-messages.js'

const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }
let eventCounter = 0

/** A campaign of `leads` leads whose first emails went out through a worker (memory adapters). */
async function sentCampaign(options: { leads: number; rules?: Array<{ metric: 'bounceRate' | 'complaintRate'; threshold: number; windowDays: number; minSample: number }> }) {
  const clock = createManualClock(new Date('2026-03-02T09:00:00Z'))
  const store = createMemoryStore({ clock })
  const inbox = createMemoryInbox({ name: 'replies' })
  const sender = createMemorySender()
  const slack = createMemoryAlertChannel({ name: 'slack' })
  const debugLines: string[] = []
  const logger: Logger = { debug: (message) => void debugLines.push(message), info: () => {}, warn: () => {}, error: () => {} }
  const client = createCamClient({ store, clock, logger })
  const worker = createCamWorker({ store, inbox, sender, alerts: [slack], clock, config: { workerId: 'w1', stopOnSignals: false } })
  const campaign = await client.createCampaign({
    name: 'Webhook stack',
    sender: { email: 'ana@sender.example' },
    steps: [
      { subject: 'Hi {{ firstName }}', text: 'Hello', delayDays: 0 },
      { text: 'Following up', delayDays: 2 },
    ],
    schedule: anytime,
    dailyCap: 1000,
    rules: options.rules ?? [],
  })
  await client.addLeads(
    campaign.id,
    Array.from({ length: options.leads }, (_, i) => ({ email: `lead${i}@prospect.example`, firstName: `Lead${i}` })),
  )
  await client.startCampaign(campaign.id)
  await worker.runOnce()
  const emails: OutboundEmail[] = (await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })).sort((a, b) => a.leadId.localeCompare(b.leadId))
  expect(emails).toHaveLength(options.leads)
  return { clock, store, inbox, sender, slack, client, worker, campaign, emails, debugLines }
}

function event(email: OutboundEmail, type: DeliveryEventInput['type'], extra: Partial<DeliveryEventInput> = {}): DeliveryEventInput {
  return {
    id: `msg_${++eventCounter}`,
    provider: 'resend',
    type,
    email: { providerId: email.providerId! },
    occurredAt: new Date('2026-03-02T09:05:00Z'),
    ...(type === 'bounced' ? { bounce: { type: 'hard', reason: 'The recipient does not exist', diagnosticCode: '550 5.1.1 user unknown' } } : {}),
    ...extra,
  }
}

async function counts(client: CamClient, campaignId: string) {
  return (await client.getCampaignMetrics(campaignId)).lifetime.counts
}

describe('delivery events (client.recordDeliveryEvent)', () => {
  it('applies each event type as the same finding over IMAP would', async () => {
    const { client, store, campaign, emails } = await sentCampaign({ leads: 6 })
    const [hard, soft, complained, suppressed, delivered, failed] = emails as [OutboundEmail, OutboundEmail, OutboundEmail, OutboundEmail, OutboundEmail, OutboundEmail]

    const hardResult = await client.recordDeliveryEvent(event(hard, 'bounced'))
    expect(hardResult).toMatchObject({ status: 'applied', counted: true, emailId: hard.id, transition: { from: 'active', to: 'bounced' } })
    expect((await client.getLead(hard.leadId))!.state).toBe('bounced')
    const hardLead = (await client.getLead(hard.leadId))!
    expect(await client.getSuppression(hardLead.email)).toMatchObject({ reason: 'hard_bounce', source: expect.stringContaining('resend event') })
    expect(await store.listEmails({ leadId: hard.leadId, statuses: ['queued'] })).toHaveLength(0)

    const softResult = await client.recordDeliveryEvent(event(soft, 'bounced', { bounce: { type: 'soft', reason: 'Mailbox full' } }))
    expect(softResult).toMatchObject({ status: 'applied', transition: null, suppressed: null })
    expect((await client.getLead(soft.leadId))!.state).toBe('active')
    expect(await store.listEmails({ leadId: soft.leadId, statuses: ['queued'] })).toHaveLength(1)
    await client.recordDeliveryEvent(event(soft, 'delayed', { reason: 'greylisted' }))
    expect((await client.getLead(soft.leadId))!.state).toBe('active')

    expect(await client.recordDeliveryEvent(event(complained, 'complained'))).toMatchObject({ transition: { from: 'active', to: 'unsubscribed' } })
    expect((await client.getSuppression((await client.getLead(complained.leadId))!.email))?.reason).toBe('complaint')

    expect(await client.recordDeliveryEvent(event(suppressed, 'suppressed', { reason: 'on the account suppression list' }))).toMatchObject({ transition: { to: 'bounced' } })
    expect((await client.getSuppression((await client.getLead(suppressed.leadId))!.email))?.reason).toBe('hard_bounce')

    expect(await client.recordDeliveryEvent(event(delivered, 'delivered'))).toMatchObject({ status: 'applied', counted: true, transition: null })
    expect(await client.recordDeliveryEvent(event(failed, 'failed', { reason: 'daily quota reached' }))).toMatchObject({ status: 'applied', transition: null })
    expect((await client.getLead(failed.leadId))!.state).toBe('active')

    const totals = await counts(client, campaign.id)
    expect(totals).toMatchObject({ sent: 6, bounced: 1, hardBounced: 1, softBounced: 1, delayed: 1, complained: 1, providerSuppressed: 1, delivered: 1, failed: 1 })
    const metrics = await client.getCampaignMetrics(campaign.id)
    expect(metrics.lifetime.rates.bounceRate).toBeCloseTo(1 / 6)
    expect(metrics.lifetime.rates.deliveryRate).toBeCloseTo(1 / 6)
    const stored = await client.listDeliveryEvents({ emailId: hard.id })
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ provider: 'resend', type: 'bounced', bounce: { type: 'hard', diagnosticCode: '550 5.1.1 user unknown' } })
  })

  it('is idempotent by event id and counts each finding once, in any order', async () => {
    const { client, campaign, emails } = await sentCampaign({ leads: 2 })
    const [first, second] = emails as [OutboundEmail, OutboundEmail]
    const bounced = event(first, 'bounced')
    expect((await client.recordDeliveryEvent(bounced)).status).toBe('applied')
    expect(await client.recordDeliveryEvent(bounced)).toMatchObject({ status: 'duplicate', counted: false, transition: null })
    // Bounced twice under two event ids, then a late delivery report.
    expect(await client.recordDeliveryEvent(event(first, 'bounced'))).toMatchObject({ status: 'applied', counted: false, transition: null })
    expect(await client.recordDeliveryEvent(event(first, 'delivered'))).toMatchObject({ status: 'applied', counted: false })
    // Delivered, then bounced asynchronously: the delivery is taken back.
    await client.recordDeliveryEvent(event(second, 'delivered'))
    await client.recordDeliveryEvent(event(second, 'bounced'))
    expect(await counts(client, campaign.id)).toMatchObject({ bounced: 2, hardBounced: 2, delivered: 0 })
    expect(await client.listDeliveryEvents({ campaignId: campaign.id })).toHaveLength(5)
  })

  it('counts a bounce once when it arrives as a DSN over IMAP and as a webhook, whichever comes first', async () => {
    const { client, inbox, worker, campaign, emails } = await sentCampaign({ leads: 2 })
    const [dsnFirst, webhookFirst] = emails as [OutboundEmail, OutboundEmail]
    const address = async (email: OutboundEmail) => (await client.getLead(email.leadId))!.email
    inbox.deliver(bounceMessage({ recipient: await address(dsnFirst), originalMessageId: dsnFirst.messageId }))
    await worker.runOnce()
    expect((await client.getLead(dsnFirst.leadId))!.state).toBe('bounced')
    expect(await client.recordDeliveryEvent(event(dsnFirst, 'bounced'))).toMatchObject({ status: 'applied', counted: false, transition: null })

    expect(await client.recordDeliveryEvent(event(webhookFirst, 'bounced'))).toMatchObject({ counted: true })
    inbox.deliver(bounceMessage({ recipient: await address(webhookFirst), originalMessageId: webhookFirst.messageId }))
    await worker.runOnce()
    expect(await counts(client, campaign.id)).toMatchObject({ bounced: 2, hardBounced: 2 })
  })

  it('acknowledges an event for an email CAM did not send, changing nothing', async () => {
    const { client, campaign, emails, debugLines } = await sentCampaign({ leads: 1 })
    const before = await counts(client, campaign.id)
    const result = await client.recordDeliveryEvent({ ...event(emails[0]!, 'bounced'), email: { providerId: 're_not_ours', messageId: '<nobody@example.com>' } })
    expect(result).toEqual({ status: 'unknown_email', emailId: null, leadId: null, campaignId: null, counted: false, transition: null, suppressed: null })
    expect(await counts(client, campaign.id)).toEqual(before)
    expect((await client.getLead(emails[0]!.leadId))!.state).toBe('active')
    expect(debugLines.some((line) => line.includes('did not send'))).toBe(true)
  })

  it('finds the email by our Message-ID when the provider id is not given', async () => {
    const { client, emails } = await sentCampaign({ leads: 1 })
    const result = await client.recordDeliveryEvent({ ...event(emails[0]!, 'complained'), email: { messageId: emails[0]!.messageId } })
    expect(result).toMatchObject({ status: 'applied', emailId: emails[0]!.id })
  })

  it('refuses a malformed event with one error naming every bad field', async () => {
    const { client } = await sentCampaign({ leads: 1 })
    const error = await client
      .recordDeliveryEvent({ id: '', provider: 'resend', type: 'opened', email: {}, occurredAt: new Date('nope'), recipient: 'not an address' } as unknown as DeliveryEventInput)
      .catch((caught: unknown) => caught)
    expect(ValidationError.isInstance(error)).toBe(true)
    const paths = (error as ValidationError).issues.map((issue) => issue.path)
    expect(paths).toEqual(expect.arrayContaining(['event.id', 'event.type', 'event.occurredAt', 'event.recipient']))
    const bounceless = await client.recordDeliveryEvent({ id: 'e1', provider: 'resend', type: 'bounced', email: { providerId: 'x' }, occurredAt: new Date() }).catch((caught: unknown) => caught)
    expect((bounceless as ValidationError).issues.map((issue) => issue.path)).toEqual(['event.bounce'])
  })

  it('pauses a campaign and alerts once on a bounce spike reported only by webhooks', async () => {
    const { client, worker, slack, campaign, emails } = await sentCampaign({ leads: 40, rules: [{ metric: 'bounceRate', threshold: 0.05, windowDays: 7, minSample: 20 }] })
    for (const email of emails.slice(0, 8)) await client.recordDeliveryEvent(event(email, 'bounced'))
    for (const email of emails.slice(8)) await client.recordDeliveryEvent(event(email, 'delivered'))
    await worker.runOnce()
    expect((await client.getCampaign(campaign.id))!.status).toBe('paused')
    await worker.runOnce()
    const pauses = slack.delivered.filter((delivery) => delivery.alert.kind === 'campaign_paused' && delivery.alert.campaignId === campaign.id)
    expect(pauses).toHaveLength(1)
    expect((await client.getCampaignMetrics(campaign.id)).lifetime.rates.bounceRate).toBeCloseTo(8 / 40)
  })
})
