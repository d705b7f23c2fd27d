import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { SendError } from '../../errors/send-error.js'
import type { OutgoingEmail, SendResult, SenderV1 } from '../../ports/sender-v1.js'
import { subjectTests, type ConformanceTestApi } from './test-api.js'

/**
 * One email as the provider received it, normalised by the suite's factory so the
 * suite can compare it with what was sent.
 */
export interface ReceivedEmail {
  /** Bare address of the sender (`a@example.com`, no display name). */
  from: string
  /** Bare addresses of every recipient the provider will deliver to. */
  to: string[]
  subject: string
  text: string | undefined
  html: string | undefined
  /**
   * Every header the provider will put on the message because the sender asked it
   * to, names **lower-cased**: custom headers plus `message-id`, `in-reply-to` and
   * `references` when the sender set them.
   */
  headers: Record<string, string>
}

/**
 * Failures the suite can ask the provider to produce on the next send (see
 * {@link SenderConformanceOptions.failures}).
 *
 * - `rate-limited`: the provider asks to slow down and says for how long (HTTP 429 +
 *   `Retry-After`); expected: a retryable `SendError` with `retryAfterMs`.
 * - `unavailable`: the provider is down (HTTP 5xx); expected: a retryable `SendError`.
 * - `invalid-recipient`: the provider rejects the recipient; expected: a permanent
 *   `SendError` with `field: 'to'`.
 * - `response-lost`: the provider accepts the email but the answer never arrives
 *   (connection dropped) — a crash between "sent" and "recorded". Expected: the send
 *   throws a retryable `SendError`; for an idempotent sender a retry with the same key
 *   still leaves exactly one email at the provider.
 */
export type SenderFailure = 'rate-limited' | 'unavailable' | 'invalid-recipient' | 'response-lost'

/** What {@link SenderConformanceOptions.create} returns for one test. */
export interface SenderConformanceSubject {
  /** The sender under test. */
  sender: SenderV1
  /**
   * Emails the provider accepted since `create()` resolved, oldest first. An email
   * requested twice but accepted once (idempotency) appears once.
   */
  received: () => Promise<readonly ReceivedEmail[]> | readonly ReceivedEmail[]
  /**
   * Makes the provider fail the next send the given way. Required when
   * {@link SenderConformanceOptions.failures} is not empty.
   */
  failNext?: (failure: SenderFailure) => Promise<void> | void
  /** Releases what `create()` opened (servers, sockets). Called after each test. */
  close?: () => Promise<void> | void
}

/** Options of {@link describeSenderConformance}. */
export interface SenderConformanceOptions {
  /** Suite name, e.g. `resend`. */
  name: string
  /** Creates a fresh subject (sender + view of the provider) for one test. */
  create: () => Promise<SenderConformanceSubject>
  /**
   * What the sender under test declares as `idempotent` (default `true`). The
   * idempotency tests run only for idempotent senders.
   */
  idempotent?: boolean
  /** Failures `failNext` can produce; a test runs for each one listed (default none). */
  failures?: readonly SenderFailure[]
  /** Per-test timeout in ms for runners that accept one (default 30 000). */
  timeoutMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let sequence = 0

/** A complete, valid outgoing email with fresh identifiers. */
function makeEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  const id = `${Date.now().toString(36)}-${++sequence}-${randomUUID().slice(0, 8)}`
  return {
    from: { email: 'sales@cam-sender.example', name: 'Ana from Acme' },
    to: { email: `lead-${sequence}@prospect.example`, name: 'Lee Prospect' },
    replyTo: 'replies@cam-sender.example',
    subject: `Quick question ${id}`,
    text: `Hi Lee,\n\nplain text body ${id}\n`,
    html: `<p>Hi Lee,</p><p>html body ${id}</p>`,
    messageId: `<cam-${id}@cam-sender.example>`,
    references: [],
    headers: {},
    tags: { campaignId: 'campaign-1', leadId: `lead-${sequence}`, emailId: `email-${id}`, stepIndex: 0 },
    ...overrides,
  }
}

