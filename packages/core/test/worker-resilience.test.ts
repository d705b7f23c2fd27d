import { describe, expect, it } from 'vitest'
import { CamError, SendError, createCamClient, createCamWorker, type CamWorker, type CycleReport } from '../src/index.js'
import { createManualClock, createMemoryAlertChannel, createMemoryInbox, createMemorySender, createMemoryStore } from '../src/testing/index.js'
import { replyMessage } from './support/raw-messages.js'

const minute = 60_000
const hour = 60 * minute
const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }

async function setup(options: { leads?: number; idempotent?: boolean } = {}) {
  const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
  const store = createMemoryStore({ clock })
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name: 'Resilience',
    sender: { email: 'ana@sender.example' },
    steps: [
      { subject: 'Hello {{ firstName | default: "there" }}', text: 'Hi', delayDays: 0 },
      { text: 'Follow-up', delayDays: 2 },
    ],
    schedule: anytime,
    dailyCap: 1000,
    rules: [],
  })
  const report = await client.addLeads(campaign.id, Array.from({ length: options.leads ?? 3 }, (_, i) => ({ email: `p${i}@prospect.example`, firstName: `P${i}` })))
  await client.startCampaign(campaign.id)
  return { clock, store, client, campaign, leads: report.addedLeads, sender: createMemorySender({ idempotent: options.idempotent ?? true }) }
}

const step = (report: CycleReport, name: string) => report.steps.find((s) => s.name === name)

