import assert from 'node:assert/strict'
import { ValidationError } from '@cam/core'
import { describe, it } from 'vitest'
import { parseResendTimestamp, resendBounceType, smtpDiagnostic, toResendDeliveryEvent } from '../src/resend-delivery-event.js'

const data = {
  created_at: '2026-01-05T09:00:00.123456+00:00',
  email_id: '56761188-7520-42d8-8898-ff6fc54ce618',
  from: 'Ana <ana@acme.example>',
  to: ['lee@prospect.example'],
  subject: 'Hello Lee',
  message_id: '<cam.1@acme.example>',
}
const event = (type: string, extra: Record<string, unknown> = {}) => ({ type, created_at: '2026-01-05T09:05:00.000Z', data: { ...data, ...extra } })

describe('Resend bounce types → CAM bounce types', () => {
  const cases: Array<[string, string, string]> = [
    ['Permanent', 'General', 'hard'],
    ['Permanent', 'NoEmail', 'hard'],
    ['Permanent', 'Suppressed', 'hard'],
    ['Permanent', 'OnAccountSuppressionList', 'hard'],
    ['Transient', 'General', 'soft'],
    ['Transient', 'MailboxFull', 'soft'],
    ['Transient', 'MessageTooLarge', 'soft'],
    ['Transient', 'ContentRejected', 'block'],
    ['Transient', 'AttachmentRejected', 'block'],
    ['Undetermined', 'Undetermined', 'soft'],
    ['SomethingNew', '', 'soft'],
  ]
  for (const [type, subType, expected] of cases) {
    it(`${type}/${subType} → ${expected}`, () => {
      assert.equal(resendBounceType({ type, subType }), expected)
    })
  }
})

describe('SMTP diagnostics in bounce messages', () => {
  it('finds the reply code with its enhanced status, from there on', () => {
    assert.equal(smtpDiagnostic('smtp; 550 5.1.1 <bob@x.example>: user unknown'), '550 5.1.1 <bob@x.example>: user unknown')
    assert.equal(smtpDiagnostic('Remote server said: 552-5.2.2 mailbox full'), '552-5.2.2 mailbox full')
    assert.equal(smtpDiagnostic('rejected: 550 #5.1.0 Address rejected'), '550 #5.1.0 Address rejected')
  })
  it('takes an enhanced status alone, or a reply code after smtp;', () => {
    assert.equal(smtpDiagnostic('Delivery failed (5.7.1 policy)'), '5.7.1 policy)')
    assert.equal(smtpDiagnostic('smtp; 554 Transaction failed'), '554 Transaction failed')
  })
  it('none in Resend’s own explanations or in unrelated numbers', () => {
    assert.equal(smtpDiagnostic("The recipient's email address is on the suppression list because it has a history of producing hard bounces."), undefined)
    assert.equal(smtpDiagnostic('Message of 550 KB was refused'), undefined)
    assert.equal(smtpDiagnostic('version 10.5.1.2 failed'), undefined)
  })
  it('one line: a CR/LF in the message cannot continue it', () => {
    assert.equal(smtpDiagnostic('550 5.1.1 unknown\r\nInjected: line'), '550 5.1.1 unknown Injected: line')
  })
})

describe('Resend timestamps', () => {
  it('ISO 8601 and the PostgreSQL form, microseconds cut to milliseconds', () => {
    assert.equal(parseResendTimestamp('2024-11-22T23:41:12.126Z')?.toISOString(), '2024-11-22T23:41:12.126Z')
    assert.equal(parseResendTimestamp('2024-11-22T23:41:11.894719+00:00')?.toISOString(), '2024-11-22T23:41:11.894Z')
    assert.equal(parseResendTimestamp('2025-12-29 19:22:57.316919+00')?.toISOString(), '2025-12-29T19:22:57.316Z')
    assert.equal(parseResendTimestamp('2025-12-29 21:22:57+02')?.toISOString(), '2025-12-29T19:22:57.000Z')
    assert.equal(parseResendTimestamp('2025-12-29T19:22')?.toISOString(), '2025-12-29T19:22:00.000Z')
  })
  it('null for anything else', () => {
    for (const value of ['yesterday', '', '2025-13-45T99:99:99Z', '1735500000']) assert.equal(parseResendTimestamp(value), null, value)
  })
})

