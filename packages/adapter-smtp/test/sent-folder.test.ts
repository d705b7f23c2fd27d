import { ImapFlow } from 'imapflow'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSender, type SmtpSenderOptions } from '../src/index.js'
import { startDovecot, type DovecotServer } from '../../adapter-imap/test/support/dovecot-server.js'
import { sampleEmail } from './support/sample-email.js'
import { startSmtpTestServer, type SmtpTestServer, type SmtpTestServerOptions } from './support/smtp-test-server.js'
import { createRecordingLogger } from '@cam/core/testing'

// One Dovecot for the file, its user `alice`; the password doubles as an XOAUTH2 token (Dovecot
// checks bearer tokens against the passdb like passwords), so a token can be tested end to end.
const token = 'ya29.fresh-token-for-alice'
let dovecot: DovecotServer
beforeAll(async () => {
  dovecot = await startDovecot({ user: 'alice', password: token })
  await withImap(async (client) => {
    await client.mailboxCreate('Sent')
  })
}, 60_000)
afterAll(async () => {
  await dovecot?.dispose()
})

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function withImap<T>(body: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await body(client)
  } finally {
    await client.logout().catch(() => undefined)
  }
}

/** Every message of the Sent folder: its exact bytes and flags. */
async function sentFolder(): Promise<Array<{ source: Buffer; flags: Set<string> }>> {
  return await withImap(async (client) => {
    const lock = await client.getMailboxLock('Sent')
    try {
      const messages: Array<{ source: Buffer; flags: Set<string> }> = []
      if ((client.mailbox && client.mailbox.exists) === 0) return messages
      for await (const message of client.fetch('1:*', { source: true, flags: true })) {
        messages.push({ source: message.source ?? Buffer.alloc(0), flags: message.flags ?? new Set() })
      }
      return messages
    } finally {
      lock.release()
    }
  })
}

async function emptySentFolder(): Promise<void> {
  await withImap(async (client) => {
    const lock = await client.getMailboxLock('Sent')
    try {
      if (client.mailbox && client.mailbox.exists > 0) await client.messageDelete('1:*')
    } finally {
      lock.release()
    }
  })
}

async function setUp(serverOptions: SmtpTestServerOptions, senderOptions: Partial<SmtpSenderOptions>): Promise<{ server: SmtpTestServer; sender: SmtpSender }> {
  await emptySentFolder()
  const server = await startSmtpTestServer(serverOptions)
  cleanups.push(() => server.close())
  const sender = createSmtpSender({ host: server.host, port: server.port, requireTls: false, ...senderOptions })
  cleanups.push(() => sender.close())
  return { server, sender }
}

const imap = () => ({ host: dovecot.host, port: dovecot.port, secure: false, requireTls: false })

describe('sentFolder (IMAP APPEND to a real Dovecot)', () => {
  it('appends the exact bytes that were sent, flagged \\Seen', async () => {
    const { server, sender } = await setUp(
      { passwords: { 'ana@acme.example': 'smtp password' } },
      {
        auth: { user: 'ana@acme.example', pass: 'smtp password' },
        sentFolder: { imap: { ...imap(), auth: { user: dovecot.user, pass: dovecot.password } } },
      },
    )
    const email = sampleEmail({ subject: 'Grüße aus Köln', headers: { 'List-Unsubscribe': '<https://acme.example/u?t=1>' } })
    await sender.send(email, { idempotencyKey: 'key' })
    const copies = await sentFolder()
    expect(copies).toHaveLength(1)
    expect(copies[0]!.source.equals(server.messages[0]!.raw)).toBe(true)
    expect(copies[0]!.source.toString('utf8')).toContain(`Message-ID: ${email.messageId}`)
    expect([...copies[0]!.flags]).toContain('\\Seen')
  })

  it('logs in with the SMTP credentials when it has none of its own — the refreshed OAuth2 token included', async () => {
    let refreshes = 0
    const { server, sender } = await setUp(
      { tokens: { alice: [token] } },
      {
        auth: {
          user: 'alice',
          accessToken: 'ya29.expired-token',
          refreshAccessToken: async () => {
            refreshes++
            return token
          },
        },
        sentFolder: { imap: imap(), mailbox: 'Sent' },
      },
    )
    await sender.send(sampleEmail(), { idempotencyKey: 'key' })
    expect(refreshes).toBe(1)
    const copies = await sentFolder()
    expect(copies).toHaveLength(1)
    expect(copies[0]!.source.equals(server.messages[0]!.raw)).toBe(true)
  })

  it('a failed append is logged as a warning and never fails the send; no secret in the log', async () => {
    const logger = createRecordingLogger()
    const wrongPassword = 'not-the-imap-password-31337'
    const { server, sender } = await setUp(
      {},
      {
        sentFolder: { imap: { ...imap(), auth: { user: dovecot.user, pass: wrongPassword } } },
        logger,
      },
    )
    const email = sampleEmail()
    const result = await sender.send(email, { idempotencyKey: 'key' })
    expect(result.messageId).toBe(email.messageId)
    expect(server.messages).toHaveLength(1)
    expect(await sentFolder()).toHaveLength(0)
    const warning = logger.entries.find((entry) => entry.level === 'warn')
    expect(warning?.message).toMatch(/could not copy the sent email to the Sent folder/)
    expect(warning?.fields).toMatchObject({ emailId: email.tags.emailId, mailbox: 'Sent' })
    expect(logger.text()).not.toContain(wrongPassword)

    // A folder that does not exist: the same.
    const missing = createSmtpSender({
      host: server.host,
      port: server.port,
      requireTls: false,
      sentFolder: { imap: { ...imap(), auth: { user: dovecot.user, pass: dovecot.password } }, mailbox: 'No Such Folder' },
      logger,
    })
    cleanups.push(() => missing.close())
    await missing.send(sampleEmail(), { idempotencyKey: 'key-2' })
    expect(server.messages).toHaveLength(2)
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(2)
  })
})
