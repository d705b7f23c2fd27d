import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeInboxConformance } from '@cam/core/testing'
import { startDovecot, type DovecotServer } from './support/dovecot-server.js'
import { connectTestClient, createTestInbox, readFlags } from './support/test-mail.js'

let server: DovecotServer

beforeAll(async () => {
  server = await startDovecot()
})
afterAll(async () => {
  await server?.dispose()
})

describeInboxConformance(
  { describe, it },
  {
    name: 'imap (dovecot)',
    watchTimeoutMs: 20_000, // a loaded machine may take seconds; the 30 s poll is still further away
    create: async () => {
      // A fresh mailbox per test on one server: cheap, and isolated.
      const mailbox = `conformance-${randomUUID().slice(0, 8)}`
      const client = await connectTestClient(server)
      await client.mailboxCreate(mailbox)
      // Small batches so multi-batch paths run even on a handful of messages.
      const inbox = createTestInbox(server, { mailboxes: [mailbox], name: `conformance:${mailbox}`, batchSize: 2 })
      return {
        inbox,
        deliver: async (raw) => {
          await client.append(mailbox, raw)
        },
        flags: () => readFlags(server, mailbox),
        close: async () => {
          await client.mailboxDelete(mailbox).catch(() => undefined)
          await client.logout().catch(() => client.close())
        },
      }
    },
  },
)

describe('markSeen', () => {
  it('is off by default (mailboxes are opened read-only); when on, marks a message once the consumer asked for the next one', async () => {
    const { appendMessages, buildMessage, collect } = await import('./support/test-mail.js')
    const mailbox = `seen-${randomUUID().slice(0, 8)}`
    const client = await connectTestClient(server)
    await client.mailboxCreate(mailbox)
    await client.logout()
    await appendMessages(server, [buildMessage(), buildMessage(), buildMessage()], mailbox)

    const readOnly = createTestInbox(server, { mailboxes: [mailbox] })
    await collect(readOnly.fetch(null))
    await readOnly.close()
    expect(await readFlags(server, mailbox)).toEqual([[], [], []])

    const marking = createTestInbox(server, { mailboxes: [mailbox], markSeen: true })
    let taken = 0
    for await (const message of marking.fetch(null)) {
      expect(message.raw.byteLength).toBeGreaterThan(0)
      if (++taken === 2) break // asked for a second message (so the first is done), then stopped
    }
    // The second may not have been stored by the consumer: it stays unseen.
    expect(await readFlags(server, mailbox)).toEqual([['\\Seen'], [], []])
    await collect(marking.fetch(null))
    expect(await readFlags(server, mailbox)).toEqual([['\\Seen'], ['\\Seen'], ['\\Seen']])
    await marking.close()
  })
})
