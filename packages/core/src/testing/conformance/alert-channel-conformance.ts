import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Alert } from '../../domain/alert.js'
import { CamError } from '../../errors/cam-error.js'
import type { AlertDeliveryError } from '../../errors/send-error.js'
import type { AlertChannelV1 } from '../../ports/alert-channel-v1.js'
import { subjectTests, type ConformanceTestApi } from './test-api.js'

/**
 * How the service interprets a piece of text it received:
 *
 * - `mrkdwn`: Slack mrkdwn — `&`, `<` and `>` are control characters (`<!channel>`,
 *   `<@U123>`, `<url|label>`), `&amp;`/`&lt;`/`&gt;` display as the characters.
 * - `html`: HTML markup (an email's HTML part).
 * - `text`: shown verbatim, never interpreted (an email's subject and text/plain part,
 *   Slack `plain_text`, structured data).
 */
export type AlertTextFormat = 'mrkdwn' | 'html' | 'text'

/** One piece of text of a received alert message. */
export interface ReceivedAlertPart {
  format: AlertTextFormat
  text: string
}

/** One message as the service received it, split into its text parts. */
export interface ReceivedAlert {
  /**
   * Every piece of text of the message with the format the service reads it in
   * (e.g. a Slack message's fallback `text`, each block's text; an email's subject,
   * text and HTML parts).
   */
  parts: ReceivedAlertPart[]
}

/**
 * Failures the suite can ask the service to produce on the next delivery (see
 * {@link AlertChannelConformanceOptions.failures}).
 *
 * - `rate-limited`: HTTP 429 with `Retry-After`; expected: `AlertDeliveryError` with
 *   `retryAfterMs`.
 * - `unavailable`: the service is down (HTTP 5xx); expected: `AlertDeliveryError`.
 * - `rejected`: the service refuses for good (channel not found, revoked token);
 *   expected: `AlertDeliveryError` with `permanent: true`.
 */
export type AlertChannelFailure = 'rate-limited' | 'unavailable' | 'rejected'

/** What {@link AlertChannelConformanceOptions.create} returns for one test. */
export interface AlertChannelConformanceSubject {
  /** The channel under test. */
  channel: AlertChannelV1
  /** Messages the service accepted since `create()` resolved, oldest first. */
  received: () => Promise<readonly ReceivedAlert[]> | readonly ReceivedAlert[]
  /** Makes the service fail the next delivery the given way. Required when `failures` is not empty. */
  failNext?: (failure: AlertChannelFailure) => Promise<void> | void
  /** Releases what `create()` opened. Called after each test. */
  close?: () => Promise<void> | void
}

/** Options of {@link describeAlertChannelConformance}. */
export interface AlertChannelConformanceOptions {
  /** Suite name, e.g. `slack webhook`. */
  name: string
  /** Creates a fresh subject (channel + view of the service) for one test. */
  create: () => Promise<AlertChannelConformanceSubject>
  /**
   * Whether the service drops a repeated idempotency key (e.g. Resend's
   * `Idempotency-Key`). When true, delivering one alert twice with one key must
   * produce one message.
   */
  deduplicates?: boolean
  /** Failures `failNext` can produce; a test runs for each one listed (default none). */
  failures?: readonly AlertChannelFailure[]
  /** Per-test timeout in ms for runners that accept one (default 30 000). */
  timeoutMs?: number
}

/** Attacker-controlled strings, one per text field of an alert. */
const hostile = {
  title: 'Positive reply from <!channel> & <script>alert(1)</script>',
  campaignName: 'Q1 <#C999|general> <!subteam^S0001>',
  leadEmail: 'eve+<!here>@evil.example',
  leadName: 'Eve <@U123> "><img src=x onerror=alert(2)>',
  subject: 'Re: <https://evil.example/phish|Click to approve>',
  excerpt: 'Yes, call me! <!channel> <@U123> <script>alert("x")</script> see <https://evil.example|your invoice> &amp; more',
  reason: '<!everyone> asked for a call',
} as const

/** Substrings that would be live markup if they reached a `mrkdwn` or `html` part unescaped. */
const liveMarkers = ['<!channel>', '<!here>', '<!everyone>', '<!subteam', '<@U123>', '<#C999', '<script', '<img', '<https://evil.example', 'onerror=alert(2)>']

function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: `alert-${randomUUID()}`,
    kind: 'reply',
    title: 'Positive reply from Lee Prospect (Prospect Inc)',
    campaignId: 'campaign-1',
    campaignName: 'Q1 outreach',
    leadId: 'lead-1',
    leadEmail: 'lee@prospect.example',
    leadName: 'Lee Prospect',
    category: 'positive',
    subject: 'Re: Quick question',
    excerpt: 'Sounds good, can we talk on Tuesday?',
    reason: 'matched "sounds good"',
    messageId: '<reply-1@prospect.example>',
    createdAt: new Date('2026-01-05T09:30:00Z'),
    ...overrides,
  }
}

