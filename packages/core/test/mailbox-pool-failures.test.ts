import { describe, expect, it } from 'vitest'
import { SendError, ValidationError, createCamClient, createCamWorker, type MailboxConfig } from '../src/index.js'
import { createManualClock, createMemoryAlertChannel, createMemorySender, createMemoryStore, type MemorySender } from '../src/testing/index.js'

const hour = 3_600_000
const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }

async function pool(count: number, leads: number) {
  const clock = createManualClock(new Date('2030-03-04T09:00:00Z'))
  const store = createMemoryStore({ clock })
  const alerts = createMemoryAlertChannel({ name: 'slack' })
  const senders: MemorySender[] = []
  const mailboxes: MailboxConfig[] = Array.from({ length: count }, (_, index) => {
    const sender = createMemorySender({ idempotent: false })
    senders.push(sender)
    return { name: `box${index}@acme.example`, from: { email: `box${index}@acme.example`, name: `Box ${index}` }, sender, dailyLimit: 30, rampUp: null, minGapMs: 0 }
  })
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name: 'Pool',
    sender: { email: 'team@acme.example' },
    steps: [
      { subject: 'Hello {{ firstName }}', text: 'Hi', delayDays: 0 },
      { text: 'Following up', delayDays: 1 },
    ],
    schedule: anytime,
    rules: [],
  })
  await client.addLeads(campaign.id, Array.from({ length: leads }, (_, index) => ({ email: `lead${index}@prospect.example`, firstName: `L${index}` })))
  await client.startCampaign(campaign.id)
  const worker = createCamWorker({ store, mailboxes, alerts: [alerts], clock, config: { workerId: 'w1', stopOnSignals: false } })
  return { clock, store, alerts, senders, mailboxes, client, campaign, worker }
}

describe('sending pool: failures of one mailbox or one recipient', () => {
  it('a mailbox whose authentication fails is paused alone with one alert; new leads go to the others, its threads wait', async () => {
    const { clock, store, alerts, senders, client, campaign, worker } = await pool(2, 6)
    await worker.runOnce()
    const firstRound = await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    expect(firstRound).toHaveLength(6)
    const onBox0 = new Set(firstRound.filter((email) => email.mailbox === 'box0@acme.example').map((email) => email.leadId))
    expect(onBox0.size).toBe(3)
    // box0's password is revoked: every send fails for the mailbox, not for the recipient.
    senders[0]!.failNext(100, SendError.permanent('535 5.7.8 Authentication credentials invalid', { scope: 'mailbox' }))
    await client.addLeads(campaign.id, [{ email: 'new1@prospect.example' }, { email: 'new2@prospect.example' }])
    clock.advance(25 * hour)
    await worker.runOnce()
    await worker.runOnce()
    const [box0, box1] = await client.listMailboxes()
    expect(box0).toMatchObject({ name: 'box0@acme.example', status: 'paused', statusReason: expect.stringContaining('535 5.7.8') })
    expect(box1).toMatchObject({ status: 'active' })
    expect(alerts.delivered.filter((delivery) => delivery.alert.kind === 'mailbox_paused')).toHaveLength(1)
    const sent = await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    const newLeads = (await client.listLeads({ campaignId: campaign.id })).filter((lead) => lead.email.startsWith('new'))
    for (const lead of newLeads) expect(sent.find((email) => email.leadId === lead.id)?.mailbox).toBe('box1@acme.example')
    // box0's follow-ups wait (queued, not failed); box1's went out from box1.
    const waiting = await store.listEmails({ campaignId: campaign.id, statuses: ['queued'] })
    expect(waiting.filter((email) => onBox0.has(email.leadId))).toHaveLength(3)
    expect(sent.filter((email) => email.stepIndex === 1).every((email) => email.mailbox === 'box1@acme.example')).toBe(true)
    expect((await store.listEmails({ campaignId: campaign.id, statuses: ['failed'] }))).toHaveLength(0)
    expect((await client.getCampaign(campaign.id))!.status).toBe('active')
    // Resumed (the password fixed): its threads continue from it.
    senders[0]!.clear()
    await client.resumeMailbox('box0@acme.example')
    clock.advance(2 * hour)
    await worker.runOnce()
    const resumed = await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    expect(resumed.filter((email) => onBox0.has(email.leadId) && email.stepIndex === 1).every((email) => email.mailbox === 'box0@acme.example')).toBe(true)
    expect(resumed.filter((email) => onBox0.has(email.leadId) && email.stepIndex === 1)).toHaveLength(3)
  })

  it('the campaign pauses, with one alert, when none of its mailboxes is left', async () => {
    const { clock, alerts, senders, client, campaign, worker } = await pool(1, 2)
    senders[0]!.failNext(100, SendError.permanent('535 5.7.8 Authentication credentials invalid', { scope: 'mailbox' }))
    await worker.runOnce()
    clock.advance(hour)
    await worker.runOnce()
    const paused = await client.getCampaign(campaign.id)
    expect(paused).toMatchObject({ status: 'paused', statusReason: expect.stringContaining('no healthy mailbox left') })
    expect(alerts.delivered.filter((delivery) => delivery.alert.kind === 'campaign_paused')).toHaveLength(1)
  })

  it('a recipient refused at send time is a bounce of that lead at once: 5.1.1 suppresses, a 5.7.1 policy refusal counts as a block against the mailbox, never against the prospect', async () => {
    const { store, senders, client, campaign, worker } = await pool(1, 2)
    senders[0]!.failNext(1, SendError.permanent('550 5.1.1 <lead0@prospect.example>: user unknown', { refusal: { type: 'hard', diagnosticCode: '550 5.1.1 <lead0@prospect.example>: user unknown' } }))
    senders[0]!.failNext(1, SendError.permanent('550 5.7.1 rejected by policy', { refusal: { type: 'block', diagnosticCode: '550 5.7.1 rejected by policy' } }))
    await worker.runOnce()
    const leads = await client.listLeads({ campaignId: campaign.id })
    // The user-unknown lead is bounced; the policy refusal (action `retry`) leaves the lead as the send left it (failed, not bounced, not suppressed).
    expect(leads.map((lead) => lead.state).sort()).toEqual(['bounced', 'failed'])
    const suppressions = await store.listSuppressions()
    expect(suppressions).toHaveLength(1)
    expect(suppressions[0]).toMatchObject({ reason: 'hard_bounce' })
    const metrics = await client.getCampaignMetrics(campaign.id)
    expect(metrics.lifetime.counts).toMatchObject({ bounced: 2, hardBounced: 1, blocked: 1 })
    const [mailbox] = await client.listMailboxes()
    expect(mailbox!.lifetime.counts).toMatchObject({ bounced: 2, hardBounced: 1, blocked: 1 })
    expect(mailbox!.sentOnDay).toBe(2)
  })

  it('reports each mailbox: sent today against today’s ramped limit, ramp day, state', async () => {
    const clock = createManualClock(new Date('2030-03-04T09:00:00Z'))
    const store = createMemoryStore({ clock })
    const client = createCamClient({ store, clock })
    const sender = createMemorySender()
    const campaign = await client.createCampaign({ name: 'Ramp', sender: { email: 'team@acme.example' }, steps: [{ subject: 'Hi', text: 'Hi', delayDays: 0 }], schedule: anytime, rules: [] })
    await client.addLeads(campaign.id, Array.from({ length: 20 }, (_, index) => ({ email: `r${index}@prospect.example` })))
    await client.startCampaign(campaign.id)
    const worker = createCamWorker({ store, mailboxes: [{ name: 'new@acme.example', from: { email: 'new@acme.example' }, sender, dailyLimit: 30, rampUp: { start: 5, increment: 3 }, minGapMs: 0 }], clock, config: { workerId: 'w', stopOnSignals: false } })
    await worker.runOnce()
    expect(sender.sent).toHaveLength(5)
    let [report] = await client.listMailboxes()
    expect(report).toMatchObject({ name: 'new@acme.example', address: 'new@acme.example', status: 'active', sentOnDay: 5, limitToday: 5, rampDay: 0, dailyLimit: 30 })
    clock.advance(24 * hour)
    await worker.runOnce()
    ;[report] = await client.listMailboxes()
    expect(report).toMatchObject({ sentOnDay: 8, limitToday: 8, rampDay: 1 })
    expect(sender.sent).toHaveLength(13)
  })

  it('names every bad mailbox field', () => {
    const store = createMemoryStore()
    let caught: unknown
    try {
      createCamWorker({
        store,
        mailboxes: [
          { name: 'a', from: { email: 'not an address' }, sender: createMemorySender(), dailyLimit: 0 },
          { name: 'a', from: { email: 'a@acme.example' }, sender: {} as never },
        ],
      })
    } catch (error) {
      caught = error
    }
    expect(ValidationError.isInstance(caught)).toBe(true)
    expect((caught as ValidationError).issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['mailboxes.0.from.email', 'mailboxes.0.dailyLimit', 'mailboxes.1.sender']))
  })
})

