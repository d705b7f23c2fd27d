import { createServer } from 'node:net'
import type { SendError } from '@cam/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSmtpSender, inDoubtProviderCode, type SmtpSender, type SmtpSenderOptions } from '../src/index.js'
import { sampleEmail } from './support/sample-email.js'
import { sendError } from './support/send-error.js'
import { startSmtpTestServer, type SmtpTestServer, type SmtpTestServerOptions } from './support/smtp-test-server.js'
import { createRecordingLogger } from '@cam/core/testing'

const password = 'correct horse battery'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setUp(serverOptions: SmtpTestServerOptions = {}, senderOptions: Partial<SmtpSenderOptions> = {}): Promise<{ server: SmtpTestServer; sender: SmtpSender }> {
  const server = await startSmtpTestServer({ passwords: { 'ana@acme.example': password }, ...serverOptions })
  cleanups.push(() => server.close())
  const sender = createSmtpSender({
    host: server.host,
    port: server.port,
    requireTls: false,
    auth: { user: 'ana@acme.example', pass: password },
    deferredRetryAfterMs: 120_000,
    ...senderOptions,
  })
  cleanups.push(() => sender.close())
  return { server, sender }
}

const send = (sender: SmtpSender, overrides: Parameters<typeof sampleEmail>[0] = {}) => sender.send(sampleEmail(overrides), { idempotencyKey: 'key' })
const to = (email: string) => ({ to: { email, name: 'Lead' } })

describe('recipient refusals at RCPT TO', () => {
  it('550 5.1.1 (user unknown): permanent, field to, a hard refusal carrying the reply; the connection stays usable', async () => {
    const { server, sender } = await setUp()
    const error = await sendError(send(sender, to('unknown.lee@prospect.example')))
    expect(error.kind).toBe('permanent')
    expect(error.field).toBe('to')
    expect(error.scope).toBe('email')
    expect(error.providerCode).toBe('5.1.1')
    expect(error.refusal).toEqual({
      type: 'hard',
      diagnosticCode: '550 5.1.1 <unknown.lee@prospect.example>: Recipient address rejected: User unknown in virtual mailbox table',
    })
    expect(server.messages).toHaveLength(0)
    await send(sender)
    expect(server.messages).toHaveLength(1)
    expect(server.connectionsOpened).toBe(1) // RSET after the refusal, then the same connection
  })

  it('550 5.7.1 (policy, block list): permanent, a block refusal, about the email not the mailbox', async () => {
    const { server, sender } = await setUp()
    const error = await sendError(send(sender, to('blocked.lee@prospect.example')))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'email', field: 'to', providerCode: '5.7.1' })
    expect(error.refusal).toEqual({ type: 'block', diagnosticCode: '550 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org' })
    expect(server.messages).toHaveLength(0)
  })

  it('451 4.7.1 (greylisting): retryable after deferredRetryAfterMs, no refusal', async () => {
    const { server, sender } = await setUp()
    const error = await sendError(send(sender, to('greylisted.lee@prospect.example')))
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 120_000, providerCode: '4.7.1' })
    expect(error.refusal).toBeUndefined()
    expect(server.messages).toHaveLength(0)
  })
})

describe('refusals of the sender and of the message', () => {
  it('550 to MAIL FROM: permanent with scope mailbox (the mailbox may not send), no refusal', async () => {
    const { server, sender } = await setUp()
    server.failNext('mail-from-550')
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: '5.7.1' })
    expect(error.refusal).toBeUndefined()
  })

  it('421 to MAIL FROM: retryable after deferredRetryAfterMs, then delivered on a new connection', async () => {
    const { server, sender } = await setUp()
    server.failNext('mail-from-421')
    expect(await sendError(send(sender))).toMatchObject({ kind: 'retryable', retryAfterMs: 120_000, providerCode: '4.7.0' })
    await send(sender)
    expect(server.messages).toHaveLength(1)
    expect(server.connectionsOpened).toBe(2)
  })

  it('554 5.7.1 to the message (spam filter): permanent, a block refusal', async () => {
    const { server, sender } = await setUp()
    server.failNext('message-554')
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'email', providerCode: '5.7.1' })
    expect(error.refusal).toEqual({ type: 'block', diagnosticCode: '554 5.7.1 Message rejected as spam by content filter' })
  })

  it('451 to the message: retryable after deferredRetryAfterMs', async () => {
    const { sender, server } = await setUp()
    server.failNext('message-451')
    expect(await sendError(send(sender))).toMatchObject({ kind: 'retryable', retryAfterMs: 120_000 })
  })

  it('a 421 greeting: retryable after deferredRetryAfterMs', async () => {
    const { sender, server } = await setUp()
    server.failNext('greeting-421')
    expect(await sendError(send(sender))).toMatchObject({ kind: 'retryable', retryAfterMs: 120_000, providerCode: '4.3.2' })
    expect(server.messages).toHaveLength(0)
  })
})

