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
