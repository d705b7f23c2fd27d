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
