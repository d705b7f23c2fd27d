import { describe, expect, it } from 'vitest'
import { createCamWorker, type CycleReport, type SenderV1 } from '../src/index.js'
import { createMemorySender, type MemoryStore } from '../src/testing/index.js'
import { startOneStepCampaign } from './support/one-step-campaign.js'

const minute = 60_000
const sendStep = (report: CycleReport) => report.steps.find((step) => step.name === 'send')

const statuses = async (store: MemoryStore) => {
  const counts: Record<string, number> = {}
  for (const email of await store.listEmails({})) counts[email.status] = (counts[email.status] ?? 0) + 1
  return counts
}

/** Counts the store's record calls: `groups` holds the size of each `recordEmailsSent` call. */
function spyRecords(store: MemoryStore) {
  const calls = { groups: [] as number[], single: 0 }
  const recordEmailsSent = store.recordEmailsSent!.bind(store)
  const recordEmailSent = store.recordEmailSent.bind(store)
  store.recordEmailsSent = async (inputs) => {
    calls.groups.push(inputs.length)
    return recordEmailsSent(inputs)
  }
  store.recordEmailSent = async (input) => {
    calls.single++
    return recordEmailSent(input)
  }
  return calls
}

const sentCounter = async (store: MemoryStore, campaignId: string) => (await store.getCampaignCounters({ campaignIds: [campaignId], sinceDay: '2026-01-01' }))[0]?.lifetime.sent

describe('send step group commit (idempotent sender, store with recordEmailsSent)', () => {
  it('records the sends in groups of what completed meanwhile, each email once', async () => {
    const { clock, store, campaignId } = await setup(20)
    const calls = spyRecords(store)
    const sender = createMemorySender({ idempotent: true })
    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendBatchSize: 10, sendConcurrency: 4 } })
    const sentEvents: string[] = []
    worker.on('email:sent', (event) => void sentEvents.push(event.emailId))
    const report = await worker.runOnce()
    expect(sendStep(report)).toMatchObject({ status: 'ok', counts: { claimed: 20, sent: 20 } })
    expect(await statuses(store)).toEqual({ sent: 20 })
    expect(calls.single).toBe(0)
    expect(calls.groups.reduce((a, b) => a + b, 0)).toBe(20)
    expect(calls.groups.length).toBeLessThan(20) // grouped: fewer transactions than emails
    expect(new Set(sentEvents).size).toBe(20) // announced once recorded
    expect(await sentCounter(store, campaignId)).toBe(20)
    expect((await store.listLeads({ campaignId })).every((lead) => lead.state === 'completed')).toBe(true)
  })

  it('stops sending when a group fails; its emails stay claimed and go out again under their keys after expiry', async () => {
    const { clock, store, campaignId } = await setup(6)
    store.failNext('recordEmailsSent', 1, new Error('connection lost'))
    const sender = createMemorySender({ idempotent: true })
    const config = { stopOnSignals: false, claimTtlMs: minute, sendBatchSize: 6, sendConcurrency: 2 }
    const crashed = await createCamWorker({ store, sender, clock, config: { ...config, workerId: 'crashed' } }).runOnce()
    expect(sendStep(crashed)?.status).toBe('error')
    expect(sendStep(crashed)?.error).toContain('connection lost')
    const after = await statuses(store)
    // Sent but not recorded: still claimed (like a crash between send and record); not
    // reached: given back to the queue unsent.
    expect(after.sending).toBe(sender.sent.length)
    expect((after.sending ?? 0) + (after.queued ?? 0)).toBe(6)
    expect(await sentCounter(store, campaignId)).toBe(0)
    clock.advance(minute + 1)
    const next = await createCamWorker({ store, sender, clock, config: { ...config, workerId: 'next' } }).runOnce()
    expect(sendStep(next)).toMatchObject({ status: 'ok', counts: { sent: 6 } })
    expect(await statuses(store)).toEqual({ sent: 6 })
    expect(sender.sent).toHaveLength(6) // the provider deduplicated the resends by idempotency key
    expect(await sentCounter(store, campaignId)).toBe(6) // counted once each
  })

  it('leaves emails whose claims were taken over while their record waited to the worker that holds them', async () => {
    const { clock, store, campaignId } = await setup(3)
    const keys: string[] = []
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    let reached: () => void = () => {}
    const hanging = new Promise<void>((resolve) => (reached = resolve))
    const sender: SenderV1 = {
      name: 'held',
      idempotent: true,
      async send(_email, { idempotencyKey }) {
        keys.push(idempotencyKey)
        if (keys.length === 1) {
          reached()
          await released
        }
        return { providerId: `p-${keys.length}` }
      },
    }
    const config = { stopOnSignals: false, claimTtlMs: minute, sendConcurrency: 1 }
    const slowCycle = createCamWorker({ store, sender, clock, config: { ...config, workerId: 'slow' } }).runOnce()
    await hanging
    clock.advance(minute + 1) // the slow worker's claims expire while its first send hangs
    const quick = await createCamWorker({ store, sender, clock, config: { ...config, workerId: 'quick' } }).runOnce()
    expect(sendStep(quick)?.counts.sent).toBe(3)
    release()
    const slow = await slowCycle
    expect(sendStep(slow)).toMatchObject({ status: 'ok', counts: { sent: 0, lost: 3 } })
    expect(await statuses(store)).toEqual({ sent: 3 })
    expect(new Set(keys).size).toBe(3) // every provider call under the email's own key
    expect(await sentCounter(store, campaignId)).toBe(3) // recorded once each
    expect((await store.listEmails({ statuses: ['sent'] })).every((email) => email.sentAt !== null)).toBe(true)
  })

  it('records each email before the next send when the sender is not idempotent', async () => {
    const { clock, store } = await setup(5)
    const calls = spyRecords(store)
    const sender = createMemorySender({ idempotent: false })
    const report = await createCamWorker({ store, sender, clock, config: { stopOnSignals: false, sendConcurrency: 2 } }).runOnce()
    expect(sendStep(report)?.counts.sent).toBe(5)
    expect(calls).toEqual({ groups: [], single: 5 })
  })
})

async function setup(leads: number) {
  const { clock, store, campaignId } = await startOneStepCampaign('Group commit', leads)
  return { clock, store, campaignId }
}
