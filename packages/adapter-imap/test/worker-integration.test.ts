/**
 * The IMAP inbox inside the real CAM worker (`createCamWorker` + memory store) against a real
 * Dovecot: what the guarantees look like from the host's side (`message:received`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, type CamWorker } from '@cam/core'
import { createMemoryAlertChannel, createMemorySender, createMemoryStore, type MemoryStore } from '@cam/core/testing'
import type { ImapInbox } from '../src/index.js'
import { startDovecot, type DovecotServer } from './support/dovecot-server.js'
import { appendMessages, buildMessage, connectTestClient, createTestInbox, uniqueMessageId, waitUntil } from './support/test-mail.js'

let server: DovecotServer
const cleanups: Array<() => Promise<void>> = []

beforeEach(async () => {
  server = await startDovecot()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await server?.dispose()
})

interface RunningWorker {
  worker: CamWorker
  inbox: ImapInbox
  /** Header Message-IDs of every `message:received`, in order. */
  received: Array<string | null>
  cycles: number
  stop(): Promise<void>
}

/** Starts a worker on `store` with a fresh inbox (a fresh process, as far as the inbox knows). */
async function startWorker(store: MemoryStore, inboxOptions: Parameters<typeof createTestInbox>[1] = {}): Promise<RunningWorker> {
  const inbox = createTestInbox(server, { name: 'sales-inbox', ...inboxOptions })
  // intervalMs of a minute: within a test, only IDLE (or the first cycle) can trigger a poll.
  const worker = createCamWorker({ store, inbox, config: { intervalMs: 60_000, stopOnSignals: false } })
  const state: RunningWorker = {
    worker,
    inbox,
    received: [],
    cycles: 0,
    stop: async () => {
      await worker.stop()
      await done
      await inbox.close()
    },
  }
  worker.on('message:received', (event) => {
    state.received.push(event.headerMessageId)
  })
  worker.on('cycle:end', () => void state.cycles++)
  const done = worker.start()
  cleanups.push(() => state.stop())
  await waitUntil(() => state.cycles >= 1, 10_000, 'the first cycle')
  return state
}

describe('the IMAP inbox in the CAM worker', () => {
  it('messages appended while the worker is stopped are all received once after the restart', async () => {
    const store = createMemoryStore()
    const early = [uniqueMessageId(), uniqueMessageId()]
    await appendMessages(server, early.map((messageId) => buildMessage({ messageId })))

    const first = await startWorker(store)
    expect(first.received).toEqual(early)
    await first.stop()

    const whileStopped = [uniqueMessageId(), uniqueMessageId(), uniqueMessageId()]
    await appendMessages(server, whileStopped.map((messageId) => buildMessage({ messageId })))

    const second = await startWorker(store)
    expect(second.received).toEqual(whileStopped)
    await second.stop()
    expect((await store.listInboundMessages({ limit: 100 })).map((message) => message.messageId).sort()).toEqual([...early, ...whileStopped].sort())
  })

  it('a reply appended while the worker is idle reaches message:received through IDLE, long before the next timed cycle', async () => {
    const store = createMemoryStore()
    // The inbox's own keepalive and poll are 10 minutes away, the worker's next cycle 1 minute:
    // within 30 s only a pushed IDLE notification can wake the worker, however slow the machine.
    const running = await startWorker(store, { watch: { keepaliveIntervalMs: 600_000, pollIntervalMs: 600_000 } })
    expect(running.received).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 300)) // idle

    const reply = uniqueMessageId()
    await appendMessages(server, [buildMessage({ messageId: reply, inReplyTo: '<cam-original@cam.example>' })])
    await waitUntil(() => running.received.length > 0, 30_000, 'message:received after IDLE')
    expect(running.received).toEqual([reply])
  })

  it('a UIDVALIDITY change makes the worker resync without receiving any message twice', async () => {
    const client = await connectTestClient(server)
    await client.mailboxCreate('Replies')
    const original = [uniqueMessageId(), uniqueMessageId(), uniqueMessageId()]
    await appendMessages(server, original.map((messageId) => buildMessage({ messageId })), 'Replies')

    const store = createMemoryStore()
    const first = await startWorker(store, { mailboxes: ['Replies'] })
    expect(first.received).toEqual(original)
    await first.stop()

    await client.mailboxDelete('Replies')
    await client.mailboxCreate('Replies')
    await client.logout()
    const fresh = uniqueMessageId()
    await appendMessages(server, [...original, fresh].map((messageId) => buildMessage({ messageId })), 'Replies')

    const second = await startWorker(store, { mailboxes: ['Replies'] })
    expect(second.received).toEqual([fresh])
    await second.stop()
    expect(await store.listInboundMessages({ limit: 100 })).toHaveLength(4)
  })

  it('a reply without a Message-ID read again after a UIDVALIDITY change is stored and alerted once', async () => {
    const store = createMemoryStore()
    const client = createCamClient({ store })
    const campaign = await client.createCampaign({
      name: 'No Message-ID',
      sender: { email: 'sales@example.com' },
      steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    await client.addLeads(campaign.id, [{ email: 'lead@example.org', firstName: 'Lead' }])
    await client.startCampaign(campaign.id)
    const sender = createMemorySender()
    const slack = createMemoryAlertChannel({ name: 'slack' })
    // Some mail clients and gateways send replies without a Message-ID.
    const reply = ['From: Lead Person <lead@example.org>', 'To: sales@example.com', 'Subject: Re: Hello', `Date: ${new Date().toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', "Yes, I'm interested. Let's book a call.", ''].join('\r\n')
    const admin = await connectTestClient(server)
    await admin.mailboxCreate('Replies')
    await appendMessages(server, [reply], 'Replies')
    const runCycles = async () => {
      const inbox = createTestInbox(server, { name: 'sales-inbox', mailboxes: ['Replies'] })
      const worker = createCamWorker({ store, inbox, sender, alerts: [slack], config: { stopOnSignals: false } })
      await worker.runOnce()
      await worker.runOnce()
      await inbox.close()
    }
    await runCycles()
    expect(slack.delivered).toHaveLength(1)

    // The mailbox is rebuilt: the same message comes back under a new UIDVALIDITY.
    await admin.mailboxDelete('Replies')
    await admin.mailboxCreate('Replies')
    await admin.logout()
    await appendMessages(server, [reply], 'Replies')
    await runCycles()
    const stored = await store.listInboundMessages({ limit: 100 })
    expect(stored).toHaveLength(1)
    expect(stored[0]?.messageId).toBeNull()
    expect(slack.delivered).toHaveLength(1)
  })
})
