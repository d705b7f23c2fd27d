import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDovecot, type DovecotServer } from './support/dovecot-server.js'
import { appendMessages, buildMessage, collect, connectTestClient, createTestInbox, messageIdOf, uniqueMessageId } from './support/test-mail.js'

let server: DovecotServer

beforeAll(async () => {
  server = await startDovecot()
})
afterAll(async () => {
  await server?.dispose()
})

async function createMailbox(name: string): Promise<void> {
  const client = await connectTestClient(server)
  await client.mailboxCreate(name)
  await client.logout()
}

// A full garbage collection before each sample, so the test measures what is *retained*
// (lazily collected garbage would make the numbers depend on V8's mood).
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

/** Heap plus Buffer memory still reachable after a full collection. */
const retainedMemory = () => {
  collectGarbage()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

describe('large mailboxes against a real Dovecot', () => {
  it('ingests a 5,000-message mailbox once, in order, with bounded memory', async () => {
    await createMailbox('Big')
    const sizes = [2_000, 8_000, 20_000, 45_000, 90_000] // mixed sizes, ~33 KB on average
    const messageIds: string[] = []
    const raws = function* () {
      for (let index = 0; index < 5_000; index++) {
        const messageId = uniqueMessageId()
        messageIds.push(messageId)
        yield buildMessage({ messageId, padToBytes: sizes[index % sizes.length]! })
      }
    }
    server.deliverToMaildir(raws(), 'Big')
    const mailboxBytes = 5_000 * 33_000

    const inbox = createTestInbox(server, { mailboxes: ['Big'] })
    const baseline = retainedMemory()
    let peak = 0
    let count = 0
    let lastUid = 0
    const seen = new Set<string>()
    for await (const message of inbox.fetch(null)) {
      // The consumer keeps nothing but the Message-ID: whatever memory grows is the adapter's.
      const uid = Number(message.sourceKey.split(':').at(-1))
      expect(uid).toBeGreaterThan(lastUid)
      lastUid = uid
      seen.add(messageIdOf(message.raw)!)
      count++
      if (count % 250 === 0) peak = Math.max(peak, retainedMemory() - baseline)
    }
    await inbox.close()

    expect(count).toBe(5_000)
    expect(seen).toEqual(new Set(messageIds))
    // Holding the mailbox (~165 MB) — or a large part of it — would blow this bound; batches
    // of at most 8 MB (plus imapflow's parse buffers) do not.
    expect(mailboxBytes).toBeGreaterThan(150 * 1024 * 1024)
    expect(peak).toBeLessThan(64 * 1024 * 1024)
  }, 180_000)

  it('yields only the headers of a message above maxMessageBytes, marked truncated, and goes on', async () => {
    await createMailbox('Oversized')
    const hugeId = uniqueMessageId()
    const raws = [
      buildMessage({ subject: 'small before' }),
      buildMessage({ messageId: hugeId, subject: 'huge attachment', padToBytes: 3 * 1024 * 1024 }),
      buildMessage({ subject: 'small after' }),
    ]
    await appendMessages(server, raws, 'Oversized')
    const inbox = createTestInbox(server, { mailboxes: ['Oversized'], maxMessageBytes: 1024 * 1024 })
    const messages = await collect(inbox.fetch(null))
    await inbox.close()

    expect(messages).toHaveLength(3)
    expect(messages.map((message) => message.truncated ?? false)).toEqual([false, true, false])
    const huge = messages[1]!
    const headerBlock = raws[1]!.slice(0, raws[1]!.indexOf('\r\n\r\n') + 4)
    expect(Buffer.from(huge.raw).toString('utf8')).toBe(headerBlock)
    expect(messageIdOf(huge.raw)).toBe(hugeId)
    expect(Buffer.from(messages[2]!.raw).toString('utf8')).toBe(raws[2])
  })

  it('truncates by maxMessageBytes also when it is below the batch size ceiling', async () => {
    await createMailbox('SmallLimit')
    const raws = [buildMessage({ padToBytes: 5_000 }), buildMessage({ padToBytes: 20_000 }), buildMessage({ padToBytes: 9_000 })]
    await appendMessages(server, raws, 'SmallLimit')
    const inbox = createTestInbox(server, { mailboxes: ['SmallLimit'], maxMessageBytes: 10_000 })
    const messages = await collect(inbox.fetch(null))
    await inbox.close()
    expect(messages.map((message) => message.truncated ?? false)).toEqual([false, true, false])
    expect(Buffer.from(messages[0]!.raw).toString()).toBe(raws[0])
    expect(Buffer.from(messages[2]!.raw).toString()).toBe(raws[2])
  })

  it('reads a 10 MB message whole with the default limits', async () => {
    await createMailbox('TenMegabytes')
    const raw = buildMessage({ subject: 'ten megabytes', padToBytes: 10 * 1024 * 1024 })
    await appendMessages(server, [raw], 'TenMegabytes')
    const inbox = createTestInbox(server, { mailboxes: ['TenMegabytes'] })
    const [message, ...rest] = await collect(inbox.fetch(null))
    await inbox.close()
    expect(rest).toEqual([])
    expect(message!.truncated).toBeUndefined()
    expect(message!.raw.byteLength).toBeGreaterThan(10 * 1024 * 1024)
    expect(Buffer.from(message!.raw).equals(Buffer.from(raw))).toBe(true)
  })
})
