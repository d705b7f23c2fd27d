import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, it } from 'vitest'
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
    watchTimeoutMs: 5_000,
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
