import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InboxError } from '@cam/core'
import { createMemoryStore, createRecordingLogger } from '@cam/core/testing'
import { parseImapCursor } from '../src/index.js'
import { startDovecot, type DovecotServer } from './support/dovecot-server.js'
import { ingestIntoStore } from './support/ingest-into-store.js'
import { appendMessages, buildMessage, collect, connectTestClient, createTestInbox, messageIdOf, uniqueMessageId } from './support/test-mail.js'

let server: DovecotServer

beforeEach(async () => {
  server = await startDovecot()
})
afterEach(async () => {
  await server?.dispose()
})

const storedMessageIds = async (store: ReturnType<typeof createMemoryStore>) =>
  (await store.listInboundMessages({ limit: 100_000 })).map((message) => message.messageId)

describe('restart safety against a real Dovecot', () => {
  it('fetches every message appended while the worker was stopped, once, after the restart', async () => {
    const store = createMemoryStore()
    const early = Array.from({ length: 3 }, () => buildMessage({ messageId: uniqueMessageId() }))
    await appendMessages(server, early)

    const firstRun = createTestInbox(server, { name: 'sales-inbox' })
    expect(await ingestIntoStore(firstRun, store)).toEqual({ fetched: 3, stored: 3, duplicates: 0 })
    await firstRun.close() // the worker stops

    const whileStopped = Array.from({ length: 5 }, () => buildMessage({ messageId: uniqueMessageId() }))
    await appendMessages(server, whileStopped)

    const secondRun = createTestInbox(server, { name: 'sales-inbox' }) // a new process: only the stored cursor survives
    expect(await ingestIntoStore(secondRun, store)).toEqual({ fetched: 5, stored: 5, duplicates: 0 })
    expect(await ingestIntoStore(secondRun, store)).toEqual({ fetched: 0, stored: 0, duplicates: 0 })
    await secondRun.close()

    const expected = [...early, ...whileStopped].map((raw) => messageIdOf(Buffer.from(raw)))
    expect((await storedMessageIds(store)).sort()).toEqual([...expected].sort())
  })

  it('resumes without loss or duplicates when the server is killed and restarted in the middle of a fetch', async () => {
    const total = 300
    const raws = Array.from({ length: total }, (_, index) => buildMessage({ messageId: uniqueMessageId(), padToBytes: 2_000 + (index % 7) * 3_000 }))
    server.deliverToMaildir(raws)
    const logger = createRecordingLogger()
    // Reconnect attempts for up to a minute: on a loaded machine the restarted Dovecot may
    // take seconds to accept logins again (the test's defaults give up after ~10 s).
    const inbox = createTestInbox(server, { batchSize: 20, logger, reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxAttemptsPerFetch: 120, authFailurePauseMs: 0 } })
    const store = createMemoryStore()

    let restarted: Promise<void> | undefined
    const result = await ingestIntoStore(inbox, store, {
      onMessage: async (count) => {
        if (count === 50) {
          await server.kill() // a crash: every connection drops without a goodbye
          restarted = new Promise((resolve) => setTimeout(resolve, 400)).then(() => server.start())
        }
      },
    })
    await restarted
    await inbox.close()

    expect(result).toEqual({ fetched: total, stored: total, duplicates: 0 })
    const expected = raws.map((raw) => messageIdOf(Buffer.from(raw)))
    expect((await storedMessageIds(store)).sort()).toEqual([...expected].sort())
    expect(logger.entries.some((entry) => entry.message.includes('reconnecting and resuming'))).toBe(true)
  })

  it('a fetch that gives up during an outage throws a transient InboxError, and the next run resumes from the stored cursor', async () => {
    const raws = Array.from({ length: 120 }, () => buildMessage({ messageId: uniqueMessageId() }))
    server.deliverToMaildir(raws)
    const inbox = createTestInbox(server, { batchSize: 10, reconnect: { maxAttemptsPerFetch: 1, initialDelayMs: 20, maxDelayMs: 40, authFailurePauseMs: 0 } })
    const store = createMemoryStore()

    const failure = await ingestIntoStore(inbox, store, {
      onMessage: async (count) => {
        if (count === 35) await server.kill()
      },
    }).then(
      () => null,
      (error: unknown) => error,
    )
    expect(InboxError.isInstance(failure)).toBe(true)
    expect((failure as InboxError).permanent).toBe(false)
    const storedBefore = (await storedMessageIds(store)).length
    expect(storedBefore).toBeGreaterThanOrEqual(35)
    expect(storedBefore).toBeLessThan(120)

    await server.start()
    const resumed = await ingestIntoStore(inbox, store)
    await inbox.close()
    expect(resumed).toEqual({ fetched: 120 - storedBefore, stored: 120 - storedBefore, duplicates: 0 })
    const expected = raws.map((raw) => messageIdOf(Buffer.from(raw)))
    expect((await storedMessageIds(store)).sort()).toEqual([...expected].sort())
  })

  it('a changed UIDVALIDITY (mailbox recreated) triggers a full resync, and the store absorbs the duplicates', async () => {
    const client = await connectTestClient(server)
    await client.mailboxCreate('Replies')
    const original = Array.from({ length: 5 }, () => buildMessage({ messageId: uniqueMessageId() }))
    await appendMessages(server, original, 'Replies')

    const logger = createRecordingLogger()
    const inbox = createTestInbox(server, { mailboxes: ['Replies'], logger })
    const store = createMemoryStore()
    expect(await ingestIntoStore(inbox, store)).toEqual({ fetched: 5, stored: 5, duplicates: 0 })
    const before = parseImapCursor(await store.getInboxCursor(inbox.name)).mailboxes.Replies!

    // The server loses its UID state: the mailbox is recreated with the same mail plus new mail.
    await client.mailboxDelete('Replies')
    await client.mailboxCreate('Replies')
    await client.logout()
    const fresh = Array.from({ length: 2 }, () => buildMessage({ messageId: uniqueMessageId() }))
    await appendMessages(server, [...original, ...fresh], 'Replies')

    const resync = await ingestIntoStore(inbox, store)
    expect(resync).toEqual({ fetched: 7, stored: 2, duplicates: 5 })
    const after = parseImapCursor(await store.getInboxCursor(inbox.name)).mailboxes.Replies!
    expect(after.uidValidity).not.toBe(before.uidValidity)
    expect(after.lastUid).toBe(7)
    expect(logger.entries.some((entry) => entry.level === 'warn' && entry.message.includes('UIDVALIDITY changed'))).toBe(true)

    expect(await ingestIntoStore(inbox, store)).toEqual({ fetched: 0, stored: 0, duplicates: 0 })
    await inbox.close()
    const expected = [...original, ...fresh].map((raw) => messageIdOf(Buffer.from(raw)))
    expect((await storedMessageIds(store)).sort()).toEqual([...expected].sort())
  })

  it('reads several mailboxes in order and keeps one position per mailbox in the cursor', async () => {
    const client = await connectTestClient(server)
    await client.mailboxCreate('Bounces')
    await client.logout()
    await appendMessages(server, [buildMessage({ subject: 'inbox 1' }), buildMessage({ subject: 'inbox 2' })])
    await appendMessages(server, [buildMessage({ subject: 'bounce 1' })], 'Bounces')

    const inbox = createTestInbox(server, { mailboxes: ['INBOX', 'Bounces'] })
    const first = await collect(inbox.fetch(null))
    expect(first.map((message) => message.sourceKey.split(':')[0])).toEqual(['INBOX', 'INBOX', 'Bounces'])
    const cursor = parseImapCursor(first.at(-1)!.cursor)
    expect(Object.keys(cursor.mailboxes)).toEqual(['INBOX', 'Bounces'])
    expect(cursor.mailboxes.INBOX!.lastUid).toBe(2)
    expect(cursor.mailboxes.Bounces!.lastUid).toBe(1)

    await appendMessages(server, [buildMessage({ subject: 'bounce 2' })], 'Bounces')
    const second = await collect(inbox.fetch(first.at(-1)!.cursor))
    expect(second.map((message) => message.sourceKey.replace(/:\d+:/, ':v:'))).toEqual(['Bounces:v:2'])
    await inbox.close()
  })
})
