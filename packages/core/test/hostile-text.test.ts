import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { containsControlCharacter, normalizeMessageId, sanitizeText, toSingleLine } from '../src/adapter-kit/index.js'
import { createCamClient, createCamWorker, isEmailAddress, parseRawMessage } from '../src/index.js'
import { createManualClock, createMemoryAlertChannel, createMemoryInbox, createMemorySender, createMemoryStore } from '../src/testing/index.js'

// Text from leads, campaigns and replies is sanitised once, where it enters the domain
// (control characters removed, lone surrogates replaced, one-line fields folded), so every
// store, sender and alert channel receives the same clean text.

const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const removedControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const anyControl = /[\u0000-\u001f\u007f-\u009f]/
const loneSurrogate = /\p{Cs}/u

/** Every string inside `value` (objects and arrays walked). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsOf)
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) return Object.values(value).flatMap(stringsOf)
  return []
}

describe('plain-text rules', () => {
  it('sanitizeText removes control characters except tab, LF and CR, and replaces lone surrogates', () => {
    expect(sanitizeText('Bo\u0000b\r\n\tSmith\u001b[31m\u0008\u007f\u0085\u009f')).toBe('Bob\r\n\tSmith[31m')
    expect(sanitizeText('half \ud83d and \ude00, whole \ud83d\ude00')).toBe('half \ufffd and \ufffd, whole \ud83d\ude00')
    const clean = 'Grüße — 你好 😀\nline two'
    expect(sanitizeText(clean)).toBe(clean)
    expect(sanitizeText(sanitizeText('a\u0000\ud800'))).toBe('a\ufffd')
  })

  it('toSingleLine folds line breaks and tabs into one space, removes other controls and trims', () => {
    expect(toSingleLine('  Re: Hi \r\n*Category* Positive\u0000 ')).toBe('Re: Hi *Category* Positive')
    expect(toSingleLine('a\u2028b\u2029c\u0085d\u000be\u000cf\tg')).toBe('a b c d e f g')
    expect(toSingleLine('keeps  inner  spacing')).toBe('keeps  inner  spacing')
    expect(toSingleLine('x\n\n\n  y')).toBe('x y')
    for (const text of ['a\nb', 'a\u0000b\u001b', 'x\ud800']) expect(toSingleLine(text)).not.toMatch(anyControl)
  })

  it('containsControlCharacter and isEmailAddress: NUL, DEL, ESC, backspace, tab and lone surrogates make an address invalid', () => {
    for (const bad of ['bo\u0000b@prospect.example', 'bob\u007f@prospect.example', 'bob\u001b@prospect.example', 'bo\bb@prospect.example', 'bo\tb@prospect.example', 'bob@prospect\u0085.example', 'bo\ud800b@prospect.example']) {
      expect(containsControlCharacter(bad)).toBe(true)
      expect(isEmailAddress(bad)).toBe(false)
    }
    expect(containsControlCharacter('bob@prospect.example 😀')).toBe(false)
    expect(isEmailAddress(' bob@prospect.example ')).toBe(true)
    expect(normalizeMessageId('<a\u0000b@host>')).toBeNull()
    expect(normalizeMessageId('<ab@host>')).toBe('<ab@host>')
  })
})

describe('lead and campaign input on the memory store', () => {
  it('addLeads: text fields are sanitised and stored, addresses and variable names with control characters reported, the valid leads stored', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const campaign = await client.createCampaign({ name: 'Leads', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Hi {{ firstName }}', text: 'Hello {{ role }}', delayDays: 0 }] })
    const report = await client.addLeads(campaign.id, [
      { email: 'valid@prospect.example', firstName: 'Val', variables: { role: 'CTO' } },
      { email: 'nul@prospect.example', firstName: 'Bo\u0000b', lastName: 'Sur\ud800rogate', company: 'Acme\u001b[31m\nInc', variables: { role: 'Head\u0000 of\nsales\u0007', note: 'x\udc00y', count: 3 } },
      { email: 'bo\u0000b@prospect.example', firstName: 'Nul address', variables: { role: 'x' } },
      { email: 'del\u007f@prospect.example', variables: { role: 'x' } },
      { email: 'esc\u001b@prospect.example', variables: { role: 'x' } },
      { email: 'back\bspace@prospect.example', lastName: 'x\u0000', variables: { role: 'x' } },
      { email: 'variable-name@prospect.example', firstName: 'V', variables: { role: 'x', 'ro\u0000le': 'y' } },
      { email: 'only-controls@prospect.example', firstName: '\u0000\u0001', variables: { role: 'x' } },
    ])
    expect(report.invalidLeads.map((lead) => ({ index: lead.index, issues: lead.issues }))).toEqual([
      { index: 2, issues: [{ path: 'email', message: 'expected an email address without control characters' }] },
      { index: 3, issues: [{ path: 'email', message: 'expected an email address without control characters' }] },
      { index: 4, issues: [{ path: 'email', message: 'expected an email address without control characters' }] },
      { index: 5, issues: [{ path: 'email', message: 'expected an email address without control characters' }] },
      { index: 6, issues: [{ path: 'variables', message: 'expected variable names without control characters' }] },
      // No first name is left, and the subject needs one.
      { index: 7, issues: [{ path: 'firstName', message: expect.stringContaining('template variable "firstName"') }] },
    ])
    expect(report.added).toBe(2)
    const hostile = report.addedLeads.find((lead) => lead.emailNormalized === 'nul@prospect.example')
    expect(hostile).toMatchObject({ firstName: 'Bob', lastName: 'Sur\ufffdrogate', company: 'Acme[31m Inc', variables: { role: 'Head of\nsales', note: 'x\ufffdy', count: '3' } })
    expect(report.addedLeads.map((lead) => lead.emailNormalized).sort()).toEqual(['nul@prospect.example', 'valid@prospect.example'])
  })

  it('createCampaign: the name and sender name are one line, templates lose control characters; a sender address with one is refused', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const campaign = await client.createCampaign({
      name: ' Spring\u0000 outreach\nQ2 ',
      sender: { email: 'ana@sender.example', name: 'Ana\u0000\r\nBcc: evil@attacker.example' },
      steps: [{ subject: 'Hi\u0000 {{ firstName }}', text: 'Hello\u0000\nthere\ud800', html: '<p>Hello\u001b</p>', delayDays: 0 }],
    })
    expect(campaign).toMatchObject({ name: 'Spring outreach Q2', sender: { name: 'Ana Bcc: evil@attacker.example' } })
    expect(campaign.steps[0]).toMatchObject({ subject: 'Hi {{ firstName }}', text: 'Hello\nthere\ufffd', html: '<p>Hello</p>' })
    await expect(client.updateCampaign(campaign.id, { name: '\u0000' })).rejects.toMatchObject({ issues: [{ path: 'name', message: 'expected a non-empty name' }] })
    await expect(
      client.createCampaign({ name: 'x', sender: { email: 'ana\u0000@sender.example', replyTo: 'r\u001b@sender.example' }, steps: [{ subject: 's', text: 't', delayDays: 0 }], nurtureCampaignId: 'c\u0000' }),
    ).rejects.toMatchObject({
      issues: [
        { path: 'sender.email', message: 'expected an email address without control characters' },
        { path: 'sender.replyTo', message: 'expected an email address without control characters' },
        { path: 'nurtureCampaignId', message: 'expected a campaign id without control characters' },
      ],
    })
  })
})

describe('replies and sent emails', () => {
  const boundary = `b-${randomUUID()}`
  const hostileReply = (inReplyTo: string) =>
    [
      'From: "Bob\u0000 \u001b[2JProspect" <bob@prospect.example>',
      'To: Ana <ana@sender.example>',
      `Subject: =?utf-8?B?${Buffer.from('Re: Hello\u0000\n*Category* Negative\r\n*Lead* someone else', 'utf8').toString('base64')}?=`,
      'Date: Mon, 02 Mar 2026 10:05:00 +0000',
      `Message-ID: <${randomUUID()}@prospect.example>`,
      `In-Reply-To: ${inReplyTo}`,
      `References: <x\u0000y@prospect.example> ${inReplyTo}`,
      'X-Note: a\u0000b',
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from("Yes\u0000, I'm interested\u001b[0m. Let's book a call.\r\n\r\nOn Mon, Ana wrote:\r\n> Hello\u0000\r\n", 'utf8').toString('base64'),
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      "<p>Yes\u0000, I'm interested.</p>",
      `--${boundary}--`,
      '',
    ].join('\r\n')

  it('parseRawMessage: no control character (but tab, CR, LF in bodies) and no lone surrogate in anything it returns; the subject is one line', async () => {
    const parsed = await parseRawMessage(hostileReply('<first@sender.example>'))
    expect(parsed.subject).toBe('Re: Hello *Category* Negative *Lead* someone else')
    expect(parsed.from).toEqual({ name: 'Bob [2JProspect', address: 'bob@prospect.example' })
    expect(parsed.replyText).toBe("Yes, I'm interested[0m. Let's book a call.")
    expect(parsed.html).toBe("<p>Yes, I'm interested.</p>")
    expect(parsed.headers['x-note']).toBe('ab')
    expect(parsed.references).toEqual(['<first@sender.example>'])
    for (const text of stringsOf(parsed)) {
      expect(text).not.toMatch(removedControls)
      expect(text).not.toMatch(loneSurrogate)
    }
    for (const text of stringsOf({ subject: parsed.subject, from: parsed.from, headers: parsed.headers, references: parsed.references })) expect(text).not.toMatch(anyControl)
  })

  it('a worker alerts the reply with a one-line subject and clean text; a subject rendered with a line separator or tab goes out on one line', async () => {
    const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
    const store = createMemoryStore({ clock })
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      name: 'Replies',
      sender: { email: 'ana@sender.example', name: 'Ana' },
      // A variable holding a line separator or a tab must not reach the Subject header as one.
      steps: [{ subject: 'Hello {{ topic }}', text: 'Hi\n{{ topic }}', delayDays: 0 }],
      schedule: anytime,
      rules: [],
    })
    await client.addLeads(campaign.id, [{ email: 'bob@prospect.example', firstName: 'Bob', lastName: 'P', variables: { topic: 'pricing\u2028Bcc: evil@attacker.example\tnow' } }])
    await client.startCampaign(campaign.id)
    const inbox = createMemoryInbox()
    const sender = createMemorySender()
    const slack = createMemoryAlertChannel({ name: 'slack' })
    const worker = createCamWorker({ store, inbox, sender, alerts: [slack], clock, config: { stopOnSignals: false } })
    await worker.runOnce()
    const [sent] = sender.sent
    expect(sent!.email.subject).toBe('Hello pricing Bcc: evil@attacker.example now')
    expect(sent!.email.text).toBe('Hi\npricing\u2028Bcc: evil@attacker.example\tnow')
    expect(sent!.email.to).toEqual({ email: 'bob@prospect.example', name: 'Bob P' })

    inbox.deliver(hostileReply(sent!.email.messageId))
    await worker.runOnce()
    expect(slack.delivered).toHaveLength(1)
    const { alert } = slack.delivered[0]!
    expect(alert).toMatchObject({ category: 'positive', subject: 'Re: Hello *Category* Negative *Lead* someone else' })
    const [message] = await store.listInboundMessages({ limit: 1 })
    expect(message).toMatchObject({ status: 'processed' })
    for (const text of stringsOf([alert, message!.classification, message!.note])) {
      expect(text).not.toMatch(removedControls)
      expect(text).not.toMatch(loneSurrogate)
    }
  })
})