/** What a human sees for a part: markup removed, entities decoded. */
function visibleText(part: ReceivedAlertPart): string {
  switch (part.format) {
    case 'text':
      return part.text
    case 'mrkdwn':
      return part.text
        .replace(/<([^<>|]*)\|([^<>]*)>/g, '$2')
        .replace(/<([^<>]*)>/g, '$1')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
    case 'html':
      return part.text
        .replace(/<[^>]*>/g, '')
        .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
        .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&')
  }
}

/** Asserts that no attacker-controlled markup is live in `part`. */
function assertInert(part: ReceivedAlertPart, where: string): void {
  if (part.format === 'text') return
  for (const marker of liveMarkers) {
    assert.ok(!part.text.includes(marker), `${where} (${part.format}) contains live attacker markup ${JSON.stringify(marker)}: ${part.text.slice(0, 500)}`)
  }
  if (part.format === 'mrkdwn') {
    for (const match of part.text.matchAll(/<([^<>]*)>/g)) {
      const inner = match[1] ?? ''
      assert.match(inner, /^(https?|mailto):/, `${where}: mrkdwn control sequence <${inner}> is not a link (mention or broadcast)`)
      assert.ok(!inner.includes('evil.example'), `${where}: an attacker URL became a link: <${inner}>`)
    }
  } else {
    for (const match of part.text.matchAll(/<\s*([a-z][a-z0-9-]*)([^>]*)>/gi)) {
      const tag = (match[1] ?? '').toLowerCase()
      const attributes = match[2] ?? ''
      assert.ok(!['script', 'iframe', 'object', 'embed', 'img', 'svg', 'style', 'form', 'input'].includes(tag), `${where}: HTML contains a <${tag}> element`)
      assert.ok(!/\son[a-z]+\s*=/i.test(attributes), `${where}: HTML contains an event handler attribute: ${match[0]}`)
      assert.ok(!attributes.includes('evil.example'), `${where}: an attacker URL became an attribute: ${match[0]}`)
    }
  }
}

async function rejection(promise: Promise<unknown>, context: string): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail(`${context}: expected the delivery to throw`)
}

