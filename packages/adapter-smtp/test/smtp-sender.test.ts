import { parseRawMessage } from '@cam/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSender } from '../src/index.js'
import { sampleEmail } from './support/sample-email.js'
import { startSmtpTestServer, type SmtpTestServer, type SmtpTestServerOptions } from './support/smtp-test-server.js'

const opened: Array<{ server: SmtpTestServer; sender?: SmtpSender }> = []
afterEach(async () => {
  for (const { server, sender } of opened.splice(0)) {
    await sender?.close()
    await server.close()
  }
})

async function setUp(serverOptions: SmtpTestServerOptions = {}, senderOptions: Partial<Parameters<typeof createSmtpSender>[0]> = {}) {
  const server = await startSmtpTestServer({ passwords: { 'ana@acme.example': 'correct horse' }, ...serverOptions })
  const sender = createSmtpSender({
    host: server.host,
    port: server.port,
    requireTls: false,
    auth: { user: 'ana@acme.example', pass: 'correct horse' },
    ...senderOptions,
  })
  opened.push({ server, sender })
  return { server, sender }
}

describe('createSmtpSender: the message', () => {
  it('sends our Message-ID, threading headers, custom headers, From with its name, Reply-To, text and HTML', async () => {
    const { server, sender } = await setUp()
    const email = sampleEmail({
      inReplyTo: '<cam-2@acme.example>',
      references: ['<cam-1@acme.example>', '<cam-2@acme.example>'],
      subject: 'Re: Quick question',
      headers: {
        'List-Unsubscribe': '<https://acme.example/unsubscribe?token=v1.abc.def>, <mailto:unsubscribe@acme.example?subject=unsubscribe>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    })
    const result = await sender.send(email, { idempotencyKey: 'email-1' })
    expect(server.messages).toHaveLength(1)
    const [message] = server.messages
    expect(message!.mailFrom.address).toBe('ana@acme.example')
    expect(message!.rcptTo.map((rcpt) => rcpt.address)).toEqual(['lee@prospect.example'])
    expect(message!.user).toBe('ana@acme.example')
    const raw = message!.raw.toString('utf8')
    expect(raw).toMatch(new RegExp(`^Message-ID: ${email.messageId}\\r$`, 'm'))
    expect(raw).toMatch(/^In-Reply-To: <cam-2@acme\.example>\r$/m)
    expect(raw).toMatch(/^References: <cam-1@acme\.example> <cam-2@acme\.example>\r$/m)
    expect(raw).toMatch(/^From: Ana from Acme <ana@acme\.example>\r$/m)
    expect(raw).toMatch(/^Reply-To: replies@acme\.example\r$/m)
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m)
    const parsed = await parseRawMessage(message!.raw)
    expect(parsed.messageId).toBe(email.messageId)
    expect(parsed.headers['list-unsubscribe']).toBe(email.headers['List-Unsubscribe'])
    expect(parsed.subject).toBe('Re: Quick question')
    expect(parsed.text.trim()).toBe(email.text.trim())
    expect(parsed.html).toContain('<p>quick question.</p>')
    // Postfix-style reply "250 2.0.0 Ok: queued as <id>": the queue id is the provider id.
    expect(result).toEqual({ providerId: message!.queueId, messageId: email.messageId })
  })

  it('reports our Message-ID as provider id when the reply names no queue id', async () => {
    const { sender } = await setUp({ queueReply: 'plain' })
    const email = sampleEmail()
    expect(await sender.send(email, { idempotencyKey: 'k' })).toEqual({ providerId: email.messageId, messageId: email.messageId })
  })

  it('keeps header values on one line and display names from adding recipients', async () => {
    const { server, sender } = await setUp()
    await sender.send(
      sampleEmail({
        subject: 'Hello\r\nBcc: attacker@evil.example',
        to: { email: 'lee@prospect.example', name: 'Lee\r\nBcc: attacker@evil.example, "x" <attacker2@evil.example>' },
      }),
      { idempotencyKey: 'k' },
    )
    const [message] = server.messages
    expect(message!.rcptTo.map((rcpt) => rcpt.address)).toEqual(['lee@prospect.example'])
    const raw = message!.raw.toString('utf8')
    expect(raw).not.toMatch(/^Bcc:/im)
    expect(raw).toMatch(/^Subject: Hello Bcc: attacker@evil\.example\r$/m)
    const parsed = await parseRawMessage(message!.raw)
    expect(parsed.to.map((address) => address.address)).toEqual(['lee@prospect.example'])
  })

  it('refuses control characters in addresses and headers before connecting', async () => {
    const { server, sender } = await setUp()
    const cases = [
      { email: sampleEmail({ to: { email: 'lee@prospect.example\r\nRCPT TO:<x@evil.example>' } }), field: 'to' },
      { email: sampleEmail({ from: { email: 'ana@acme.example\u0000' } }), field: 'from' },
      { email: sampleEmail({ replyTo: 'replies@acme.example\n' }), field: 'replyTo' },
      { email: sampleEmail({ headers: { 'X-Note': 'one\r\nBcc: attacker@evil.example' } }), field: 'headers.X-Note' },
      { email: sampleEmail({ headers: { 'Message-ID': '<other@evil.example>' } }), field: 'headers.Message-ID' },
    ]
    for (const { email, field } of cases) {
      const error = await sender.send(email, { idempotencyKey: 'k' }).catch((caught: unknown) => caught)
      expect(error).toMatchObject({ name: 'SendError', kind: 'permanent', field })
    }
    expect(server.connectionsOpened).toBe(0)
  })
})

describe('createSmtpSender: DSN', () => {
  it('asks for failure reports with the headers and our email id where the server offers DSN', async () => {
    const { server, sender } = await setUp({ dsn: true })
    const email = sampleEmail()
    await sender.send(email, { idempotencyKey: 'k' })
    const [message] = server.messages
    expect(message!.dsn).toEqual({ ret: 'HDRS', envid: email.tags.emailId })
    expect(message!.mailFrom.args).toMatchObject({ RET: 'HDRS', ENVID: email.tags.emailId })
    expect(message!.rcptTo[0]!.dsn).toEqual({ notify: ['FAILURE'], orcpt: 'rfc822;lee@prospect.example' })
  })

  it('sends a plain envelope where the server does not offer DSN', async () => {
    const { server, sender } = await setUp({ dsn: false })
    await sender.send(sampleEmail(), { idempotencyKey: 'k' })
    const [message] = server.messages
    expect(message!.mailFrom.args).toBe(false)
    expect(message!.rcptTo[0]!.args).toBe(false)
    expect(message!.dsn).toBeUndefined()
  })

  it('asks for no DSN with dsn: false', async () => {
    const { server, sender } = await setUp({ dsn: true }, { dsn: false })
    await sender.send(sampleEmail(), { idempotencyKey: 'k' })
    expect(server.messages[0]!.mailFrom.args).toBe(false)
  })
})
