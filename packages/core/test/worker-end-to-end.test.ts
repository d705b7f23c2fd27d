import { beforeAll, describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, type CamEventPayloads, type Campaign, type Lead } from '../src/index.js'
import { isInsideSendWindow, localDayKey } from '../src/schedule/send-window.js'
import { createManualClock, createMemoryAlertChannel, createMemoryInbox, createMemorySender, createMemoryStore } from '../src/testing/index.js'
import { bounceMessage, replyMessage } from './support/raw-messages.js'

const hour = 3_600_000
const day = 24 * hour

/**
 * One simulated outreach over three weeks on memory adapters: a 3-step campaign with
 * 20 leads in two timezones, replies of every kind, a second campaign sharing an
 * address, and a third campaign whose bounces spike.
 */
describe('worker end to end (memory adapters, simulated weeks)', () => {
  const clock = createManualClock(new Date('2026-01-05T05:00:00Z')) // Monday 06:00 in Berlin
  const store = createMemoryStore({ clock })
  const inbox = createMemoryInbox({ name: 'replies' })
  const sender = createMemorySender()
  const slack = createMemoryAlertChannel({ name: 'slack' })
  const email = createMemoryAlertChannel({ name: 'email' })
  const client = createCamClient({ store, clock })
  const worker = createCamWorker({ store, inbox, sender, alerts: [slack, email], clock, config: { workerId: 'worker-1', stopOnSignals: false } })
  const events: Array<{ name: string; payload: unknown }> = []
  for (const name of ['email:sent', 'reply:classified', 'lead:transitioned', 'campaign:paused', 'alert:sent', 'step:error'] as const) {
    worker.on(name, (payload) => void events.push({ name, payload }))
  }
  const errors: unknown[] = []
  worker.on('step:error', (e) => void errors.push(e.error))

  let main: Campaign
  let other: Campaign
  let spiky: Campaign
  let leads: Lead[]
  // Chosen once the first emails went out: a positive replier, an unsubscriber, an out-of-office.
  let positive: Lead
  let unsubscriber: Lead
  let away: Lead
  const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '09:00', endTime: '17:00' }

  async function runFor(ms: number, stepMs = hour) {
    const end = clock.now().getTime() + ms
    while (clock.now().getTime() < end) {
      await worker.runOnce()
      clock.advance(stepMs)
    }
  }

  const sentTo = (address: string) => sender.sent.filter((s) => s.email.to.email.toLowerCase() === address.toLowerCase())

  beforeAll(async () => {
    main = await client.createCampaign({
      name: 'Main',
      sender: { email: 'ana@sender.example', name: 'Ana' },
      steps: [
        { subject: 'Quick question, {{ firstName }}', text: 'Hi {{ firstName | default: "there" }}, does {{ company }} need this?', delayDays: 0 },
        { text: 'Following up on my note, {{ firstName }}.', delayDays: 3 },
        { text: 'Last note from me.', delayDays: 4 },
      ],
      schedule,
      dailyCap: 8,
      noReplyTimeoutDays: 5,
      rules: [],
    })
    other = await client.createCampaign({ name: 'Other', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Other', text: 'Hello', delayDays: 2 }], schedule, rules: [] })
    spiky = await client.createCampaign({
      name: 'Spiky list',
      sender: { email: 'ana@sender.example' },
      steps: [{ subject: 'Hi', text: 'Hello {{ firstName | default: "there" }}', delayDays: 0 }],
      schedule,
      dailyCap: 100,
      rules: [{ metric: 'bounceRate', threshold: 0.05, windowDays: 7, minSample: 20 }],
    })
    const input = Array.from({ length: 20 }, (_, i) => ({
      email: `Lead${i}@Prospect.example`,
      firstName: `Lead${i}`,
      company: `Company ${i}`,
      ...(i % 4 === 0 ? { timezone: 'America/New_York' } : {}),
    }))
    const report = await client.addLeads(main.id, input)
    expect(report).toMatchObject({ added: 20, duplicate: 0, suppressed: 0, invalid: 0 })
    leads = report.addedLeads
    const spikyReport = await client.addLeads(spiky.id, Array.from({ length: 60 }, (_, i) => ({ email: `bulk${i}@list.example` })))
    expect(spikyReport.added).toBe(60)
    await client.startCampaign(main.id)
    await client.startCampaign(other.id)
  })

  it('sends only inside the window, never above the daily cap, and threads follow-ups', async () => {
    await runFor(2 * day)
    const emails = await store.listEmails({ campaignId: main.id, statuses: ['sent'] })
    expect(emails.length).toBe(16) // two days × cap 8
    for (const sent of emails) {
      const lead = leads.find((l) => l.id === sent.leadId)!
      expect(isInsideSendWindow(sent.sentAt!, main.schedule, lead.timezone ?? main.schedule.timezone)).toBe(true)
    }
    const perDay = new Map<string, number>()
    for (const sent of emails) perDay.set(localDayKey(sent.sentAt!, 'Europe/Berlin'), (perDay.get(localDayKey(sent.sentAt!, 'Europe/Berlin')) ?? 0) + 1)
    expect([...perDay.values()].every((n) => n <= 8)).toBe(true)
    expect(sender.sent.every((s) => s.email.subject.startsWith('Quick question, Lead') || s.email.subject === 'Other')).toBe(true)
    expect(sender.sent.find((s) => s.email.to.email === 'Lead3@Prospect.example')?.email.text).toBe('Hi Lead3, does Company 3 need this?')
  })

  it('a positive reply stops the sequence and alerts each channel exactly once', async () => {
    const reached = leads.filter((l) => sentTo(l.email).length > 0 && l.timezone === null)
    ;[positive, unsubscriber, away] = reached as [Lead, Lead, Lead]
    // The unsubscriber is also a lead of another campaign that has not emailed yet.
    expect((await client.addLeads(other.id, [{ email: unsubscriber.email.toUpperCase(), firstName: 'Again' }])).added).toBe(1)
    const lead = positive
    const [first] = sentTo(lead.email)
    expect(first).toBeDefined()
    inbox.deliver(
      replyMessage({
        from: `${lead.firstName} <${lead.email.toLowerCase()}>`,
        subject: `Re: ${first!.email.subject}`,
        inReplyTo: first!.email.messageId,
        body: `Yes, this sounds great. Let's set up a call next week.\r\n\r\nOn Mon, Jan 5, 2026 at 9:00 AM Ana <ana@sender.example> wrote:\r\n> ${first!.email.text}`,
        date: clock.now(),
      }),
    )
    // Another reply from lead 1 right away: an unsubscribe, which must apply across campaigns.
    const lead1 = unsubscriber
    const [first1] = sentTo(lead1.email)
    inbox.deliver(
      replyMessage({
        from: lead1.email.toLowerCase(),
        subject: `Re: ${first1!.email.subject}`,
        inReplyTo: first1!.email.messageId,
        body: 'Please remove me from your mailing list and stop emailing me.',
        date: clock.now(),
      }),
    )
    // Lead 2 is out of office until a date about two weeks later.
    const lead2 = away
    const [first2] = sentTo(lead2.email)
    inbox.deliver(
      replyMessage({
        from: lead2.email.toLowerCase(),
        subject: `Automatic reply: ${first2!.email.subject}`,
        inReplyTo: first2!.email.messageId,
        body: 'Thank you for your message. I am out of the office until Monday, January 19, 2026 with limited access to email. I will respond when I return.',
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
        date: clock.now(),
      }),
    )
    await runFor(2 * hour)
    const stored = await client.getLead(lead.id)
    expect(stored?.state).toBe('interested')
    const alertsForLead = (channel: typeof slack) => channel.delivered.filter((d) => d.alert.leadId === lead.id)
    expect(alertsForLead(slack)).toHaveLength(1)
    expect(alertsForLead(email)).toHaveLength(1)
    expect(alertsForLead(slack)[0]!.alert.excerpt).toContain('sounds great')
    expect(alertsForLead(slack)[0]!.alert.excerpt).not.toContain('need this?') // the quoted pitch is not the reply
    expect(alertsForLead(slack)[0]!.alert.category).toBe('positive')
  })

  it('an unsubscribe suppresses the address in every campaign', async () => {
    const lead1 = unsubscriber
    expect((await client.getLead(lead1.id))?.state).toBe('unsubscribed')
    expect((await client.getSuppression(lead1.email))?.reason).toBe('unsubscribe')
    const [inOther] = await client.listLeads({ campaignId: other.id })
    expect(inOther?.state).toBe('unsubscribed')
    const again = await client.addLeads(spiky.id, [{ email: lead1.email.toUpperCase() }])
    expect(again.suppressed).toBe(1)
  })

  it('keeps sending follow-ups to silent leads, and stops for those who replied', async () => {
    await runFor(12 * day)
    expect(sentTo(positive.email)).toHaveLength(1)
    expect(sentTo(unsubscriber.email)).toHaveLength(1) // and never by campaign "Other"
    const silent = leads.find((l) => l.timezone === null && ![positive.id, unsubscriber.id, away.id].includes(l.id))!
    const thread = sentTo(silent.email)
    expect(thread).toHaveLength(3)
    const [s1, s2, s3] = thread.map((t) => t.email)
    expect(s2!.subject).toBe(`Re: ${s1!.subject}`)
    expect(s2!.inReplyTo).toBe(s1!.messageId)
    expect(s2!.references).toEqual([s1!.messageId])
    expect(s3!.inReplyTo).toBe(s2!.messageId)
    expect(s3!.references).toEqual([s1!.messageId, s2!.messageId])
    const emails = await store.listEmails({ leadId: silent.id })
    const gap = emails[1]!.sentAt!.getTime() - emails[0]!.sentAt!.getTime()
    expect(gap).toBeGreaterThanOrEqual(3 * day)
  })

  it('an out-of-office reply pauses the lead until its return date, then the sequence resumes', async () => {
    const lead2 = away
    const paused = events.find((e) => e.name === 'lead:transitioned' && (e.payload as CamEventPayloads['lead:transitioned']).leadId === lead2.id && (e.payload as CamEventPayloads['lead:transitioned']).to === 'paused')
    expect(paused?.payload).toMatchObject({ from: 'active', to: 'paused' })
    expect((await client.getLead(lead2.id))?.resumeAt?.toISOString().slice(0, 10)).toBe('2026-01-19')
    await runFor(3 * day)
    const emails = await store.listEmails({ leadId: lead2.id, statuses: ['sent'] })
    const returnDate = new Date('2026-01-19T00:00:00Z')
    const followUps = emails.filter((e) => e.stepIndex > 0)
    expect(followUps.length).toBeGreaterThan(0)
    for (const followUp of followUps) expect(followUp.sentAt!.getTime()).toBeGreaterThanOrEqual(returnDate.getTime() - day) // not before the return day
    const classified = events.find((e) => e.name === 'reply:classified' && (e.payload as CamEventPayloads['reply:classified']).leadId === lead2.id)
    expect((classified?.payload as CamEventPayloads['reply:classified']).classification.category).toBe('out_of_office')
  })

  it('moves silent leads to no_reply after the timeout', async () => {
    await runFor(10 * day, 3 * hour)
    const counts = await store.countLeadsByState(main.id)
    expect(counts.no_reply).toBeGreaterThanOrEqual(15)
    expect(counts.interested).toBe(1)
    expect(counts.unsubscribed).toBe(1)
    const silent = await client.getLead(leads.find((l) => l.timezone === null && ![positive.id, unsubscriber.id, away.id].includes(l.id))!.id)
    expect(silent?.state).toBe('no_reply')
    const metrics = await client.getCampaignMetrics(main.id, { windowDays: 30 })
    expect(metrics.lifetime.counts.sent).toBe(sender.sent.filter((s) => s.email.tags.campaignId === main.id).length)
    expect(metrics.lifetime.counts.positive).toBe(1)
    expect(metrics.lifetime.counts.unsubscribed).toBe(1)
    expect(metrics.leads.no_reply).toBe(counts.no_reply)
  })

  it('a bounce spike pauses the campaign and alerts once per channel', async () => {
    await client.startCampaign(spiky.id)
    await runFor(3 * day)
    const sent = sender.sent.filter((s) => s.email.tags.campaignId === spiky.id)
    expect(sent).toHaveLength(60)
    for (const bounced of sent.slice(0, 15)) {
      inbox.deliver(bounceMessage({ recipient: bounced.email.to.email, originalMessageId: bounced.email.messageId, date: clock.now() }))
    }
    await runFor(3 * hour)
    const campaign = await client.getCampaign(spiky.id)
    expect(campaign?.status).toBe('paused')
    expect(campaign?.statusReason).toMatch(/bounce rate 25\.0%/)
    const paused = (channel: typeof slack) => channel.delivered.filter((d) => d.alert.kind === 'campaign_paused' && d.alert.campaignId === spiky.id)
    expect(paused(slack)).toHaveLength(1)
    expect(paused(email)).toHaveLength(1)
    expect(await client.getSuppression(sent[0]!.email.to.email)).not.toBeNull() // hard bounces are suppressed
    const bouncedLeads = await client.listLeads({ campaignId: spiky.id, states: ['bounced'], limit: 100 })
    expect(bouncedLeads).toHaveLength(15)
    expect(errors).toEqual([])
  })
})
