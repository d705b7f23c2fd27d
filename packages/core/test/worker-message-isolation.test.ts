import { describe, expect, it } from 'vitest'
import {
  AdapterError,
  createCamWorker,
  createRuleClassifier,
  type CamEventPayloads,
  type ClassifierV1,
  type CycleReport,
} from '../src/index.js'
import { createMemoryAlertChannel, createMemoryInbox, createMemorySender } from '../src/testing/index.js'
import { startOneStepCampaign } from './support/one-step-campaign.js'
import { replyMessage } from './support/raw-messages.js'

const minute = 60_000
const hour = 60 * minute
const processStep = (report: CycleReport) => report.steps.find((step) => step.name === 'process')

/** Three leads emailed once; each replies; the reply containing `POISON` breaks the classifier until `fixed`. */
async function setup() {
  const { clock, store, client, leadEmails } = await startOneStepCampaign('Isolation', 3)
  const inbox = createMemoryInbox()
  const sender = createMemorySender()
  const slack = createMemoryAlertChannel({ name: 'slack' })
  const rules = createRuleClassifier()
  const poison = { fixed: false, calls: 0 }
  // A classifier (say, a model behind an API) that chokes on one message.
  const classifier: ClassifierV1 = {
    name: 'choking',
    async classify(message, context) {
      if (message.text.includes('POISON') && !poison.fixed) {
        poison.calls++
        throw new Error('model refused the input')
      }
      return rules.classify(message, context)
    },
  }
  const failed: Array<CamEventPayloads['message:failed']> = []
  const worker = createCamWorker({ store, inbox, sender, classifier, alerts: [slack], clock, config: { stopOnSignals: false, messageRetryBaseMs: minute, messageRetryMaxMs: hour } })
  worker.on('message:failed', (event) => void failed.push(event))
  await worker.runOnce()
  const replies = sender.sent.map((sent, i) =>
    replyMessage({
      from: leadEmails[i]!,
      subject: 'Re: Hello',
      inReplyTo: sent.email.messageId,
      body: i === 1 ? "Sounds great, let's talk. POISON" : "Yes, I'm interested. Let's book a call.",
      date: clock.now(),
    }),
  )
  for (const raw of replies) inbox.deliver(raw)
  return { clock, store, client, worker, slack, poison, failed }
}

describe('one bad message never stalls or loses the others', () => {
  it('retries a failing message with backoff, quarantines it after maxMessageAttempts, and a human can retry it', async () => {
    const { clock, store, client, worker, slack, poison, failed } = await setup()
    const first = await worker.runOnce()
    expect(processStep(first)).toMatchObject({ status: 'ok', counts: { processed: 2, errors: 1, quarantined: 0 } })
    expect(slack.delivered).toHaveLength(2) // the others were alerted at once
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ failures: 1, quarantined: false })
    expect(failed[0]!.retryAt!.getTime()).toBeGreaterThan(clock.now().getTime())

    // Not retried before its backoff; then four more failures, the last one quarantines.
    await worker.runOnce()
    expect(poison.calls).toBe(1)
    for (let attempt = 2; attempt <= 5; attempt++) {
      clock.advance(hour)
      await worker.runOnce()
      expect(poison.calls).toBe(attempt)
    }
    expect(failed.map((event) => event.failures)).toEqual([1, 2, 3, 4, 5])
    expect(failed.map((event) => event.quarantined)).toEqual([false, false, false, false, true])
    expect(failed[4]!.retryAt).toBeNull()
    const [quarantined] = await client.listQuarantinedMessages()
    expect(quarantined).toMatchObject({ status: 'quarantined', failures: 5, lastError: expect.stringContaining('model refused the input') })

    // Left alone from now on.
    clock.advance(24 * hour)
    await worker.runOnce()
    expect(poison.calls).toBe(5)

    // Fixed and retried by a human: processed and alerted like the others.
    poison.fixed = true
    const retried = await client.retryQuarantinedMessage(quarantined!.id)
    expect(retried).toMatchObject({ status: 'pending', failures: 0 })
    const after = await worker.runOnce()
    expect(processStep(after)?.counts.processed).toBe(1)
    expect((await store.getInboundMessage(quarantined!.id))?.status).toBe('processed')
    expect(slack.delivered).toHaveLength(3)
    expect(await client.listQuarantinedMessages()).toEqual([])
    await expect(client.retryQuarantinedMessage(quarantined!.id)).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('quarantines, without processing it, a message whose processing never finished maxMessageAttempts times (the worker crashed on it)', async () => {
    const { clock, store, worker, poison, failed } = await setup()
    poison.fixed = true
    // Polled and stored, then claimed by workers that died while processing it, five times over.
    await worker.runOnce()
    const [victim] = await store.listInboundMessages({ limit: 1 })
    expect(victim?.status).toBe('processed')
    const stored = await store.saveInboundMessage({ inbox: 'second', sourceKey: 'k1', messageId: null, raw: new TextEncoder().encode('Subject: crash me\r\n\r\nboom\r\n'), truncated: false, receivedAt: clock.now(), cursor: 'k1' })
    for (let crash = 1; crash <= 5; crash++) {
      await store.claimPendingMessages({ now: clock.now(), workerId: `crashed-${crash}`, limit: 10, claimTtlMs: minute })
      clock.advance(minute + 1)
    }
    const report = await worker.runOnce()
    expect(processStep(report)?.counts.quarantined).toBe(1)
    const message = await store.getInboundMessage(stored.id)
    expect(message).toMatchObject({ status: 'quarantined', failures: 5 })
    expect(message?.lastError).toMatch(/did not finish 5 times/)
    expect(failed.at(-1)).toMatchObject({ messageId: stored.id, quarantined: true })
  })

  it('gives the batch back, uncounted, when the store is unavailable (a transient failure is nobody’s fault)', async () => {
    const { store, worker, poison } = await setup()
    poison.fixed = true
    const outage = new AdapterError('STORE_FAILED', 'store', 'recordMessageOutcome', new Error('connection terminated'), { transient: true })
    store.failNext('recordMessageOutcome', 1, outage)
    const first = await worker.runOnce()
    expect(processStep(first)?.status).toBe('error')
    const messages = await store.listInboundMessages({})
    expect(messages.every((message) => message.status === 'pending' && message.failures === 0 && message.claimedBy === null)).toBe(true)
    const second = await worker.runOnce() // right away: nothing waits for a backoff or a claim expiry
    expect(processStep(second)?.counts.processed).toBe(3)
  })
})
