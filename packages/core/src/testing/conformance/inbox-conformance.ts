import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { FetchedMessage, InboxFetchOptions, InboxV1 } from '../../ports/inbox-v1.js'
import { subjectTests, type ConformanceTestApi } from './test-api.js'

/** What {@link InboxConformanceOptions.create} returns for one test: an empty mailbox and a way to put mail in it. */
export interface InboxConformanceSubject {
  /** The inbox under test, reading a mailbox that is empty when `create()` resolves. */
  inbox: InboxV1
  /**
   * Delivers one message (RFC 5322 text with CRLF line endings, 8-bit UTF-8 allowed) to the
   * mailbox the inbox reads, the way real mail arrives (IMAP APPEND, an SMTP hand-off, …).
   * Resolves once a fetch started afterwards would see it.
   */
  deliver: (raw: string) => Promise<void>
  /**
   * Optional: the flags of every message in the mailbox, in delivery order, read without
   * changing them (e.g. IMAP EXAMINE + FETCH FLAGS). When given, the suite checks that
   * fetching set no flag (`\Seen`, `\Deleted`, …).
   */
  flags?: () => Promise<ReadonlyArray<ReadonlyArray<string>>>
  /** Releases what `create()` opened (servers, mailboxes, sockets). Called after each test, after `inbox.close()`. */
  close?: () => Promise<void> | void
}

/** Options of {@link describeInboxConformance}. */
export interface InboxConformanceOptions {
  /** Suite name, e.g. `imap (dovecot)`. */
  name: string
  /** Creates a fresh subject (inbox + empty mailbox) for one test. */
  create: () => Promise<InboxConformanceSubject>
  /** Per-test timeout in ms for runners that accept one (default 30 000). */
  timeoutMs?: number
  /** How long `watch()` may take to report a delivered message (default 10 000 ms). */
  watchTimeoutMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let sequence = 0

/**
 * A message with a unique Message-ID, 8-bit UTF-8 text and CRLF line endings. Every fifth
 * one carries a ~64 KB body so byte preservation is checked beyond small literals.
 */
function conformanceMessage(label = 'message'): string {
  const id = `${Date.now().toString(36)}-${++sequence}-${randomUUID().slice(0, 8)}`
  const filler = sequence % 5 === 0 ? `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789.\r\n'.repeat(950)}` : ''
  return [
    'From: Lee Prospect <lee@prospect.example>',
    'To: sales@cam-inbox.example',
    `Subject: Re: ${label} ${id}`,
    'Date: Tue, 14 Jan 2025 10:00:00 +0000',
    `Message-ID: <conformance-${id}@prospect.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Grüße aus Köln — sounds good ✓ (${label} ${id})`,
    filler,
    '> quoted line of the original email',
    '',
  ].join('\r\n')
}

const encoder = new TextEncoder()

function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  if (actual.byteLength !== expected.byteLength) return false
  for (let index = 0; index < actual.byteLength; index++) if (actual[index] !== expected[index]) return false
  return true
}

/** First line that differs, for a readable assertion message. */
function describeDifference(actual: Uint8Array, expected: Uint8Array): string {
  const decoder = new TextDecoder()
  const actualLines = decoder.decode(actual).split('\n')
  const expectedLines = decoder.decode(expected).split('\n')
  for (let index = 0; index < Math.max(actualLines.length, expectedLines.length); index++) {
    if (actualLines[index] !== expectedLines[index]) {
      return `line ${index + 1}: expected ${JSON.stringify(expectedLines[index])}, got ${JSON.stringify(actualLines[index])}`
    }
  }
  return `lengths ${expected.byteLength} (expected) vs ${actual.byteLength}`
}

