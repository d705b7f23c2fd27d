import { describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, type CycleReport, type Logger } from '../src/index.js'
import { createManualClock, createMemorySender, createMemoryStore } from '../src/testing/index.js'
import { startOneStepCampaign } from './support/one-step-campaign.js'

const day = 86_400_000
const step = (report: CycleReport, name: string) => report.steps.find((s) => s.name === name)

describe('what a cycle tells a human', () => {
  it('says why nothing was sent when the send window is closed, in the step report and the log', async () => {
    // Friday 12:00 in Berlin (06:00 in New York): the leads are added, their first emails due
    // at once in Berlin and at 09:00 in New York…
    const clock = createManualClock(new Date('2026-03-06T11:00:00Z'))
    const store = createMemoryStore({ clock })
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      name: 'Berlin weekdays',
      sender: { email: 'ana@sender.example' },
      steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }],
      schedule: { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' },
    })
    await client.addLeads(campaign.id, [{ email: 'a@prospect.example' }, { email: 'b@prospect.example' }, { email: 'c@prospect.example', timezone: 'America/New_York' }])
    await client.startCampaign(campaign.id)
    const logged: string[] = []
    const logger: Logger = { debug() {}, info: (message) => void logged.push(message), warn() {}, error() {} }
    const sender = createMemorySender()
    const worker = createCamWorker({ store, sender, clock, logger, config: { stopOnSignals: false } })
    // …but no worker ran until Saturday 10:00 in Berlin (04:00 in New York): every window is closed.
    clock.set(new Date('2026-03-07T09:00:00Z'))
    const report = await worker.runOnce()
    expect(sender.sent).toHaveLength(0)
    expect(step(report, 'send')?.counts.deferred).toBe(3)
    expect(step(report, 'send')?.notes).toEqual([
      'campaign "Berlin weekdays": 2 emails outside the send window until Mon 09:00 Europe/Berlin',
      'campaign "Berlin weekdays": 1 email outside the send window until Mon 09:00 America/New_York',
    ])
    expect(logged).toEqual(expect.arrayContaining(step(report, 'send')!.notes!))
  })

  it('runOnce() keeps the leases it took until stop() releases them', async () => {
    const { clock, store } = await startOneStepCampaign('Leases', 1)
    const a = createCamWorker({ store, clock, config: { stopOnSignals: false, workerId: 'a' } })
    const b = createCamWorker({ store, clock, config: { stopOnSignals: false, workerId: 'b' } })
    expect(step(await a.runOnce(), 'metrics')?.status).toBe('ok')
    expect(step(await b.runOnce(), 'metrics')).toMatchObject({ status: 'skipped', reason: 'lease cam:leader is held by another worker' })
    expect(step(await a.runOnce(), 'metrics')?.status).toBe('ok') // renewed
    await a.stop()
    expect(step(await b.runOnce(), 'metrics')?.status).toBe('ok') // released by stop(), not waited for
  })

  it('confirming an in-doubt email as sent counts the reply deadline from when it was sent, like the send step', async () => {
    const { clock, store, client, campaignId } = await startOneStepCampaign('Doubt', 1)
    const [claimed] = (await store.claimDueEmails({ now: clock.now(), workerId: 'gone', limit: 1, claimTtlMs: 60_000, senderIdempotent: false, caps: [{ campaignId, day: '2026-03-02', dailyCap: 10 }] })).claimed
    await store.recordSendAttempt({ emailId: claimed!.email.id, workerId: 'gone', now: clock.now() })
    clock.advance(61_000)
    const [inDoubt] = (await store.claimDueEmails({ now: clock.now(), workerId: 'other', limit: 1, claimTtlMs: 60_000, senderIdempotent: false, caps: [{ campaignId, day: '2026-03-02', dailyCap: 10 }] })).inDoubt
    clock.advance(3 * day) // a human looks at it days later
    const confirmed = await client.resolveInDoubtEmail(inDoubt!.id, 'sent')
    const lead = await store.getLead(claimed!.lead.id)
    const campaign = await store.getCampaign(campaignId)
    expect(confirmed.status).toBe('sent')
    expect(lead?.lastSentAt).toEqual(inDoubt!.updatedAt)
    expect(lead?.replyDeadlineAt).toEqual(new Date(inDoubt!.updatedAt.getTime() + campaign!.noReplyTimeoutDays * day))
  })
})