function assertSendError(error: unknown, kind: 'retryable' | 'permanent', context: string): asserts error is SendError {
  assert.ok(SendError.isInstance(error), `${context}: expected a SendError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
  assert.equal(error.kind, kind, `${context}: expected a ${kind} SendError, got ${error.kind} (${error.message})`)
}

async function rejection(promise: Promise<unknown>, context: string): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail(`${context}: expected the send to throw`)
}

/**
 * Conformance suite for the {@link SenderV1} port. It checks that what reaches the
 * provider is what CAM asked for (addresses, bodies, `Message-ID`, `In-Reply-To`,
 * `References`, custom headers such as RFC 8058 `List-Unsubscribe`), that an
 * idempotent sender never delivers two emails for one idempotency key (also when the
 * same key is sent concurrently or after a lost response), and that failures are
 * reported as retryable or permanent `SendError`s.
 *
 * The factory returns the sender and a `received()` view of the provider (a local
 * server speaking the provider's API, or the adapter's own memory):
 *
 * ```ts
 * import { describe, it } from 'vitest'
 * import { describeSenderConformance } from '@cam/core/testing'
 *
 * describeSenderConformance({ describe, it }, {
 *   name: 'my-provider',
 *   failures: ['rate-limited', 'unavailable', 'invalid-recipient', 'response-lost'],
 *   create: async () => {
 *     const server = await startFakeProvider()
 *     return {
 *       sender: createMySender({ baseUrl: server.url }),
 *       received: () => server.emails.map(toReceivedEmail),
 *       failNext: (failure) => server.failNext(failure),
 *       close: () => server.close(),
 *     }
 *   },
 * })
 * ```
 */
export function describeSenderConformance(api: ConformanceTestApi, options: SenderConformanceOptions): void {
  const expectIdempotent = options.idempotent ?? true
  const failures = options.failures ?? []
  const timeoutMs = options.timeoutMs ?? 30_000

  const test = subjectTests<SenderConformanceSubject>(api, { create: options.create, close: (subject) => subject.close?.(), timeoutMs })

  const received = async (subject: SenderConformanceSubject) => [...(await subject.received())]
  const send = (subject: SenderConformanceSubject, email: OutgoingEmail, key = `conformance/${randomUUID()}`) =>
    subject.sender.send(email, { idempotencyKey: key })
  const failNext = async (subject: SenderConformanceSubject, failure: SenderFailure) => {
    assert.ok(subject.failNext, `failures lists "${failure}", so create() must return failNext`)
    await subject.failNext(failure)
  }

  api.describe(`Sender conformance: ${options.name}`, () => {
    test('declares a name and whether it is idempotent', async ({ sender }) => {
      assert.equal(typeof sender.name, 'string')
      assert.ok(sender.name.length > 0, 'name is not empty')
      assert.equal(sender.idempotent, expectIdempotent, `the sender declares idempotent: ${expectIdempotent}`)
    })

    test('delivers one email with its addresses, subject and bodies', async (subject) => {
      const email = makeEmail()
      const result = await send(subject, email)
      assertResult(result)
      const emails = await received(subject)
      assert.equal(emails.length, 1, 'the provider received exactly one email')
      const [got] = emails as [ReceivedEmail]
      assert.equal(got.from.toLowerCase(), email.from.email)
      assert.deepEqual(
        got.to.map((address) => address.toLowerCase()),
        [email.to.email],
      )
      assert.equal(got.subject, email.subject)
      assert.equal(got.text, email.text)
      assert.equal(got.html, email.html)
    })

    test('sets our Message-ID (or reports the one used) and carries In-Reply-To and References on a follow-up', async (subject) => {
      const first = '<cam-first@cam-sender.example>'
      const second = '<cam-second@cam-sender.example>'
      const email = makeEmail({ inReplyTo: second, references: [first, second], subject: 'Re: Quick question' })
      const result = await send(subject, email)
      const [got] = (await received(subject)) as [ReceivedEmail]
      assert.ok(got, 'the follow-up was received')
      if (got.headers['message-id'] !== undefined) {
        assert.equal(got.headers['message-id'], email.messageId, 'the Message-ID reaching the provider is ours')
      } else {
        assert.ok(
          typeof result.messageId === 'string' && result.messageId.length > 0,
          'when the provider does not take our Message-ID, send() reports the one it used',
        )
      }
      assert.equal(got.headers['in-reply-to'], second, 'In-Reply-To names the previous email')
      assert.equal(got.headers['references'], `${first} ${second}`, 'References lists the thread, oldest first, space-separated')
    })

    test('sends no In-Reply-To or References for the first email of a thread', async (subject) => {
      await send(subject, makeEmail())
      const [got] = (await received(subject)) as [ReceivedEmail]
      assert.ok(got)
      assert.equal(got.headers['in-reply-to'], undefined)
      assert.equal(got.headers['references'], undefined)
    })

    test('carries custom headers verbatim (RFC 8058 one-click unsubscribe)', async (subject) => {
      const listUnsubscribe = '<https://app.example/unsubscribe/v1.abc.def>, <mailto:unsubscribe@cam-sender.example?subject=unsubscribe>'
      const email = makeEmail({
        headers: { 'List-Unsubscribe': listUnsubscribe, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Cam-Test': 'yes' },
      })
      await send(subject, email)
      const [got] = (await received(subject)) as [ReceivedEmail]
      assert.ok(got)
      assert.equal(got.headers['list-unsubscribe'], listUnsubscribe)
      assert.equal(got.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click')
      assert.equal(got.headers['x-cam-test'], 'yes')
    })

    test('a display name cannot add recipients', async (subject) => {
      const email = makeEmail({ to: { email: 'victim@prospect.example', name: 'Eve", attacker@evil.example, "x <attacker2@evil.example>' } })
      await send(subject, email)
      const [got] = (await received(subject)) as [ReceivedEmail]
      assert.ok(got)
      assert.deepEqual(
        got.to.map((address) => address.toLowerCase()),
        ['victim@prospect.example'],
        'only the lead is a recipient',
      )
    })

    test('sends two emails for two different idempotency keys', async (subject) => {
      await send(subject, makeEmail())
      await send(subject, makeEmail())
      assert.equal((await received(subject)).length, 2)
    })

    test('rejects an already-aborted send without sending', async (subject) => {
      const controller = new AbortController()
      controller.abort()
      const error = await rejection(
        subject.sender.send(makeEmail(), { idempotencyKey: `conformance/${randomUUID()}`, signal: controller.signal }),
        'aborted send',
      )
      assert.ok(error !== undefined)
      assert.equal((await received(subject)).length, 0, 'nothing reached the provider')
    })

    if (expectIdempotent) {
      test('delivers one email when the same idempotency key is sent twice', async (subject) => {
        const email = makeEmail()
        const key = `conformance/${randomUUID()}`
        const first = await send(subject, email, key)
        const second = await send(subject, email, key)
        assert.equal((await received(subject)).length, 1, 'the provider holds one email')
        assert.equal(second.providerId, first.providerId, 'the repeat reports the same provider id')
      })

      test('delivers one email when the same key is sent concurrently', async (subject) => {
        const email = makeEmail()
        const key = `conformance/${randomUUID()}`
        const outcomes = await Promise.allSettled([send(subject, email, key), send(subject, email, key), send(subject, email, key)])
        let pending = 0
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            assertSendError(outcome.reason, 'retryable', 'a concurrent duplicate')
            pending++
          }
        }
        assert.ok(pending < outcomes.length, 'at least one concurrent send succeeded')
        // Retry the ones asked to retry, as the worker would.
        for (let attempt = 0; pending > 0 && attempt < 100; attempt++) {
          try {
            await send(subject, email, key)
            pending--
          } catch (error) {
            assertSendError(error, 'retryable', 'a retried duplicate')
            await sleep(50)
          }
        }
        assert.equal(pending, 0, 'every retried duplicate eventually resolved')
        assert.equal((await received(subject)).length, 1, 'the provider holds one email')
      })
    }

    if (failures.includes('rate-limited')) {
      test('reports a rate limit as retryable with retryAfterMs, then delivers once on retry', async (subject) => {
        const email = makeEmail()
        const key = `conformance/${randomUUID()}`
        await failNext(subject, 'rate-limited')
        const error = await rejection(send(subject, email, key), 'rate-limited send')
        assertSendError(error, 'retryable', 'rate-limited send')
        assert.ok(
          typeof error.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs) && error.retryAfterMs > 0,
          `retryAfterMs is a positive number of milliseconds, got ${String(error.retryAfterMs)}`,
        )
        assert.equal((await received(subject)).length, 0, 'nothing was delivered')
        await send(subject, email, key)
        assert.equal((await received(subject)).length, 1, 'the retry delivered one email')
      })
    }

    if (failures.includes('unavailable')) {
      test('reports a provider outage as retryable, then delivers once on retry', async (subject) => {
        const email = makeEmail()
        const key = `conformance/${randomUUID()}`
        await failNext(subject, 'unavailable')
        const error = await rejection(send(subject, email, key), 'send during an outage')
        assertSendError(error, 'retryable', 'send during an outage')
        assert.equal((await received(subject)).length, 0, 'nothing was delivered')
        await send(subject, email, key)
        assert.equal((await received(subject)).length, 1, 'the retry delivered one email')
      })
    }

    if (failures.includes('invalid-recipient')) {
      test('reports a rejected recipient as permanent, naming the field', async (subject) => {
        await failNext(subject, 'invalid-recipient')
        const error = await rejection(send(subject, makeEmail()), 'send to a rejected recipient')
        assertSendError(error, 'permanent', 'send to a rejected recipient')
        assert.equal(error.field, 'to', 'the error names the `to` field')
        assert.equal((await received(subject)).length, 0, 'nothing was delivered')
      })
    }

    if (failures.includes('response-lost') && expectIdempotent) {
      test('after a lost response, a retry with the same key leaves one email at the provider', async (subject) => {
        const email = makeEmail()
        const key = `conformance/${randomUUID()}`
        await failNext(subject, 'response-lost')
        const error = await rejection(send(subject, email, key), 'send whose response was lost')
        assertSendError(error, 'retryable', 'send whose response was lost')
        assert.equal((await received(subject)).length, 1, 'the provider accepted the email before the answer was lost')
        const retried = await send(subject, email, key)
        assertResult(retried)
        assert.equal((await received(subject)).length, 1, 'the retry did not send a second email')
      })
    }
  })
}

function assertResult(result: SendResult): void {
  assert.equal(typeof result, 'object', 'send() resolves to an object')
  assert.ok(result !== null)
  if (result.providerId !== undefined) assert.ok(typeof result.providerId === 'string' && result.providerId.length > 0, 'providerId is a non-empty string')
  if (result.messageId !== undefined) assert.match(result.messageId, /^<[^<>\s]+>$/, 'messageId has angle brackets')
}
