import { describe, expect, it } from 'vitest'
import { createCamWorker, type CycleReport, type OutgoingEmail, type SenderV1 } from '../src/index.js'
import type { MemoryStore } from '../src/testing/index.js'
import { startOneStepCampaign } from './support/one-step-campaign.js'
import { perEmailRecords } from './support/per-email-records.js'

const minute = 60_000
const sendStep = (report: CycleReport) => report.steps.find((step) => step.name === 'send')

/**
 * A provider whose calls can be held open: `hold(n)` makes the n-th call (1-based) wait
 * until `release(n)`. Records every call.
 */
function heldSender(options: { idempotent: boolean }) {
  const calls: Array<{ email: OutgoingEmail; key: string }> = []
  const gates = new Map<number, { opened: Promise<void>; open: () => void; reached: Promise<void>; arrive: () => void }>()
  const gate = (n: number) => {
    let entry = gates.get(n)
    if (!entry) {
      let open!: () => void
      let arrive!: () => void
      const opened = new Promise<void>((resolve) => (open = resolve))
      const reached = new Promise<void>((resolve) => (arrive = resolve))
      entry = { opened, open, reached, arrive }
      gates.set(n, entry)
    }
    return entry
  }
  const held = new Set<number>()
  const sender: SenderV1 = {
    name: 'held',
    idempotent: options.idempotent,
    async send(email, { idempotencyKey }) {
      calls.push({ email, key: idempotencyKey })
      const n = calls.length
      if (held.has(n)) {
        gate(n).arrive()
        await gate(n).opened
      }
      return { providerId: `p-${n}` }
    },
  }
  return {
    sender,
    calls,
    hold: (n: number) => void held.add(n),
    /** Resolves once the n-th call is being held. */
    reached: (n: number) => gate(n).reached,
    release: (n: number) => gate(n).open(),
  }
}

const setup = (leads: number) => startOneStepCampaign('Claims', leads)

const statuses = async (store: MemoryStore) => {
  const counts: Record<string, number> = {}
  for (const email of await store.listEmails({})) counts[email.status] = (counts[email.status] ?? 0) + 1
  return counts
}

describe('send step claims', () => {
  // Records one by one (a store without recordEmailsSent): the group-commit path is in worker-send-group-commit.test.ts.
  it('leaves an email whose claim another worker took over to that worker, and goes on with the rest', async () => {
    const { clock, store: memoryStore } = await setup(3)
    const store = perEmailRecords(memoryStore)
    const provider = heldSender({ idempotent: true })
    provider.hold(1)
    const config = { stopOnSignals: false, claimTtlMs: minute, sendConcurrency: 1 }
    const slow = createCamWorker({ store, sender: provider.sender, clock, config: { ...config, workerId: 'slow' } })
    const quick = createCamWorker({ store, sender: provider.sender, clock, config: { ...config, workerId: 'quick' } })
    const slowCycle = slow.runOnce()
    await provider.reached(1)
    clock.advance(minute + 1) // the slow worker's claims expire while its first send hangs
    const quickCycle = await quick.runOnce()
    expect(sendStep(quickCycle)?.counts.sent).toBe(3) // re-claimed, re-sent under the same keys
    provider.release(1)
    const report = await slowCycle
    // The recorded conflict is about one email, not a failure of the step.
    expect(sendStep(report)).toMatchObject({ status: 'ok', counts: { sent: 0, lost: 3 } })
    expect(await statuses(store)).toEqual({ sent: 3 })
    expect(new Set(provider.calls.map((call) => call.key)).size).toBe(3)
    expect(provider.calls).toHaveLength(4) // the one in flight went to the provider twice, with one key
  })

  it('reports a failing step only after every send in flight has finished, and gives back what it did not send', async () => {
    const { store: memoryStore, clock } = await setup(6)
    const store = perEmailRecords(memoryStore)
    const provider = heldSender({ idempotent: true })
    provider.hold(2)
    store.failNext('recordEmailSent', 1, new Error('disk full'))
    const worker = createCamWorker({ store, sender: provider.sender, clock, config: { stopOnSignals: false, sendConcurrency: 2, sendBatchSize: 6 } })
    let reported = false
    const cycle = worker.runOnce().then((report) => {
      reported = true
      return report
    })
    await provider.reached(2)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(reported).toBe(false) // lane 1 failed, but lane 2 is still sending
    provider.release(2)
    const report = await cycle
    expect(sendStep(report)?.status).toBe('error')
    expect(sendStep(report)?.error).toContain('disk full')
    // Lane 2 recorded its email; nothing else was sent after the failure; the rest went back to the queue.
    expect(provider.calls).toHaveLength(2)
    expect(await statuses(store)).toEqual({ sending: 1, sent: 1, queued: 4 })
    const writesAfterReport = (await store.listEmails({})).map((email) => `${email.id}:${email.status}:${email.updatedAt.getTime()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await store.listEmails({})).map((email) => `${email.id}:${email.status}:${email.updatedAt.getTime()}`)).toEqual(writesAfterReport)
  })

  it('with a sender that is not idempotent, holds in doubt after a crash only the email that was being sent', async () => {
    const { store, clock } = await setup(10)
    const provider = heldSender({ idempotent: false })
    provider.hold(3)
    const config = { stopOnSignals: false, claimTtlMs: minute, sendConcurrency: 1, sendBatchSize: 5 }
    const crashed = createCamWorker({ store, sender: provider.sender, clock, config: { ...config, workerId: 'crashed' } })
    void crashed.runOnce() // never finishes: the third send hangs forever, like a process that died there
    await provider.reached(3)
    expect(await statuses(store)).toEqual({ sent: 2, sending: 8 }) // the batch and the next one claimed in advance
    clock.advance(minute + 1)
    const inDoubt: string[] = []
    const next = createCamWorker({ store, sender: provider.sender, clock, config: { ...config, workerId: 'next' } })
    next.on('email:in_doubt', (event) => void inDoubt.push(event.emailId))
    await next.runOnce()
    expect(inDoubt).toEqual([provider.calls[2]!.email.tags.emailId])
    expect(await statuses(store)).toEqual({ sent: 9, in_doubt: 1 })
    expect(new Set(provider.calls.map((call) => call.key)).size).toBe(provider.calls.length) // nothing sent twice
  })
})
