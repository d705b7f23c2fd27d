import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseRawMessage } from '../src/index.js'
import { extractReplyText } from '../src/mime/extract-reply-text.js'

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const fixture = (file: string) => readFileSync(join(fixturesDir, file))

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')

describe('parseRawMessage', () => {
  it('reads identifiers, addresses, subject, date and headers of a Gmail reply', async () => {
    const message = await parseRawMessage(fixture('replies/001-en-positive-gmail.eml'))
    expect(message.messageId).toMatch(/^<CA.+@mail\.gmail\.com>$/)
    expect(message.inReplyTo).toBe('<cam.0.0@acme-outreach.io>')
    expect(message.references).toEqual(['<cam.step1.0@acme-outreach.io>', '<cam.0.0@acme-outreach.io>'])
    expect(message.from).toEqual({ name: 'Ana Silva', address: 'ana.silva@northwind.io' })
    expect(message.to).toEqual([{ name: 'Sam Carter', address: 'sam@acme-outreach.io' }])
    expect(message.subject).toBe('Re: Quick question about Northwind sales')
    expect(message.date).toBeInstanceOf(Date)
    expect(message.headers['subject']).toBe('Re: Quick question about Northwind sales')
    expect(message.headers['dkim-signature']).toMatch(/^v=1; a=rsa-sha256/)
    expect(message.headers['references']).toBe('<cam.step1.0@acme-outreach.io> <cam.0.0@acme-outreach.io>')
    expect(message.text).toContain('Sounds interesting')
    expect(message.html).toContain('gmail_quote')
    expect(message.replyText).toBe('Hi Sam,\n\nSounds interesting. Could we talk Thursday at 2pm ET?')
    expect(message.deliveryStatus).toBeNull()
    expect(message.feedbackReport).toBeNull()
    expect(message.originalMessageId).toBeNull()
    expect(message.automation).toEqual({
      autoSubmitted: null,
      autoReplyHeader: false,
      precedence: null,
      fromMailerDaemon: false,
      nullReturnPath: false,
      listMessage: false,
      autoReplySubject: false,
    })
    expect(message.problems).toEqual([])
  })

  it('decodes RFC 2047 subjects and names, and keeps repeated headers in order', async () => {
    const raw = crlf(
      [
        'Received: from a.example by b.example; Mon, 10 Mar 2025 09:00:00 +0000',
        'Received: from c.example by a.example; Mon, 10 Mar 2025 08:59:59 +0000',
        'From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>',
        'To: a@example.com, "B, C" <bc@example.com>',
        'Cc: undisclosed-recipients:;',
        'Subject: =?UTF-8?B?QVc6IEvDvHJ6ZSBGcmFnZQ==?=',
        'Date: Mon, 10 Mar 2025 10:00:00 +0100',
        'Message-ID: <abc@example.de>',
        '',
        'Hallo',
      ].join('\n'),
    )
    const message = await parseRawMessage(raw)
    expect(message.subject).toBe('AW: Kürze Frage')
    expect(message.from).toEqual({ name: 'Jürgen Müller', address: 'jm@example.de' })
    expect(message.to.map((address) => address.address)).toEqual(['a@example.com', 'bc@example.com'])
    expect(message.headers['received']).toEqual([
      'from a.example by b.example; Mon, 10 Mar 2025 09:00:00 +0000',
      'from c.example by a.example; Mon, 10 Mar 2025 08:59:59 +0000',
    ])
    expect(message.date?.toISOString()).toBe('2025-03-10T09:00:00.000Z')
  })

  it('reports an unreadable Date as a problem and returns null instead of "now"', async () => {
    const message = await parseRawMessage('From: a@example.com\r\nDate: sometime last week\r\nSubject: hi\r\n\r\nbody\r\n')
    expect(message.date).toBeNull()
    expect(message.problems).toContainEqual({ part: 'headers', message: 'the Date header could not be read as a date' })
  })

  it('accepts a Buffer, a Uint8Array and a string alike', async () => {
    const text = 'From: a@example.com\r\nSubject: hi\r\nMessage-ID: <x@y>\r\n\r\nhello there\r\n'
    const fromString = await parseRawMessage(text)
    const fromBuffer = await parseRawMessage(Buffer.from(text))
    const fromBytes = await parseRawMessage(new TextEncoder().encode(text))
    for (const message of [fromString, fromBuffer, fromBytes]) {
      expect(message.messageId).toBe('<x@y>')
      expect(message.replyText).toBe('hello there')
    }
  })

  it('never throws on a wrong input type or an empty message: it lists the problem', async () => {
    const wrong = await parseRawMessage(42 as unknown as string)
    expect(wrong.problems).toEqual([{ part: 'input', message: 'expected a Buffer, Uint8Array or string, got number' }])
    const empty = await parseRawMessage('')
    expect(empty.problems[0]?.message).toBe('the message is empty')
    expect(empty.replyText).toBe('')
  })

  it('extracts plain reply text from HTML-only mail, cutting the quoted history', async () => {
    const message = await parseRawMessage(fixture('replies/005-en-positive-outlook-mobile.eml'))
    expect(message.html).toContain('divRplyFwdMsg')
    expect(message.text).toContain('This could be relevant for us')
    expect(message.text).toContain('Acme books more meetings')
    expect(message.replyText).toBe("This could be relevant for us. I'd like to learn more - are you free Wednesday morning?")
    expect(message.replyText).not.toContain('<')
  })

  it('parses an RFC 3464 DSN and finds the returned message id', async () => {
    const message = await parseRawMessage(fixture('machine/001-postfix-user-unknown.eml'))
    expect(message.deliveryStatus).toEqual({
      fields: {
        'reporting-mta': 'dns; mx.acme-outreach.io',
        'x-postfix-queue-id': '4Z8Q2k6c3Lz9rxL',
        'x-postfix-sender': 'rfc822; sam@acme-outreach.io',
        'arrival-date': 'Mon, 10 Mar 2025 09:00:12 +0000 (UTC)',
      },
      reportingMta: 'mx.acme-outreach.io',
      recipients: [
        {
          finalRecipient: 'j.doe@northwind-traders.com',
          originalRecipient: 'j.doe@northwind-traders.com',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: '550 5.1.1 <j.doe@northwind-traders.com>: Recipient address rejected: User unknown in virtual mailbox table',
          remoteMta: 'mx1.northwind-traders.com',
        },
      ],
    })
    expect(message.originalMessageId).toMatch(/^<cam\..+@acme-outreach\.io>$/)
    expect(message.automation.fromMailerDaemon).toBe(true)
    expect(message.automation.nullReturnPath).toBe(true)
    expect(message.autoSubmitted).toBe('auto-replied')
  })

  it('parses message/global-delivery-status with UTF-8 addresses', async () => {
    const message = await parseRawMessage(fixture('machine/025-global-delivery-status-utf8.eml'))
    expect(message.deliveryStatus?.recipients[0]?.finalRecipient).toBe('josé.garcía@correo.example')
  })

  it('finds the original Message-ID in a text/rfc822-headers part and in a qmail text bounce', async () => {
    const headersOnly = await parseRawMessage(fixture('machine/002-postfix-mailbox-full.eml'))
    expect(headersOnly.originalMessageId).toMatch(/^<cam\./)
    const qmail = await parseRawMessage(fixture('machine/027-qmail-user-unknown.eml'))
    expect(qmail.deliveryStatus).toBeNull()
    expect(qmail.originalMessageId).toMatch(/^<cam\./)
  })

  it('parses an ARF feedback report', async () => {
    const message = await parseRawMessage(fixture('machine/044-arf-yahoo-abuse.eml'))
    expect(message.feedbackReport).toMatchObject({
      feedbackType: 'abuse',
      userAgent: 'Yahoo!-Mail-Feedback/2.0',
      version: '1',
      originalMailFrom: 'bounces+cam@acme-outreach.io',
      originalRcptTo: ['ann.taylor@yahoo.com'],
      arrivalDate: 'Mon, 10 Mar 2025 09:00:14 +0000',
      sourceIp: '198.51.100.23',
      reportedDomain: 'acme-outreach.io',
    })
    expect(message.originalMessageId).toMatch(/^<cam\./)
  })

  it('reads automation signals and ignores X-Auto-Response-Suppress', async () => {
    const outlook = await parseRawMessage(
      crlf('From: a@example.com\nSubject: Re: hello\nX-Auto-Response-Suppress: All\nMessage-ID: <m@x>\n\nSounds good\n'),
    )
    expect(outlook.automation.autoSubmitted).toBeNull()
    expect(outlook.automation.autoReplyHeader).toBe(false)
    const oof = await parseRawMessage(fixture('machine/051-ooo-exchange-en-until.eml'))
    expect(oof.automation).toMatchObject({ autoSubmitted: 'auto-generated', autoReplySubject: true })
    const list = await parseRawMessage(fixture('machine/076-newsletter-bulk.eml'))
    expect(list.automation).toMatchObject({ precedence: 'bulk', listMessage: true })
    const noAuto = await parseRawMessage(crlf('From: a@example.com\nAuto-Submitted: no\n\nhi\n'))
    expect(noAuto.autoSubmitted).toBeNull()
  })
})

