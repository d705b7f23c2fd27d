import { afterEach, describe, expect, it } from 'vitest'
import { InboxError, type InboxWatch } from '@cam/core'
import { startDovecot, type DovecotServer } from './support/dovecot-server.js'
import { appendMessages, buildMessage, collect, connectTestClient, createTestInbox, waitUntil } from './support/test-mail.js'
import { createRecordingLogger } from '@cam/core/testing'

const servers: DovecotServer[] = []
const watches: InboxWatch[] = []
afterEach(async () => {
  await Promise.all(watches.splice(0).map((watch) => watch.stop()))
  await Promise.all(servers.splice(0).map((server) => server.dispose()))
})

async function server(options?: Parameters<typeof startDovecot>[0]): Promise<DovecotServer> {
  const started = await startDovecot(options)
  servers.push(started)
  return started
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('watch() against a real Dovecot', () => {
  it('sees a reply appended while the worker is idle through IDLE (pushed, not polled)', async () => {
    const dovecot = await server()
    // Keepalive and poll every 10 minutes: within this test only a pushed IDLE notification
    // can announce the mail, however slow the machine. (How fast a push arrives is a
    // benchmark's business, not a test's.)
    const inbox = createTestInbox(dovecot, { watch: { keepaliveIntervalMs: 600_000, pollIntervalMs: 600_000 } })
    const notices: number[] = []
    watches.push(await inbox.watch({ onNewMail: () => notices.push(Date.now()) }))
    await sleep(300) // the worker sits idle

    for (const round of [1, 2]) {
      const before = notices.length
      await appendMessages(dovecot, [buildMessage({ subject: `reply ${round}` })])
      await waitUntil(() => notices.length > before, 60_000, `IDLE notice for reply ${round}`)
    }
    expect(await collect(inbox.fetch(null))).toHaveLength(2)
    await inbox.close()
  })

  it('detects a silently dead connection (frozen server) with the watchdog and reconnects', async () => {
    const dovecot = await server()
    const logger = createRecordingLogger()
    const inbox = createTestInbox(dovecot, {
      logger,
      commandTimeoutMs: 400,
      greetingTimeoutMs: 1_000,
      watch: { keepaliveIntervalMs: 200, pollIntervalMs: 30_000 },
    })
    let notices = 0
    const errors: unknown[] = []
    watches.push(await inbox.watch({ onNewMail: () => void notices++, onError: (error) => void errors.push(error) }))

    dovecot.pause() // sockets stay open, nothing answers: the NOOP goes unanswered
    await waitUntil(() => errors.length > 0, 5_000, 'the watchdog to report the dead connection')
    const first = errors[0]
    expect(InboxError.isInstance(first)).toBe(true)
    expect((first as InboxError).permanent).toBe(false)
    expect((first as InboxError).message).toMatch(/NOOP got no answer/)

    dovecot.resume()
    await waitUntil(() => logger.entries.some((entry) => entry.message === 'IMAP watch reconnected'), 10_000, 'the reconnect')
    const afterReconnect = notices
    expect(afterReconnect).toBeGreaterThan(0) // a reconnect always asks for a fetch: mail may have come meanwhile
    await appendMessages(dovecot, [buildMessage()])
    await waitUntil(() => notices > afterReconnect, 20_000, 'a notice on the new connection')
    await inbox.close()
  })

  it('reconnects after the server is killed and restarted, and keeps reporting new mail', async () => {
    const dovecot = await server()
    const logger = createRecordingLogger()
    const inbox = createTestInbox(dovecot, { logger })
    let notices = 0
    const errors: unknown[] = []
    watches.push(await inbox.watch({ onNewMail: () => void notices++, onError: (error) => void errors.push(error) }))

    await dovecot.kill()
    await waitUntil(() => errors.length > 0, 5_000, 'the lost connection to be reported')
    expect(InboxError.isInstance(errors[0])).toBe(true)
    expect((errors[0] as InboxError).permanent).toBe(false)

    await dovecot.start()
    await waitUntil(() => logger.entries.some((entry) => entry.message === 'IMAP watch reconnected'), 10_000, 'the reconnect')
    const afterReconnect = notices
    await appendMessages(dovecot, [buildMessage()])
    await waitUntil(() => notices > afterReconnect, 20_000, 'a notice after the restart')
    await inbox.close()
  })

  it('polls servers that do not offer IDLE', async () => {
    const dovecot = await server({ capabilities: 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS' })
    const probe = await connectTestClient(dovecot)
    expect(probe.capabilities.has('IDLE')).toBe(false) // the server really hides IDLE
    await probe.logout()
    const inbox = createTestInbox(dovecot, { watch: { keepaliveIntervalMs: 120_000, pollIntervalMs: 250 } })
    let notices = 0
    watches.push(await inbox.watch({ onNewMail: () => void notices++ }))
    await appendMessages(dovecot, [buildMessage()])
    await waitUntil(() => notices > 0, 5_000, 'a polled notice')
    expect(await collect(inbox.fetch(null))).toHaveLength(1)
    await inbox.close()
  })

  it('watches every configured mailbox', async () => {
    const dovecot = await server()
    const client = await connectTestClient(dovecot)
    await client.mailboxCreate('Bounces')
    await client.logout()
    const inbox = createTestInbox(dovecot, { mailboxes: ['INBOX', 'Bounces'] })
    let notices = 0
    watches.push(await inbox.watch({ onNewMail: () => void notices++ }))
    await sleep(200)
    await appendMessages(dovecot, [buildMessage({ subject: 'bounce' })], 'Bounces')
    await waitUntil(() => notices > 0, 20_000, 'a notice for the second mailbox') // IDLE: the poll is 30 s away
    await inbox.close()
  })

  it('close() stops every watcher', async () => {
    const dovecot = await server()
    const inbox = createTestInbox(dovecot)
    let notices = 0
    await inbox.watch({ onNewMail: () => void notices++ })
    await inbox.close()
    await appendMessages(dovecot, [buildMessage()])
    await sleep(500)
    expect(notices).toBe(0)
  })
})
