import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSender, type SmtpSenderOptions } from '../src/index.js'
import { sampleEmail } from './support/sample-email.js'
import { createSelfSignedCertificate } from './support/self-signed-certificate.js'
import { startSmtpTestServer, type SmtpTestServer } from './support/smtp-test-server.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setUp(senderOptions: Partial<SmtpSenderOptions> = {}): Promise<{ server: SmtpTestServer; sender: SmtpSender }> {
  const server = await startSmtpTestServer({})
  cleanups.push(() => server.close())
  const sender = createSmtpSender({ host: server.host, port: server.port, requireTls: false, ...senderOptions })
  cleanups.push(() => sender.close())
  return { server, sender }
}

const sendMany = (sender: SmtpSender, count: number) =>
  Promise.all(Array.from({ length: count }, (_, index) => sender.send(sampleEmail({ to: { email: `lead-${index}@prospect.example` } }), { idempotencyKey: `k${index}` })))

/** Waits until `condition` holds (bounded): for effects that follow an event the test cannot await. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25))
  expect(condition()).toBe(true)
}

describe('connection pool', () => {
  it('opens at most maxConnections (default 2) however many sends run at once, and reuses them', async () => {
    const { server, sender } = await setUp()
    await sendMany(sender, 8)
    expect(server.messages).toHaveLength(8)
    expect(server.connectionsOpened).toBe(2)
    expect(server.mostConcurrentConnections).toBe(2)
  })

  it('maxConnections: 1 sends one email at a time over one connection', async () => {
    const { server, sender } = await setUp({ maxConnections: 1 })
    await sendMany(sender, 5)
    expect(server.messages.map((message) => message.rcptTo[0]!.address).sort()).toEqual(
      Array.from({ length: 5 }, (_, index) => `lead-${index}@prospect.example`).sort(),
    )
    expect(server.connectionsOpened).toBe(1)
    expect(server.mostConcurrentConnections).toBe(1)
  })

  it('replaces a connection after maxMessages emails', async () => {
    const { server, sender } = await setUp({ maxConnections: 1, maxMessages: 2 })
    for (let index = 0; index < 5; index++) await sender.send(sampleEmail(), { idempotencyKey: `k${index}` })
    expect(server.connectionsOpened).toBe(3)
  })

  it('pool: false uses one connection per email and quits it', async () => {
    const { server, sender } = await setUp({ pool: false })
    await sendMany(sender, 3)
    expect(server.connectionsOpened).toBe(3)
    await eventually(() => server.openConnections() === 0)
  })

  it('close() ends the idle connections; the sender still works afterwards', async () => {
    const { server, sender } = await setUp()
    await sendMany(sender, 4)
    expect(server.openConnections()).toBe(2)
    await sender.close()
    await eventually(() => server.openConnections() === 0)
    await sender.send(sampleEmail(), { idempotencyKey: 'after-close' })
    expect(server.messages).toHaveLength(5)
  })

  for (const tls of [false, true]) {
    it(`an idle pooled connection does not keep the process alive (${tls ? 'STARTTLS' : 'plain'})`, async () => {
      const certificate = tls ? createSelfSignedCertificate() : undefined
      const server = await startSmtpTestServer(certificate ? { tls: certificate } : {})
      cleanups.push(() => server.close())
      const directory = mkdtempSync(join(tmpdir(), 'cam-smtp-child-'))
      cleanups.push(async () => rmSync(directory, { recursive: true, force: true }))
      const caFile = join(directory, 'ca.pem')
      if (certificate) writeFileSync(caFile, certificate.cert)
      const script = fileURLToPath(new URL('./support/send-and-exit.ts', import.meta.url))
      const child = spawn(process.execPath, ['--import', 'tsx', script, String(server.port), ...(certificate ? [caFile] : [])], { stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])))
      clearTimeout(guard)
      expect({ code, signal, output: output.trim() }).toEqual({ code: 0, signal: null, output: `sent ${server.messages[0]?.queueId}` })
      expect(server.messages[0]!.secure).toBe(tls)
    })
  }
})

describe('abort signal', () => {
  it('a send waiting for a connection is given up when aborted, and never reaches the server', async () => {
    const { server, sender } = await setUp({ maxConnections: 1 })
    const held = server.holdNextAnswer()
    const first = sender.send(sampleEmail({ to: { email: 'first@prospect.example' } }), { idempotencyKey: 'first' })
    await held.arrived
    const controller = new AbortController()
    const second = sender.send(sampleEmail({ to: { email: 'second@prospect.example' } }), { idempotencyKey: 'second', signal: controller.signal })
    controller.abort()
    const error = await second.then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({ name: 'SendError', kind: 'retryable', providerCode: 'aborted' })
    // Aborted while queued for the connection (the message is built by then).
    const later = new AbortController()
    const queued = sender.send(sampleEmail({ to: { email: 'queued@prospect.example' } }), { idempotencyKey: 'queued', signal: later.signal })
    await new Promise((resolve) => setTimeout(resolve, 100))
    later.abort()
    expect(await queued.then(() => undefined, (caught: unknown) => caught)).toMatchObject({ name: 'SendError', kind: 'retryable', providerCode: 'aborted' })
    held.release()
    await first
    expect(server.messages.map((message) => message.rcptTo[0]!.address)).toEqual(['first@prospect.example'])
    // The aborted send gave its turn back: the next one goes through.
    await sender.send(sampleEmail({ to: { email: 'third@prospect.example' } }), { idempotencyKey: 'third' })
    expect(server.messages).toHaveLength(2)
  })

  it('once the whole message is out, an abort waits for the answer instead of leaving the email in doubt', async () => {
    const { server, sender } = await setUp()
    const held = server.holdNextAnswer()
    const controller = new AbortController()
    const sending = sender.send(sampleEmail(), { idempotencyKey: 'key', signal: controller.signal })
    await held.arrived
    controller.abort()
    held.release()
    const result = await sending
    expect(result.providerId).toBe(server.messages[0]!.queueId)
  })
})