describe('extractReplyText', () => {
  it.each([
    ['English Gmail', 'Yes, Tuesday works.\n\nOn Tue, Mar 4, 2025 at 10:11 AM Sam Carter <sam@acme.io> wrote:\n> Are you interested?'],
    ['English wrapped', 'Yes, Tuesday works.\n\nOn Tue, Mar 4, 2025 at 10:11 AM Sam Carter <\nsam@acme.io> wrote:\n\n> Are you interested?'],
    ['German', 'Yes, Tuesday works.\n\nAm Di., 4. März 2025 um 10:11 Uhr schrieb Sam Carter <sam@acme.io>:\n> Interesse?'],
    ['German (Outlook for Mac)', 'Yes, Tuesday works.\n\nSam Carter <sam@acme.io> schrieb am Di., 4. März 2025, 10:11:\n> Interesse?'],
    ['French', 'Yes, Tuesday works.\n\nLe mar. 4 mars 2025 à 10:11, Sam Carter <sam@acme.io> a écrit :\n> Intéressé ?'],
    ['Spanish', 'Yes, Tuesday works.\n\nEl mar, 4 mar 2025 a las 10:11, Sam Carter (<sam@acme.io>) escribió:\n> ¿Le interesa?'],
    ['Portuguese', 'Yes, Tuesday works.\n\nEm ter., 4 de mar. de 2025 às 10:11, Sam Carter <sam@acme.io> escreveu:\n> Interesse?'],
    ['Dutch', 'Yes, Tuesday works.\n\nOp di 4 mrt 2025 om 10:11 schreef Sam Carter <sam@acme.io>:\n> Interesse?'],
    ['Outlook', 'Yes, Tuesday works.\n\n________________________________\nFrom: Sam Carter <sam@acme.io>\nSent: Tuesday, March 4, 2025 10:11 AM\nTo: Ana <ana@x.io>\nSubject: Quick question\n\nAre you interested?'],
    ['Outlook German', 'Yes, Tuesday works.\n\nVon: Sam Carter <sam@acme.io>\nGesendet: Dienstag, 4. März 2025 10:11\nAn: Ana <ana@x.io>\nBetreff: Kurze Frage\n\nInteresse?'],
    ['Outlook French', 'Yes, Tuesday works.\n\nDe : Sam Carter <sam@acme.io>\nEnvoyé : mardi 4 mars 2025 10:11\nÀ : Ana <ana@x.io>\nObjet : Petite question'],
    ['Original Message', 'Yes, Tuesday works.\n\n-----Original Message-----\nFrom: Sam Carter\nAre you interested?'],
    ['Forwarded', 'Yes, Tuesday works.\n\n---------- Forwarded message ---------\nFrom: Sam Carter <sam@acme.io>\nAre you interested?'],
    ['Apple forwarded', 'Yes, Tuesday works.\n\nBegin forwarded message:\n\nFrom: Sam Carter <sam@acme.io>'],
    ['signature', 'Yes, Tuesday works.\n\n-- \nAna Silva\nCEO, Northwind'],
    ['mobile footer', 'Yes, Tuesday works.\n\nSent from my iPhone'],
    ['valediction', 'Yes, Tuesday works.\n\nBest regards,\nAna Silva\nNorthwind | +1 555 0100'],
    ['German valediction', 'Yes, Tuesday works.\n\nMit freundlichen Grüßen\nJonas Weber'],
  ])('keeps only the new text (%s)', (_, body) => {
    expect(extractReplyText(body)).toBe('Yes, Tuesday works.')
  })

  it('keeps a bottom-posted answer and inline answers between quotes', () => {
    expect(extractReplyText('On Tue, Mar 4, 2025 at 10:11 AM Sam <sam@acme.io> wrote:\n> Are you interested?\n\nYes, call me Friday.')).toBe('Yes, call me Friday.')
    expect(extractReplyText('> What does it cost?\nAbout 50 EUR.\n> Does it work with HubSpot?\nYes.')).toBe('About 50 EUR.\nYes.')
  })

  it('does not cut at a closing formula that carries the message ("Thanks, let\'s talk")', () => {
    expect(extractReplyText("Hi Sam,\nThanks, let's talk Tuesday.")).toBe("Hi Sam,\nThanks, let's talk Tuesday.")
  })

  it('reads only the start of a huge body', () => {
    const huge = `Short answer.\n${'filler line\n'.repeat(200_000)}`
    expect(extractReplyText(huge, { maxInputLength: 1000 }).startsWith('Short answer.')).toBe(true)
  })
})