describe('authentication', () => {
  it('a wrong password: permanent with scope mailbox (535 5.7.8, not a recipient block); the password is in no message or log line', async () => {
    const logger = createRecordingLogger()
    const wrong = 'wrong-password-4711'
    const { server, sender } = await setUp({}, { auth: { user: 'ana@acme.example', pass: wrong }, logger })
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: '5.7.8' })
    expect(error.refusal).toBeUndefined()
    expect(error.message).toContain('535 5.7.8')
    expect(error.message).not.toContain(wrong)
    expect(logger.text()).not.toContain(wrong)
    expect(logger.entries.some((entry) => entry.level === 'error' && entry.fields?.scope === 'mailbox')).toBe(true)
    expect(server.logins).toEqual([{ method: 'PLAIN', user: 'ana@acme.example', ok: false }])
    // Within authFailurePauseMs the same error comes back without a new login attempt.
    const again = await sendError(send(sender))
    expect(again).toBe(error)
    expect(server.logins).toHaveLength(1)
    expect(server.connectionsOpened).toBe(1)
  })

  it('with authFailurePauseMs: 0 every send tries to log in again', async () => {
    const { server, sender } = await setUp({}, { auth: { user: 'ana@acme.example', pass: 'nope' }, authFailurePauseMs: 0 })
    await sendError(send(sender))
    await sendError(send(sender))
    expect(server.logins).toHaveLength(2)
  })
})

describe('connection failures and the in-doubt window', () => {
  it('nothing listening: retryable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
      })
    })
    const sender = createSmtpSender({ host: '127.0.0.1', port, requireTls: false })
    cleanups.push(() => sender.close())
    const error = await sendError(sender.send(sampleEmail(), { idempotencyKey: 'key' }))
    expect(error.kind).toBe('retryable')
    expect(error.retryAfterMs).toBeUndefined()
  })

  it('the connection dropped while the message was streaming (no final dot): retryable — nothing was delivered', async () => {
    const { server, sender } = await setUp()
    server.failNext('drop-during-message')
    // 24 MB cannot fit in the socket buffers: the server drops the connection long before the
    // client could have written the final dot.
    const large = sampleEmail({ text: `${'All work and no play makes Jack a dull boy. 0123456789\n'.repeat(440_000)}END\n`, html: undefined })
    const error = await sendError(sender.send(large, { idempotencyKey: 'key' }))
    expect(error.kind).toBe('retryable')
    expect(error.providerCode).not.toBe(inDoubtProviderCode)
    expect(server.messages).toHaveLength(0)
    expect(server.unanswered).toHaveLength(0)
  })

  it('the connection dropped after the whole message arrived, before the 250: not retryable (it may have been delivered)', async () => {
    const logger = createRecordingLogger()
    const { server, sender } = await setUp({}, { logger })
    server.failNext('drop-after-message')
    const email = sampleEmail()
    const error: SendError = await sendError(sender.send(email, { idempotencyKey: 'key' }))
    expect(error.kind).toBe('in_doubt')
    expect(error.code).toBe('SEND_IN_DOUBT')
    expect(error.providerCode).toBe(inDoubtProviderCode)
    expect(error.message).toMatch(/may have been delivered/)
    // The server did get the whole message: a retry could have delivered it twice.
    expect(server.unanswered).toHaveLength(1)
    expect(server.unanswered[0]!.raw.toString('utf8')).toContain(email.messageId)
    expect(logger.entries.some((entry) => entry.level === 'error' && /may have been delivered/.test(entry.message))).toBe(true)
    // The sender itself is fine afterwards.
    await send(sender)
    expect(server.messages).toHaveLength(1)
  })

  it('a pooled connection the server closed while idle is replaced transparently', async () => {
    const { server, sender } = await setUp()
    await send(sender)
    server.dropAllConnections()
    await send(sender)
    expect(server.messages).toHaveLength(2)
    expect(server.connectionsOpened).toBe(2)
  })
})
