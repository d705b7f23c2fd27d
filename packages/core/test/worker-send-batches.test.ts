import { describe, expect, it } from 'vitest'
import { createCamWorker, type CycleReport } from '../src/index.js'
import { createMemorySender } from '../src/testing/index.js'
import { startOneStepCampaign } from './support/one-step-campaign.js'
import { perEmailRecords } from './support/per-email-records.js'

async function setup(leads: number) {
  const { clock, store } = await startOneStepCampaign('Batches', leads)
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

  it('keeps a second claim in flight once the lanes waited for one, within maxSendsPerCycle, each email sent once', async () => {
    const { clock, store, sender } = await setup(30)
    const limits: number[] = []
    let inFlight = 0
    let mostInFlight = 0
    const claimDueEmails = store.claimDueEmails.bind(store)
    // A claim slower than the sends (a busy database, a fast provider).
    store.claimDueEmails = async (input) => {
      limits.push(input.limit)
      mostInFlight = Math.max(mostInFlight, ++inFlight)
      await new Promise((resolve) => setTimeout(resolve, 20))
      try {
        return await claimDueEmails(input)
      } finally {
        inFlight--
      }
    }
    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendBatchSize: 3, sendConcurrency: 2, maxSendsPerCycle: 20 } })
    const report = await worker.runOnce()
    expect(sendStep(report)?.counts).toMatchObject({ claimed: 20, sent: 20 })
    expect(mostInFlight).toBe(2)
    expect(limits.reduce((sum, limit) => sum + limit, 0)).toBe(20) // never asked for more than the run may send
    expect(new Set(sender.sent.map((record) => record.email.to.email)).size).toBe(20)
    expect(await store.listEmails({ statuses: ['queued'] })).toHaveLength(10)
    expect(await store.listEmails({ statuses: ['sending'] })).toHaveLength(0)
  })

  it('gives every batch claimed in advance back, unsent, when the step fails with two claims in flight', async () => {
    const { clock, store: memoryStore, sender } = await setup(30)
    const store = perEmailRecords(memoryStore)
    const claimDueEmails = store.claimDueEmails.bind(store)
    let claims = 0
    store.claimDueEmails = async (input) => {
      claims++
      await new Promise((resolve) => setTimeout(resolve, 20))
      return claimDueEmails(input)
    }
    // The fourth record fails: by then the lanes have waited for a claim and two are in flight.
    const recordEmailSent = store.recordEmailSent.bind(store)
    let records = 0
    store.recordEmailSent = async (input) => {
      if (++records === 4) throw new Error('connection lost')
      return recordEmailSent(input)
    }
    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendBatchSize: 2, sendConcurrency: 1 } })
    const report = await worker.runOnce()
    expect(sendStep(report)?.error).toContain('connection lost')
    expect(claims).toBeGreaterThanOrEqual(4)
    // Three recorded, the fourth sent but not recorded (claimed until it expires); the rest,
    // both batches claimed in advance included, queued again with no attempt counted.
    expect(sender.sent).toHaveLength(4)
    expect(await store.listEmails({ statuses: ['sent'] })).toHaveLength(3)
    expect(await store.listEmails({ statuses: ['sending'] })).toHaveLength(1)
    const queued = await store.listEmails({ statuses: ['queued'] })
    expect(queued).toHaveLength(26)
    expect(queued.every((email) => email.attempts === 0)).toBe(true)
  })

  // Records one by one (a store without recordEmailsSent): with group commit, see worker-send-group-commit.test.ts.
  it('gives a batch claimed in advance back, unsent, when the step fails', async () => {
    const { clock, store: memoryStore, sender } = await setup(6)
    const store = perEmailRecords(memoryStore)
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