/**
 * Conformance suite for the {@link InboxV1} port, in the keyv test-suite style: call it from
 * your adapter's test file with your runner's functions and a factory.
 *
 * It checks the contract the worker relies on to never lose or double an inbound message:
 * - `fetch(null)` yields every message once, in delivery order, raw bytes unchanged;
 * - `fetch(cursor)` yields only what came after the message that produced `cursor`, each
 *   once — also when nothing is newer, and when resuming from **every** intermediate cursor;
 * - a consumer that stores each message's cursor and restarts after every message (or stops
 *   early with `break`) sees every message exactly once;
 * - `limit` is respected; source keys are unique and stable; two messages with the same
 *   Message-ID are both yielded (deduplication is the store's job);
 * - fetching never deletes or flags a message; an aborted signal stops a fetch; a corrupt
 *   cursor is rejected instead of silently restarting from the beginning;
 * - `watch()`, when implemented, calls `onNewMail` for a new message and stops calling after `stop()`.
 *
 * ```ts
 * import { describe, it } from 'vitest'
 * import { describeInboxConformance } from '@cam/core/testing'
 *
 * describeInboxConformance({ describe, it }, {
 *   name: 'my-inbox',
 *   create: async () => {
 *     const mailbox = await createEmptyTestMailbox()
 *     return {
 *       inbox: createMyInbox({ mailbox: mailbox.name }),
 *       deliver: (raw) => mailbox.append(raw),
 *       close: () => mailbox.remove(),
 *     }
 *   },
 * })
 * ```
 */