describe('a send whose answer was lost (SendError in_doubt)', () => {
  it('is held in doubt for a human once its claim expires, never resent automatically', async () => {
    const { clock, store, senders, client, campaign, worker } = await pool(1, 1)
    senders[0]!.failNext(1, SendError.inDoubt('connection closed after DATA, before the reply'))
    const report = await worker.runOnce()
    expect(report.steps.find((step) => step.name === 'send')?.counts).toMatchObject({ inDoubt: 1, sent: 0 })
    clock.advance(hour)
    await worker.runOnce()
    clock.advance(hour)
    await worker.runOnce()
    const inDoubt = await client.listInDoubtEmails(campaign.id)
    expect(inDoubt).toHaveLength(1)
    expect(senders[0]!.calls).toBe(1)
    expect(await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })).toHaveLength(0)
  })
})

describe('worker stop', () => {
  it('closes the single sender and every pool mailbox sender', async () => {
    const closed: string[] = []
    const closable = (name: string) => Object.assign(createMemorySender({ name }), { close: async () => void closed.push(name) })
    const store = createMemoryStore()
    const worker = createCamWorker({
      store,
      sender: closable('single'),
      mailboxes: [{ name: 'a@acme.example', from: { email: 'a@acme.example' }, sender: closable('pool-a') }],
      config: { workerId: 'w', stopOnSignals: false },
    })
    const running = worker.start()
    await worker.stop()
    await running
    expect(closed.sort()).toEqual(['pool-a', 'single'])
  })
})

describe('a retryable failure with a retry time in a pool', () => {
  it('holds back only that email, not the other mailboxes’ sends', async () => {
    const { store, senders, campaign, worker } = await pool(2, 30)
    // box0's first send is greylisted for 5 minutes (a 451 with a retry hint).
    senders[0]!.failNext(1, SendError.retryable('451 4.7.1 greylisted, try again later', { retryAfterMs: 300_000 }))
    await worker.runOnce()
    const sent = await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    expect(sent).toHaveLength(29)
    const queued = await store.listEmails({ campaignId: campaign.id, statuses: ['queued'] })
    expect(queued.filter((email) => email.stepIndex === 0)).toHaveLength(1)
  })
})