describe('worker resilience', () => {
  it('reports a failing step and still runs the later steps', async () => {
    const { clock, store, sender } = await setup()
    const inbox = createMemoryInbox()
    const slack = createMemoryAlertChannel({ name: 'slack' })
    const worker = createCamWorker({ store, inbox, sender, alerts: [slack], clock, config: { stopOnSignals: false } })
    const stepErrors: string[] = []
    worker.on('step:error', (e) => void stepErrors.push(e.step))
    inbox.failNext(1, new Error('IMAP connection reset'))
    const report = await worker.runOnce()
    expect(step(report, 'poll')).toMatchObject({ status: 'error' })
    expect(step(report, 'poll')?.error).toContain('IMAP connection reset')
    expect(stepErrors).toEqual(['poll'])
    for (const name of ['send', 'process', 'timeouts', 'metrics', 'decide', 'alerts']) expect(step(report, name)?.status).toBe('ok')
    expect(step(report, 'send')?.counts.sent).toBe(3)
    const [heartbeat] = await store.listHeartbeats()
    expect(heartbeat?.lastError).toContain('poll')
    expect(heartbeat?.cycles).toBe(1)
    const next = await worker.runOnce()
    expect(step(next, 'poll')?.status).toBe('ok')
    expect((await store.listHeartbeats())[0]?.lastError).toBeNull()
  })

  it('retries a failing alert channel on a later cycle and delivers once', async () => {
    const { clock, store, sender, leads } = await setup({ leads: 1 })
    const inbox = createMemoryInbox()
    const slack = createMemoryAlertChannel({ name: 'slack' })
    const worker = createCamWorker({ store, inbox, sender, alerts: [slack], clock, config: { stopOnSignals: false, alertRetryBaseMs: minute } })
    await worker.runOnce()
    const [first] = sender.sent
    inbox.deliver(replyMessage({ from: leads[0]!.email, subject: 'Re: Hello', inReplyTo: first!.email.messageId, body: "Yes, I'm interested. Let's book a call.", date: clock.now() }))
    slack.setDown(true)
    const failed: number[] = []
    worker.on('alert:failed', (e) => void failed.push(e.attempts))
    await worker.runOnce()
    expect(slack.delivered).toHaveLength(0)
    expect(failed).toEqual([1])
    await worker.runOnce() // not due yet: backoff
    expect(failed).toEqual([1])
    slack.setDown(false)
    clock.advance(2 * minute)
    await worker.runOnce()
    expect(slack.delivered).toHaveLength(1)
    for (let i = 0; i < 5; i++) {
      clock.advance(hour)
      await worker.runOnce()
    }
    expect(slack.delivered).toHaveLength(1)
    expect(slack.attempts).toBe(2)
    const [delivery] = await store.listAlertDeliveries()
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, channel: 'slack' })
  })

  it('runs leader-only steps on one worker; the other takes over once the lease expires', async () => {
    const { clock, store, sender } = await setup()
    const config = { stopOnSignals: false, leaseTtlMs: 5 * minute }
    const a = createCamWorker({ store, sender, inbox: createMemoryInbox(), clock, config: { ...config, workerId: 'a' } })
    const b = createCamWorker({ store, sender, inbox: createMemoryInbox(), clock, config: { ...config, workerId: 'b' } })
    const lost: string[] = []
    a.on('lease:lost', (e) => void lost.push(e.name))
    const leaderSteps = ['poll', 'timeouts', 'metrics', 'decide']
    const ran = (report: CycleReport) => leaderSteps.filter((name) => step(report, name)?.status === 'ok')
    const skipped = (report: CycleReport) => leaderSteps.filter((name) => step(report, name)?.status === 'skipped')
    const ra = await a.runOnce()
    const rb = await b.runOnce()
    expect(ran(ra)).toEqual(leaderSteps)
    expect(skipped(rb)).toEqual(leaderSteps)
    expect(step(rb, 'send')?.status).toBe('ok') // sending runs everywhere
    expect(step(rb, 'alerts')?.status).toBe('ok')
    clock.advance(minute)
    expect(ran(await a.runOnce())).toEqual(leaderSteps) // renewed
    expect(skipped(await b.runOnce())).toEqual(leaderSteps)
    clock.advance(6 * minute) // a stalls past its TTL
    expect(ran(await b.runOnce())).toEqual(leaderSteps)
    const again = await a.runOnce()
    expect(skipped(again)).toEqual(leaderSteps)
    expect(lost).toContain('cam:leader')
    expect(lost).toContain('cam:poll:memory')
    const heartbeats = await store.listHeartbeats()
    // cam:poll-member:… is each polling worker's own membership lease (how the others count it).
    const workLeases = (id: string) => heartbeats.find((h) => h.workerId === id)?.leases.filter((name) => !name.startsWith('cam:poll-member:')).sort()
    expect(workLeases('b')).toEqual(['cam:leader', 'cam:poll:memory'])
    expect(workLeases('a')).toEqual([])
  })

  it('never sends twice across a crash with an idempotent sender, and sets in-doubt emails aside otherwise', async () => {
    for (const idempotent of [true, false]) {
      const { clock, store, client, sender } = await setup({ leads: 2, idempotent })
      const config = { stopOnSignals: false, claimTtlMs: 5 * minute }
      // The "crash": the store goes away between the provider call and the record.
      // (An idempotent sender's records are written in groups: the first group fails, the
      // step stops; otherwise each email's own record fails.)
      if (idempotent) store.failNext('recordEmailsSent', 1, new Error('connection terminated'))
      else store.failNext('recordEmailSent', 2, new Error('connection terminated'))
      const crashed = createCamWorker({ store, sender, clock, config: { ...config, workerId: 'crashed' } })
      const report = await crashed.runOnce()
      expect(step(report, 'send')?.status).toBe('error')
      const providerCalls = sender.sent.length
      expect(providerCalls).toBeGreaterThanOrEqual(1)
      clock.advance(10 * minute)
      const inDoubt: string[] = []
      const survivor = createCamWorker({ store, sender, clock, config: { ...config, workerId: 'survivor' } })
      survivor.on('email:in_doubt', (e) => void inDoubt.push(e.emailId))
      await survivor.runOnce()
      const emails = await store.listEmails({ statuses: ['sent', 'in_doubt', 'queued', 'sending'] })
      const firstSteps = emails.filter((e) => e.stepIndex === 0)
      if (idempotent) {
        expect(firstSteps.every((e) => e.status === 'sent')).toBe(true)
        expect(sender.sent).toHaveLength(2) // the provider deduplicated the retry by idempotency key
        expect(inDoubt).toEqual([])
      } else {
        expect(inDoubt.length).toBeGreaterThanOrEqual(1)
        expect((await client.listInDoubtEmails()).map((e) => e.id).sort()).toEqual([...inDoubt].sort())
        expect(sender.sent.length).toBe(2) // nothing resent
        const resolved = await client.resolveInDoubtEmail(inDoubt[0]!, 'sent')
        expect(resolved.status).toBe('sent')
        const lead = await client.getLead(resolved.leadId)
        expect(lead?.nextStepIndex).toBe(1)
        expect((await client.listLeadEmails(resolved.leadId)).some((e) => e.stepIndex === 1 && e.status === 'queued')).toBe(true)
      }
    }
  })

  it('retries retryable send errors with backoff, honours retry-after, and gives up on permanent ones', async () => {
    const { clock, store, sender, leads } = await setup({ leads: 3 })
    sender.failNext(1, SendError.retryable('429 rate limited', { retryAfterMs: 10 * minute }))
    sender.rejectAddress(leads[2]!.email)
    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendConcurrency: 1 } })
    const failures: Array<{ permanent: boolean }> = []
    worker.on('email:failed', (e) => void failures.push({ permanent: e.permanent }))
    const first = await worker.runOnce()
    // The rate limit pauses the rest of the batch instead of hammering the provider.
    expect(step(first, 'send')?.counts).toMatchObject({ sent: 0, retried: 1 })
    expect(sender.calls).toBe(1)
    clock.advance(5 * minute)
    expect(step(await worker.runOnce(), 'send')?.counts.sent).toBe(0)
    clock.advance(6 * minute)
    const third = await worker.runOnce()
    expect(step(third, 'send')?.counts).toMatchObject({ sent: 2, failed: 1 })
    expect(failures).toEqual([{ permanent: false }, { permanent: true }])
    expect((await store.getLead(leads[2]!.id))?.state).toBe('failed')
  })

  it('contains throwing listeners and hooks; hooks can veto, alter and override', async () => {
    const { clock, store, sender, leads } = await setup({ leads: 3 })
    const inbox = createMemoryInbox()
    const hookErrors: string[] = []
    const listenerErrors: string[] = []
    const worker: CamWorker = createCamWorker({
      store,
      inbox,
      sender,
      clock,
      config: { stopOnSignals: false },
      hooks: {
        beforeSend: ({ email, lead }) => {
          if (lead.emailNormalized === leads[0]!.emailNormalized) return { veto: 'on the do-not-contact list' }
          if (lead.emailNormalized === leads[1]!.emailNormalized) return { email: { ...email, subject: `${email.subject} [altered]` } }
          throw new Error('hook bug')
        },
        classification: ({ classification }) => ({ ...classification, category: 'negative', reason: 'host override' }),
        steps: (defaults) => [...defaults.filter((s) => s.name !== 'timeouts'), { name: 'crm-export', run: async () => ({ exported: 7 }) }],
      },
    })
    worker.on('hook:error', (e) => void hookErrors.push(e.hook))
    worker.on('listener:error', (e) => void listenerErrors.push(e.event))
    worker.on('email:sent', () => {
      throw new Error('listener bug')
    })
    expect(worker.steps).toEqual(['send', 'poll', 'process', 'metrics', 'decide', 'alerts', 'webhooks', 'crm-export'])
    const report = await worker.runOnce()
    expect(step(report, 'crm-export')?.counts).toEqual({ exported: 7 })
    expect(sender.sent.map((s) => s.email.subject)).toEqual(['Hello P1 [altered]'])
    expect(hookErrors).toEqual(['beforeSend'])
    expect(listenerErrors).toEqual(['email:sent'])
    expect((await store.getLead(leads[0]!.id))?.state).toBe('failed')
    expect((await store.listEmails({ leadId: leads[2]!.id }))[0]?.status).toBe('queued') // retried later
    inbox.deliver(replyMessage({ from: leads[1]!.email, subject: 'Re: Hello', body: 'Yes please, call me tomorrow!', date: clock.now() }))
    await worker.runOnce()
    expect((await store.getLead(leads[1]!.id))?.state).toBe('not_interested')
  })

  it('re-decides when the lead changed between reading and writing (another worker got there first)', async () => {
    const { clock, store, sender, leads } = await setup({ leads: 1 })
    const inbox = createMemoryInbox()
    let interfered = false
    const worker = createCamWorker({
      store,
      inbox,
      sender,
      clock,
      config: { stopOnSignals: false },
      hooks: {
        // Simulates another worker processing an earlier "not interested" from the same lead
        // right after this worker read the lead.
        classification: async ({ lead }) => {
          if (!interfered && lead) {
            interfered = true
            await store.transitionLead({ leadId: lead.id, from: lead.state, to: 'not_interested', reason: 'earlier reply', now: clock.now() })
          }
        },
      },
    })
    await worker.runOnce()
    inbox.deliver(replyMessage({ from: leads[0]!.email, subject: 'Re: Hello', inReplyTo: sender.sent[0]!.email.messageId, body: 'Actually, yes — I am interested, let us talk next week.', date: clock.now() }))
    const transitions: Array<{ from: string; to: string }> = []
    worker.on('lead:transitioned', (e) => void transitions.push({ from: e.from, to: e.to }))
    const report = await worker.runOnce()
    expect(step(report, 'process')?.counts).toMatchObject({ processed: 1, errors: 0 })
    expect(transitions).toEqual([{ from: 'not_interested', to: 'interested' }])
    expect((await store.getLead(leads[0]!.id))?.state).toBe('interested')
    expect(await store.listInboundMessages({ status: 'pending' })).toEqual([])
  })

  it('validates its options and lists every problem', () => {
    const store = createMemoryStore()
    try {
      createCamWorker({
        store,
        alerts: [createMemoryAlertChannel({ name: 'x' }), createMemoryAlertChannel({ name: 'x' })],
        config: { intervalMs: -1, sendBatchSize: 0 },
      })
      expect.unreachable()
    } catch (error) {
      expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
      const message = String((error as Error).message)
      expect(message).toContain('alerts.1.name')
      expect(message).toContain('config.intervalMs')
      expect(message).toContain('config.sendBatchSize')
    }
  })

  it('start() runs cycles until stop(), wakes on new mail, and releases its leases', async () => {
    const { store, sender } = await setup({ leads: 1 })
    const inbox = createMemoryInbox()
    const worker = createCamWorker({ store, inbox, sender, config: { stopOnSignals: false, intervalMs: 60 * 60_000 } })
    const cycles: number[] = []
    const received: string[] = []
    worker.on('cycle:end', (e) => void cycles.push(e.cycle))
    worker.on('message:received', (e) => void received.push(e.messageId))
    const running = worker.start()
    await expect.poll(() => cycles.length, { timeout: 60_000 }).toBe(1)
    expect(worker.running).toBe(true)
    await expect(worker.start()).rejects.toThrow(/already running/)
    inbox.deliver(replyMessage({ from: 'someone@else.example', subject: 'hi', body: 'hello' }))
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(1) // woken by watch(), not the 1-hour interval
    await worker.stop()
    await running
    expect(worker.running).toBe(false)
    expect((await worker.runOnce()).steps.length).toBe(8) // a stopped worker can still run single cycles
    await worker.stop()
    const other = createCamWorker({ store, sender, inbox, config: { stopOnSignals: false, workerId: 'other' } })
    const report = await other.runOnce()
    expect(step(report, 'poll')?.status).toBe('ok') // the stopped worker released its lease
  })
})