describe('toResendDeliveryEvent', () => {
  it('email.bounced: provider id, Message-ID, recipient, bounce with diagnostic, the event time', () => {
    const result = toResendDeliveryEvent('msg_1', event('email.bounced', { bounce: { type: 'Permanent', subType: 'General', message: 'smtp; 550 5.1.1 user unknown' } }))
    assert.deepEqual(result, {
      id: 'msg_1',
      provider: 'resend',
      type: 'bounced',
      email: { providerId: data.email_id, messageId: '<cam.1@acme.example>' },
      recipient: 'lee@prospect.example',
      bounce: { type: 'hard', reason: 'Permanent/General: smtp; 550 5.1.1 user unknown', diagnosticCode: '550 5.1.1 user unknown' },
      occurredAt: new Date('2026-01-05T09:05:00.000Z'),
    })
  })

  it('each delivery type, and data.created_at when the event has no time', () => {
    assert.equal(toResendDeliveryEvent('m', event('email.delivered'))?.type, 'delivered')
    assert.equal(toResendDeliveryEvent('m', event('email.delivery_delayed'))?.type, 'delayed')
    assert.equal(toResendDeliveryEvent('m', event('email.complained'))?.type, 'complained')
    const suppressed = toResendDeliveryEvent('m', event('email.suppressed', { suppressed: { type: 'OnAccountSuppressionList', message: 'Previously bounced.' } }))
    assert.deepEqual([suppressed?.type, suppressed?.reason], ['suppressed', 'OnAccountSuppressionList: Previously bounced.'])
    const failed = toResendDeliveryEvent('m', event('email.failed', { failed: { reason: 'reached_daily_quota' } }))
    assert.deepEqual([failed?.type, failed?.reason], ['failed', 'reached_daily_quota'])
    const { created_at: _ignored, ...noTime } = event('email.delivered')
    assert.deepEqual(toResendDeliveryEvent('m', noTime)?.occurredAt, new Date('2026-01-05T09:00:00.123Z'))
  })

  it('null for event types that are not delivery findings, whatever their data', () => {
    for (const type of ['email.sent', 'email.scheduled', 'email.opened', 'email.clicked', 'email.received', 'contact.created', 'domain.updated', 'suppression.added', 'constructor', 'toString']) {
      assert.equal(toResendDeliveryEvent('m', { type, data: 42 }), null, type)
    }
  })

  it('a display-name recipient gives its address; a non-address is left out, never an error', () => {
    assert.equal(toResendDeliveryEvent('m', event('email.delivered', { to: ['"Lee" <lee@prospect.example>'] }))?.recipient, 'lee@prospect.example')
    assert.equal(toResendDeliveryEvent('m', event('email.delivered', { to: ['undisclosed-recipients:;'] }))?.recipient, undefined)
    assert.equal(toResendDeliveryEvent('m', event('email.delivered', { to: [] }))?.recipient, undefined)
  })

  it('a bad payload: one ValidationError naming every bad field', () => {
    const bad = (payload: unknown) => {
      try {
        toResendDeliveryEvent('m', payload)
      } catch (error) {
        assert.ok(ValidationError.isInstance(error))
        return error.issues.map((issue) => issue.path)
      }
      assert.fail('expected a ValidationError')
    }
    assert.deepEqual(bad('text'), ['(root)'])
    assert.deepEqual(bad({ data: {} }), ['type'])
    assert.deepEqual(bad({ type: 'email.bounced', created_at: 'soon', data: { email_id: '', to: 'x', bounce: 'hard' } }), ['created_at', 'data.email_id', 'data.to', 'data.bounce'])
    assert.deepEqual(bad({ type: 'email.bounced', data: { email_id: 'e1' } }), ['created_at', 'data.bounce'])
    assert.deepEqual(bad({ type: 'email.delivered', created_at: '2026-01-05T09:00:00Z', data: { email_id: 'e\u0000' } }), ['data.email_id'])
  })
})
