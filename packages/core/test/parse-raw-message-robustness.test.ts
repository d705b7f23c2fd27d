import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createRuleClassifier, parseRawMessage, replyCategories, type ParsedMessage } from '../src/index.js'

/**
 * Malformed, hostile and huge input never crashes parseRawMessage or the classifier.
 * The issue allows a generous wall-clock bound for "never more than a second each" here;
 * speed itself is measured by `pnpm bench:classifier`.
 */
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const classifier = createRuleClassifier()
const context = { lead: null, campaign: null, outboundEmail: null, now: new Date('2025-03-12T00:00:00Z') }
/**
 * Generous: a slow CI machine. The target (well under a second) is measured by the bench.
 * Counted in CPU time of this process, not wall-clock time: other processes on a busy
 * machine lengthen the latter, but only runaway work here (a regex backtracking, a loop
 * over a huge input) lengthens the former.
 */
const cpuBoundMs = 5_000

async function survive(raw: Buffer | string): Promise<ParsedMessage> {
  const started = process.cpuUsage()
  const message = await parseRawMessage(raw)
  const result = await classifier.classify(message, context)
  const used = process.cpuUsage(started)
  const elapsed = (used.user + used.system) / 1000
  expect(replyCategories).toContain(result.category)
  expect(result.confidence).toBeGreaterThanOrEqual(0)
  expect(result.confidence).toBeLessThanOrEqual(1)
  expect(typeof message.replyText).toBe('string')
  expect(Array.isArray(message.problems)).toBe(true)
  expect(elapsed).toBeLessThan(cpuBoundMs)
  return message
}

const sample = readFileSync(join(fixturesDir, 'machine/001-postfix-user-unknown.eml'))
const htmlSample = readFileSync(join(fixturesDir, 'replies/002-en-positive-outlook.eml'))

/** Small deterministic generator so a failure can be replayed. */
function rng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('parseRawMessage and the classifier on hostile input', () => {
  it('survive every truncation of a DSN and of a multipart reply', async () => {
    for (const source of [sample, htmlSample]) {
      for (let length = 0; length < source.length; length += Math.max(1, Math.floor(source.length / 60))) {
        await survive(source.subarray(0, length))
      }
    }
  })

  it('survive random byte flips and deletions', async () => {
    const random = rng(20250310)
    for (let round = 0; round < 80; round++) {
      const bytes = Buffer.from(round % 2 === 0 ? sample : htmlSample)
      for (let flips = 0; flips < 30; flips++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256)
      const cut = Math.floor(random() * bytes.length)
      await survive(Buffer.concat([bytes.subarray(0, cut), bytes.subarray(cut + Math.floor(random() * 200))]))
    }
  })

  it('survive binary garbage', async () => {
    for (const size of [1, 17, 512, 64 * 1024, 1024 * 1024]) {
      const message = await survive(randomBytes(size))
      expect(message.deliveryStatus).toBeNull()
    }
  })

  it('survive mis-encoded text: wrong and unknown charsets, broken base64 and quoted-printable, invalid UTF-8', async () => {
    const cases = [
      'From: a@example.com\r\nSubject: =?x-unknown-charset?Q?caf=E9?=\r\nContent-Type: text/plain; charset=x-made-up\r\n\r\ncaf\xe9 cr\xe8me\r\n',
      'From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all===\r\n',
      'From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbroken =Z9 soft break =\r\n=\r\n',
      'From: a@example.com\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nHi +AGEAYgBj-\r\n',
      'From: a@example.com\r\nSubject: =?UTF-8?B?////?=\r\nContent-Type: text/html; charset=shift_jis\r\n\r\n<p>\x82\xa0\x82\xa2</p>\r\n',
    ]
    for (const text of cases) await survive(Buffer.from(text, 'latin1'))
    await survive(Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: x\r\n\r\n'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc])]))
  })

  it('survive headers without a body, a body without headers, and absurd header lines', async () => {
    await survive('From: a@example.com\r\nSubject: only headers')
    await survive('\r\n\r\njust a body, no headers at all')
    await survive(`Subject: ${'x'.repeat(200_000)}\r\nFrom: ${'<'.repeat(5000)}\r\n\r\nbody`)
    await survive(`${'X-Header: value\r\n'.repeat(20_000)}\r\nbody`)
    await survive('Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n')
    await survive('Content-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1.1\r\n')
  })

  it('survive deeply nested multiparts and message/rfc822 parts', async () => {
    for (const depth of [50, 500, 3000]) {
      let raw = 'From: a@example.com\r\nSubject: nested\r\n'
      const open: string[] = []
      for (let level = 0; level < depth; level++) {
        raw += `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n`
        open.push(`b${level}`)
      }
      raw += 'Content-Type: text/plain\r\n\r\nYes, interested.\r\n'
      for (const boundary of open.reverse()) raw += `--${boundary}--\r\n`
      await survive(raw)
    }
    let rfc822 = 'From: inner@example.com\r\nSubject: inner\r\n\r\nhello\r\n'
    for (let level = 0; level < 300; level++) {
      rfc822 = `From: a${level}@example.com\r\nContent-Type: message/rfc822\r\n\r\n${rfc822}`
    }
    await survive(rfc822)
    const manyParts = `From: a@example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\nContent-Type: text/plain\r\n\r\npart\r\n'.repeat(5000)}--x--\r\n`
    await survive(manyParts)
  })

  it('survive 10 MB messages: a huge text body, a huge HTML body, a huge attachment, a huge DSN', async () => {
    const tenMegabytes = 10 * 1024 * 1024
    const text = await survive(`From: a@example.com\r\nSubject: big\r\n\r\nSounds good, call me.\r\n${'lorem ipsum dolor sit amet '.repeat(tenMegabytes / 27)}`)
    expect(text.replyText.length).toBeLessThanOrEqual(100_000)
    const html = await survive(`From: a@example.com\r\nContent-Type: text/html\r\n\r\n<div>${'<p><b>nested</b> text</p>'.repeat(tenMegabytes / 25)}</div>`)
    expect(html.problems.some((problem) => problem.part === 'body')).toBe(true)
    const attachment = randomBytes((tenMegabytes * 3) / 4).toString('base64').replace(/.{76}/g, '$&\r\n')
    await survive(`From: a@example.com\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--z\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--z--\r\n`)
    const dsn = await survive(
      `From: MAILER-DAEMON@x.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n${'Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n'.repeat(tenMegabytes / 70)}--r--\r\n`,
    )
    expect(dsn.deliveryStatus?.recipients.length ?? 0).toBeGreaterThan(0)
  })

  it('survive pathological text for the phrase rules and the date parser', async () => {
    const words = ['not', 'interested', 'no', 'yes', 'back', 'on', 'Monday', '12/12/2025', 'unsubscribe?', 'wrote:', '>', 'On', 'Am', 'schrieb', '-- ']
    const random = rng(7)
    let body = ''
    for (let index = 0; index < 40_000; index++) body += `${words[Math.floor(random() * words.length)]}${random() < 0.1 ? '\r\n' : ' '}`
    await survive(`From: a@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\n${body}`)
    await survive(`From: a@example.com\r\nSubject: Re: x\r\n\r\n${'a'.repeat(60_000)}@${'b'.repeat(60_000)}`)
    await survive(`From: a@example.com\r\nSubject: Re: x\r\n\r\n${'On '.repeat(30_000)}wrote:`)
  })
})
