import { describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, type CycleReport } from '../src/index.js'
import { createManualClock, createMemorySender, createMemoryStore } from '../src/testing/index.js'

const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }

async function setup(leads: number) {
  const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
  const store = createMemoryStore({ clock })
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name: 'Batches',
    sender: { email: 'ana@sender.example' },
    steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }],
    schedule: anytime,
    dailyCap: 1000,
    rules: [],
  })
  await client.addLeads(campaign.id, Array.from({ length: leads }, (_, i) => ({ email: `p${i}@prospect.example`, firstName: `P${i}` })))
  await client.startCampaign(campaign.id)
  return { clock, store, sender: createMemorySender({ idempotent: true }) }
}

const sendStep = (report: CycleReport) => report.steps.find((s) => s.name === 'send')

describe('send step batches', () => {
  it('claims the next batch while sending one, and never more than maxSendsPerCycle', async () => {
    const { clock, store, sender } = await setup(7)
    const claims: number[] = []
    const claimDueEmails = store.claimDueEmails.bind(store)
    store.claimDueEmails = async (input) => {
      claims.push(input.limit)
      return claimDueEmails(input)
    }
    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendBatchSize: 2, sendConcurrency: 1, maxSendsPerCycle: 5 } })
    const report = await worker.runOnce()
    expect(sendStep(report)?.counts).toMatchObject({ claimed: 5, sent: 5 })
    expect(claims).toEqual([2, 2, 1])
    expect(sender.sent).toHaveLength(5)
    expect(await store.listEmails({ statuses: ['queued'] })).toHaveLength(2)
    expect(await store.listEmails({ statuses: ['sending'] })).toHaveLength(0)
  })

  it('gives a batch claimed in advance back, unsent, when the step fails', async () => {
    const { clock, store, sender } = await setup(6)
    store.failNext('recordEmailSent', 1, new Error('connection lost'))
    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendBatchSize: 2, sendConcurrency: 1 } })
    const report = await worker.runOnce()
    expect(sendStep(report)?.status).toBe('error')
    expect(sendStep(report)?.error).toContain('connection lost')
    // The first batch: one email went out but was not recorded — it stays claimed
    // (recovered at expiry, like after a crash); the other was not reached and went back to
    // the queue unsent, like the batch claimed in advance.
    expect(sender.sent).toHaveLength(1)
    expect(await store.listEmails({ statuses: ['sending'] })).toHaveLength(1)
    const queued = await store.listEmails({ statuses: ['queued'] })
    expect(queued).toHaveLength(5)
    expect(queued.every((email) => email.attempts === 0)).toBe(true)
    const next = await worker.runOnce()
    expect(sendStep(next)?.counts.sent).toBe(5)
  })
})
