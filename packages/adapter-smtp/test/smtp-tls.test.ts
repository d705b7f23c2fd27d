import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSender, type SmtpSenderOptions } from '../src/index.js'
import { createSelfSignedCertificate, type SelfSignedCertificate } from './support/self-signed-certificate.js'
import { sampleEmail } from './support/sample-email.js'
import { sendError } from './support/send-error.js'
import { startSmtpTestServer, type SmtpTestServer, type SmtpTestServerOptions } from './support/smtp-test-server.js'

const user = 'ana@acme.example'
const pass = 'tls test password'
let certificate: SelfSignedCertificate
beforeAll(() => {
  certificate = createSelfSignedCertificate()
})

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setUp(serverOptions: SmtpTestServerOptions, senderOptions: Partial<SmtpSenderOptions> = {}): Promise<{ server: SmtpTestServer; sender: SmtpSender }> {
  const server = await startSmtpTestServer({ passwords: { [user]: pass }, ...serverOptions })
  cleanups.push(() => server.close())
  const sender = createSmtpSender({ host: server.host, port: server.port, auth: { user, pass }, ...senderOptions })
  cleanups.push(() => sender.close())
  return { server, sender }
}

const send = (sender: SmtpSender) => sender.send(sampleEmail(), { idempotencyKey: 'key' })

describe('STARTTLS', () => {
  it('refuses a self-signed certificate by default: permanent, scope mailbox, nothing sent, no password sent', async () => {
    const { server, sender } = await setUp({ tls: certificate })
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: 'tls_certificate_rejected' })
    expect(error.message).toMatch(/certificate/)
    expect(server.logins).toHaveLength(0)
    expect(server.messages).toHaveLength(0)
  })

  it('accepts it when its CA is given, and sends encrypted', async () => {
    const { server, sender } = await setUp({ tls: certificate }, { tls: { ca: certificate.cert } })
    await send(sender)
    expect(server.messages).toHaveLength(1)
    expect(server.messages[0]!.secure).toBe(true)
    expect(server.logins).toEqual([{ method: 'PLAIN', user, ok: true }])
  })

  it('a certificate for another name is refused even with its CA given', async () => {
    const other = createSelfSignedCertificate('mail.other.example', 'DNS:mail.other.example')
    const { server, sender } = await setUp({ tls: other }, { tls: { ca: other.cert } })
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: 'tls_certificate_rejected' })
    expect(error.message).toMatch(/altnames/)
    expect(server.messages).toHaveLength(0)
  })

  it('rejectUnauthorized: false accepts any certificate (explicit opt-out)', async () => {
    const { server, sender } = await setUp({ tls: certificate }, { tls: { rejectUnauthorized: false } })
    await send(sender)
    expect(server.messages[0]!.secure).toBe(true)
  })

  it('a server without STARTTLS: refused by default (no cleartext login), sent in clear only with requireTls: false', async () => {
    const { server, sender } = await setUp({})
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: 'starttls_unavailable' })
    expect(server.logins).toHaveLength(0)

    const relaxed = createSmtpSender({ host: server.host, port: server.port, auth: { user, pass }, requireTls: false })
    cleanups.push(() => relaxed.close())
    await send(relaxed)
    expect(server.messages).toHaveLength(1)
    expect(server.messages[0]!.secure).toBe(false)
  })
})

describe('implicit TLS', () => {
  it('secure: true speaks TLS from the first byte and checks the certificate', async () => {
    const { server, sender } = await setUp({ tls: certificate, secure: true }, { secure: true, tls: { ca: certificate.cert } })
    await send(sender)
    expect(server.messages[0]!.secure).toBe(true)

    const unchecked = createSmtpSender({ host: server.host, port: server.port, secure: true, auth: { user, pass } })
    cleanups.push(() => unchecked.close())
    expect(await sendError(send(unchecked))).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: 'tls_certificate_rejected' })
  })
})