function assertDeliveryError(error: unknown, context: string): asserts error is AlertDeliveryError {
  assert.ok(
    CamError.isInstance(error, 'ALERT_FAILED'),
    `${context}: expected an AlertDeliveryError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  )
}

/**
 * Conformance suite for the {@link AlertChannelV1} port. It checks that a delivery
 * resolves only once the service holds the message, that every text field of an
 * alert reaches the service escaped for the service's format (a reply containing
 * `<!channel>`, `<@U123>`, `<script>` or a disguised link pings nobody and runs
 * nothing, yet the human still reads the text), that long replies fit the service's
 * limits, and that failures are thrown as `AlertDeliveryError`s (with `retryAfterMs`
 * on rate limits, `permanent` when retrying cannot help).
 *
 * The factory returns the channel and a `received()` view of the service, each
 * message split into parts tagged with the format the service reads them in:
 *
 * ```ts
 * import { describe, it } from 'vitest'
 * import { describeAlertChannelConformance } from '@cam/core/testing'
 *
 * describeAlertChannelConformance({ describe, it }, {
 *   name: 'my-chat',
 *   failures: ['rate-limited', 'unavailable', 'rejected'],
 *   create: async () => {
 *     const server = await startFakeChat()
 *     return {
 *       channel: createMyChatAlerts({ url: server.url }),
 *       received: () => server.messages.map((m) => ({ parts: [{ format: 'mrkdwn', text: m.text }] })),
 *       failNext: (failure) => server.failNext(failure),
 *       close: () => server.close(),
 *     }
 *   },
 * })
 * ```
 */
export function describeAlertChannelConformance(api: ConformanceTestApi, options: AlertChannelConformanceOptions): void {
  const failures = options.failures ?? []
  const timeoutMs = options.timeoutMs ?? 30_000

  const test = subjectTests<AlertChannelConformanceSubject>(api, { create: options.create, close: (subject) => subject.close?.(), timeoutMs })

  const received = async (subject: AlertChannelConformanceSubject) => [...(await subject.received())]
  const deliver = (subject: AlertChannelConformanceSubject, alert: Alert, key = `conformance/${alert.id}`) =>
    subject.channel.deliver(alert, { idempotencyKey: key })
  const failNext = async (subject: AlertChannelConformanceSubject, failure: AlertChannelFailure) => {
    assert.ok(subject.failNext, `failures lists "${failure}", so create() must return failNext`)
    await subject.failNext(failure)
  }
  const visible = (message: ReceivedAlert) => message.parts.map(visibleText).join('\n')

  api.describe(`AlertChannel conformance: ${options.name}`, () => {
    test('has a non-empty name', async ({ channel }) => {
      assert.equal(typeof channel.name, 'string')
      assert.ok(channel.name.length > 0)
    })

    test('resolves once the service holds the message, showing the title and the reply', async (subject) => {
      const alert = makeAlert()
      await deliver(subject, alert)
      const messages = await received(subject)
      assert.equal(messages.length, 1, 'the service received one message')
      const text = visible(messages[0] as ReceivedAlert)
      assert.ok(text.includes(alert.title), 'the title is shown')
      assert.ok(text.includes(alert.excerpt as string), 'the reply excerpt is shown')
      assert.ok(text.includes(alert.leadEmail as string), 'the lead is shown')
      assert.ok(text.includes(alert.campaignName as string), 'the campaign is shown')
    })

    test('renders mentions, broadcasts, links and HTML from every text field inert, yet readable', async (subject) => {
      const alert = makeAlert(hostile)
      await deliver(subject, alert)
      const messages = await received(subject)
      assert.equal(messages.length, 1)
      const message = messages[0] as ReceivedAlert
      assert.ok(message.parts.length > 0, 'the message has text parts')
      message.parts.forEach((part, index) => assertInert(part, `part ${index}`))
      const text = visible(message)
      assert.ok(text.includes(hostile.title), 'the hostile title is shown as text')
      assert.ok(text.includes(hostile.excerpt), 'the hostile reply is shown as text')
    })

    test('delivers an alert without lead, campaign or reply (a paused campaign, an email in doubt)', async (subject) => {
      const alert = makeAlert({
        kind: 'campaign_paused',
        title: 'Campaign "Q1 outreach" paused: bounce rate 9% over the last 200 sends',
        leadId: null,
        leadEmail: null,
        leadName: null,
        category: null,
        subject: null,
        excerpt: null,
        messageId: null,
      })
      await deliver(subject, alert)
      const messages = await received(subject)
      assert.equal(messages.length, 1)
      assert.ok(visible(messages[0] as ReceivedAlert).includes(alert.title))
    })

    test('delivers a very long reply within the service limits, keeping its beginning', async (subject) => {
      const opening = 'I am interested & would like a demo <soon>. '
      const alert = makeAlert({ excerpt: opening + 'x'.repeat(60_000), title: `Long reply ${'t'.repeat(400)}` })
      await deliver(subject, alert)
      const messages = await received(subject)
      assert.equal(messages.length, 1, 'the long alert was accepted')
      assert.ok(visible(messages[0] as ReceivedAlert).includes(opening), 'the beginning of the reply is shown')
    })

    if (options.deduplicates) {
      test('delivers one message when the same idempotency key is delivered twice', async (subject) => {
        const alert = makeAlert()
        await deliver(subject, alert, `conformance/${alert.id}`)
        await deliver(subject, alert, `conformance/${alert.id}`)
        assert.equal((await received(subject)).length, 1)
      })
    }

    test('delivers two messages for two alerts', async (subject) => {
      await deliver(subject, makeAlert())
      await deliver(subject, makeAlert())
      assert.equal((await received(subject)).length, 2)
    })

    if (failures.includes('rate-limited')) {
      test('throws AlertDeliveryError with retryAfterMs on a rate limit, then delivers once on retry', async (subject) => {
        const alert = makeAlert()
        await failNext(subject, 'rate-limited')
        const error = await rejection(deliver(subject, alert), 'rate-limited delivery')
        assertDeliveryError(error, 'rate-limited delivery')
        assert.ok(
          typeof error.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs) && error.retryAfterMs > 0,
          `retryAfterMs is a positive number of milliseconds, got ${String(error.retryAfterMs)}`,
        )
        assert.equal(error.permanent, false)
        assert.equal((await received(subject)).length, 0, 'nothing was delivered')
        await deliver(subject, alert)
        assert.equal((await received(subject)).length, 1)
      })
    }

    if (failures.includes('unavailable')) {
      test('throws AlertDeliveryError while the service is down, then delivers once on retry', async (subject) => {
        const alert = makeAlert()
        await failNext(subject, 'unavailable')
        const error = await rejection(deliver(subject, alert), 'delivery during an outage')
        assertDeliveryError(error, 'delivery during an outage')
        assert.equal(error.permanent, false, 'an outage is not permanent')
        assert.equal((await received(subject)).length, 0, 'nothing was delivered')
        await deliver(subject, alert)
        assert.equal((await received(subject)).length, 1)
      })
    }

    if (failures.includes('rejected')) {
      test('throws a permanent AlertDeliveryError when the service refuses for good', async (subject) => {
        await failNext(subject, 'rejected')
        const error = await rejection(deliver(subject, makeAlert()), 'refused delivery')
        assertDeliveryError(error, 'refused delivery')
        assert.equal(error.permanent, true)
        assert.equal((await received(subject)).length, 0)
      })
    }
  })
}
