/** Redaction of the text sent to the model: contact details out, dates and amounts kept. */
import { describe, expect, test } from 'vitest'
import { redactContactDetails } from '../src/redact-contact-details.js'

const both = { emails: true, phones: true }

describe('redactContactDetails', () => {
  test.each([
    ['+49 30 1234567'],
    ['(555) 123-4567'],
    ['+1.555.123.4567'],
    ['030/1234567'],
    ['0171 2345678'],
    ['+44 20 7946 0958'],
    ['06 12 34 56 78'],
  ])('the phone number %s becomes [phone]', (phone) => {
    const redacted = redactContactDetails(`Call me on ${phone} tomorrow.`, both)
    expect(redacted.text).toBe('Call me on [phone] tomorrow.')
    expect(redacted.phoneCount).toBe(1)
  })

  test.each([['back on 2026-03-09'], ['zurück am 09.03.2026'], ['ab 9.3. wieder da'], ['back 03/09/2026'], ['budget of $12,000 in 2026'], ['order 4711'], ['from 9:00-17:00']])(
    '%s is kept',
    (text) => {
      expect(redactContactDetails(text, both)).toEqual({ text, emails: new Map(), phoneCount: 0 })
    },
  )

  test('each address gets its own numbered placeholder, the same address the same one; the map leads back', () => {
    const redacted = redactContactDetails('Ask Carol.C@prospect.example or jürgen@müller.example; cc carol.c@PROSPECT.example.', both)
    expect(redacted.text).toBe('Ask [email 1] or [email 2]; cc [email 1].')
    expect([...redacted.emails]).toEqual([
      ['[email 1]', 'Carol.C@prospect.example'],
      ['[email 2]', 'jürgen@müller.example'],
    ])
  })

  test('per kind, or not at all', () => {
    const text = 'Mail bob@prospect.example or call +49 30 1234567.'
    expect(redactContactDetails(text, { emails: true, phones: false }).text).toBe('Mail [email 1] or call +49 30 1234567.')
    expect(redactContactDetails(text, { emails: false, phones: true }).text).toBe('Mail bob@prospect.example or call [phone].')
    expect(redactContactDetails(text, { emails: false, phones: false }).text).toBe(text)
  })
})