export function describeInboxConformance(api: ConformanceTestApi, options: InboxConformanceOptions): void {
  const timeoutMs = options.timeoutMs ?? 30_000
  const watchTimeoutMs = options.watchTimeoutMs ?? 10_000

  const test = subjectTests<InboxConformanceSubject>(api, {
    create: options.create,
    close: async (subject) => {
      try {
        await subject.inbox.close?.()
      } finally {
        await subject.close?.()
      }
    },
    timeoutMs,
  })

  const fetchAll = async (inbox: InboxV1, cursor: string | null, fetchOptions?: InboxFetchOptions): Promise<FetchedMessage[]> => {
    const messages: FetchedMessage[] = []
    for await (const message of inbox.fetch(cursor, fetchOptions)) messages.push(message)
    return messages
  }

  /** Delivers `count` fresh messages in order and returns their texts. */
  const deliverMany = async (subject: InboxConformanceSubject, count: number, label = 'message'): Promise<string[]> => {
    const raws: string[] = []
    for (let index = 0; index < count; index++) {
      const raw = conformanceMessage(`${label} ${index + 1}`)
      await subject.deliver(raw)
      raws.push(raw)
    }
    return raws
  }

  const assertRaws = (messages: readonly FetchedMessage[], raws: readonly string[], context: string) => {
    assert.equal(messages.length, raws.length, `${context}: expected ${raws.length} messages, got ${messages.length}`)
    messages.forEach((message, index) => {
      const expected = encoder.encode(raws[index]!)
      assert.ok(message.raw instanceof Uint8Array, `${context}: message ${index + 1}: raw is a Uint8Array`)
      assert.ok(
        sameBytes(message.raw, expected),
        `${context}: message ${index + 1} is not the delivered message byte for byte (${describeDifference(message.raw, expected)})`,
      )
    })
  }

  const keys = (messages: readonly FetchedMessage[]) => messages.map((message) => message.sourceKey)

  const lastCursor = (messages: readonly FetchedMessage[], context: string): string => {
    const last = messages.at(-1)
    assert.ok(last, `${context}: expected at least one message`)
    return last.cursor
  }

  api.describe(`Inbox conformance: ${options.name}`, () => {
    test('has a non-empty name', async ({ inbox }) => {
      assert.equal(typeof inbox.name, 'string')
      assert.ok(inbox.name.length > 0, 'name is not empty')
    })

    test('fetch(null) on an empty mailbox yields nothing', async ({ inbox }) => {
      assert.deepEqual(await fetchAll(inbox, null), [])
    })

    test('fetch(null) yields every message once, in delivery order, raw bytes unchanged', async (subject) => {
      const raws = await deliverMany(subject, 5)
      const messages = await fetchAll(subject.inbox, null)
      assertRaws(messages, raws, 'fetch(null)')
      for (const [index, message] of messages.entries()) {
        assert.equal(typeof message.cursor, 'string', `message ${index + 1}: cursor is a string`)
        assert.ok(message.cursor.length > 0, `message ${index + 1}: cursor is not empty`)
        assert.notEqual(message.truncated, true, `message ${index + 1}: a small message is not truncated`)
        if (message.receivedAt !== undefined) {
          assert.ok(message.receivedAt instanceof Date && !Number.isNaN(message.receivedAt.getTime()), `message ${index + 1}: receivedAt is a valid Date`)
        }
      }
    })

    test('source keys are unique and stable across fetches', async (subject) => {
      await deliverMany(subject, 4)
      const first = keys(await fetchAll(subject.inbox, null))
      assert.equal(new Set(first).size, first.length, `source keys are unique: ${first.join(', ')}`)
      for (const key of first) assert.ok(typeof key === 'string' && key.length > 0, 'a source key is a non-empty string')
      const second = keys(await fetchAll(subject.inbox, null))
      assert.deepEqual(second, first, 'a second fetch(null) yields the same source keys')
    })

    test('fetch(cursor) yields only newer messages, each once, and nothing when nothing is newer', async (subject) => {
      const before = await deliverMany(subject, 3, 'before')
      const firstPass = await fetchAll(subject.inbox, null)
      assertRaws(firstPass, before, 'first fetch')
      const cursor = lastCursor(firstPass, 'first fetch')

      // The classic IMAP trap: `UID n:*` matches the newest message even when none is newer.
      assert.deepEqual(keys(await fetchAll(subject.inbox, cursor)), [], 'fetch(last cursor) with nothing new yields nothing')

      const after = await deliverMany(subject, 2, 'after')
      const secondPass = await fetchAll(subject.inbox, cursor)
      assertRaws(secondPass, after, 'fetch(cursor) after two new deliveries')
      const newKeys = keys(secondPass)
      for (const key of newKeys) assert.ok(!keys(firstPass).includes(key), `new message ${key} has a new source key`)

      const finalCursor = lastCursor(secondPass, 'second fetch')
      assert.deepEqual(keys(await fetchAll(subject.inbox, finalCursor)), [], 'fetch(final cursor) yields nothing')
      assert.deepEqual(keys(await fetchAll(subject.inbox, finalCursor)), [], 'and still nothing when asked again')
    })

    test('resuming from every intermediate cursor loses and doubles nothing', async (subject) => {
      const raws = await deliverMany(subject, 6)
      const all = await fetchAll(subject.inbox, null)
      assertRaws(all, raws, 'fetch(null)')
      for (const [index, message] of all.entries()) {
        const rest = await fetchAll(subject.inbox, message.cursor)
        assert.deepEqual(keys(rest), keys(all.slice(index + 1)), `fetch(cursor of message ${index + 1}) yields exactly the messages after it`)
        assertRaws(rest, raws.slice(index + 1), `fetch(cursor of message ${index + 1})`)
      }
    })

    test('a consumer that restarts after every message, while mail keeps arriving, sees each message once', async (subject) => {
      const delivered = await deliverMany(subject, 3, 'early')
      const seen: FetchedMessage[] = []
      let storedCursor: string | null = null
      for (let round = 0; round < 20; round++) {
        // One message per "worker run"; new mail arrives between runs.
        const batch = await fetchAll(subject.inbox, storedCursor, { limit: 1 })
        assert.ok(batch.length <= 1, `limit 1 yields at most one message, got ${batch.length}`)
        if (batch.length === 0) {
          if (delivered.length >= 6) break
          delivered.push(...(await deliverMany(subject, 1, `late ${round}`)))
          continue
        }
        seen.push(batch[0]!)
        storedCursor = batch[0]!.cursor
        if (round === 1) delivered.push(...(await deliverMany(subject, 2, 'during')))
      }
      assertRaws(seen, delivered, 'messages seen across restarts')
      assert.equal(new Set(keys(seen)).size, seen.length, 'no message seen twice')
    })

    test('stopping early and resuming from the last stored cursor loses nothing', async (subject) => {
      const raws = await deliverMany(subject, 5)
      const taken: FetchedMessage[] = []
      for await (const message of subject.inbox.fetch(null)) {
        taken.push(message)
        if (taken.length === 2) break
      }
      const rest = await fetchAll(subject.inbox, lastCursor(taken, 'partial fetch'))
      assertRaws([...taken, ...rest], raws, 'partial fetch + resumed fetch')
    })

    test('limit is respected', async (subject) => {
      const raws = await deliverMany(subject, 5)
      const first = await fetchAll(subject.inbox, null, { limit: 2 })
      assertRaws(first, raws.slice(0, 2), 'fetch(null, { limit: 2 })')
      const second = await fetchAll(subject.inbox, lastCursor(first, 'first page'), { limit: 2 })
      assertRaws(second, raws.slice(2, 4), 'second page of 2')
      const third = await fetchAll(subject.inbox, lastCursor(second, 'second page'), { limit: 10 })
      assertRaws(third, raws.slice(4), 'last page')
    })

    test('two messages with the same Message-ID are both yielded, with different source keys', async (subject) => {
      const raw = conformanceMessage('duplicate')
      await subject.deliver(raw)
      await subject.deliver(raw)
      const messages = await fetchAll(subject.inbox, null)
      assertRaws(messages, [raw, raw], 'the same message delivered twice')
      assert.notEqual(messages[0]!.sourceKey, messages[1]!.sourceKey, 'the two deliveries have different source keys')
    })

    test('fetching never deletes or flags messages', async (subject) => {
      const raws = await deliverMany(subject, 3)
      await fetchAll(subject.inbox, null)
      await fetchAll(subject.inbox, null, { limit: 1 })
      assertRaws(await fetchAll(subject.inbox, null), raws, 'every message is still there after fetching')
      if (subject.flags) {
        const flags = await subject.flags()
        assert.equal(flags.length, raws.length, 'the mailbox still holds every message')
        for (const [index, messageFlags] of flags.entries()) {
          const changed = messageFlags.filter((flag) => ['\\seen', '\\deleted', '\\flagged', '\\answered'].includes(flag.toLowerCase()))
          assert.deepEqual(changed, [], `message ${index + 1} got no flag from fetching`)
        }
      }
    })

    test('an aborted signal stops a fetch', async (subject) => {
      await deliverMany(subject, 3)
      const before = new AbortController()
      before.abort()
      await assert.rejects(fetchAll(subject.inbox, null, { signal: before.signal }), 'a fetch with an already aborted signal rejects')

      const during = new AbortController()
      const taken: FetchedMessage[] = []
      await assert.rejects(
        (async () => {
          for await (const message of subject.inbox.fetch(null, { signal: during.signal })) {
            taken.push(message)
            during.abort()
          }
        })(),
        'aborting during a fetch makes it reject',
      )
      assert.equal(taken.length, 1, 'nothing is yielded after the abort')
      // The inbox still works afterwards.
      assert.equal((await fetchAll(subject.inbox, taken[0]!.cursor)).length, 2, 'a later fetch resumes normally')
    })

    test('a corrupt cursor is rejected, never read as "start from the beginning"', async (subject) => {
      await deliverMany(subject, 1)
      await assert.rejects(fetchAll(subject.inbox, 'this is not a cursor'), 'fetch(garbage) rejects')
    })

    test('watch() (when implemented) reports new mail, and stops reporting after stop()', async (subject) => {
      const { inbox } = subject
      if (!inbox.watch) return
      let calls = 0
      const errors: unknown[] = []
      const watch = await inbox.watch({ onNewMail: () => void calls++, onError: (error) => void errors.push(error) })
      try {
        const [raw] = await deliverMany(subject, 1, 'watched')
        const deadline = Date.now() + watchTimeoutMs
        while (calls === 0 && Date.now() < deadline) await sleep(20)
        assert.ok(calls > 0, `onNewMail was called within ${watchTimeoutMs} ms of a delivery`)
        assertRaws(await fetchAll(inbox, null), [raw!], 'the watched message')
      } finally {
        await watch.stop()
      }
      const callsAtStop = calls
      await deliverMany(subject, 1, 'after stop')
      await sleep(300)
      assert.equal(calls, callsAtStop, 'no onNewMail after stop()')
      assert.deepEqual(errors, [], 'no watch errors on a healthy mailbox')
    })
  })
}
