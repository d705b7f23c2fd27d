// The mapping on replies real servers send (Gmail, Microsoft 365, Postfix), shaped as nodemailer
// reports them; the end-to-end paths are in smtp-errors.test.ts against a real SMTP server.
import { containsControlCharacter } from '@cam/core/adapter-kit'
import { describe, expect, it } from 'vitest'
import { inDoubtProviderCode, toSendError } from '../src/map-smtp-error.js'
import type { SmtpFailure, SmtpStage } from '../src/smtp-connection-pool.js'

const context = { account: 'ana@acme.example@smtp.example.com:587', recipient: 'lee@prospect.example', deferredRetryAfterMs: 300_000 }

function failure(stage: SmtpStage, error: Record<string, unknown>): SmtpFailure {
  const response = typeof error.response === 'string' ? error.response : undefined
  const responseCode = response === undefined ? undefined : Number(/^\d{3}/.exec(response)?.[0])
  return { stage, error: Object.assign(new Error(String(error.message ?? 'failed')), error, responseCode === undefined ? {} : { responseCode }), tokenError: undefined, tokenRefreshed: false, aborted: false }
}
const reply = (stage: SmtpStage, command: string, response: string) =>
  toSendError(failure(stage, { code: command === 'DATA' ? 'EMESSAGE' : 'EENVELOPE', command, response }), context)

describe('toSendError on real-world replies', () => {
  it('Gmail, multi-line 550-5.1.1 at RCPT: a hard refusal with the reply on one line', () => {
    const error = reply('envelope', 'RCPT TO', "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp")
    expect(error).toMatchObject({ kind: 'permanent', field: 'to', scope: 'email', providerCode: '5.1.1' })
    expect(error.refusal).toEqual({
      type: 'hard',
      diagnosticCode:
        "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp",
    })
  })

  it('Microsoft 365 550 5.4.1 (no such recipient in the directory): hard', () => {
    expect(reply('envelope', 'RCPT TO', '550 5.4.1 Recipient address rejected: Access denied. [AS(201806281)]').refusal?.type).toBe('hard')
  })

  it('without enhanced codes: 550 no such user is hard, 554 is a block', () => {
    expect(reply('envelope', 'RCPT TO', '550 No such user here').refusal?.type).toBe('hard')
    expect(reply('envelope', 'RCPT TO', '554 Transaction failed').refusal?.type).toBe('block')
  })

  it('by bounce reason: a disabled or full mailbox is no refusal of the address; a recipient filter is a block', () => {
    expect(reply('envelope', 'RCPT TO', '550 5.2.1 The email account that you tried to reach is disabled').refusal).toBeUndefined()
    expect(reply('envelope', 'RCPT TO', '550 5.1.1 Mailbox disabled for this recipient').refusal).toBeUndefined()
    expect(reply('envelope', 'RCPT TO', "550 5.7.1 Message refused: you are not on the recipient's allow list").refusal?.type).toBe('block')
    expect(reply('envelope', 'RCPT TO', '550 5.0.0 Rejected').refusal).toBeUndefined()
  })

  it('the sending mailbox refused (quota, send-as, blocked account, relaying): scope mailbox, no refusal', () => {
    for (const [stage, command, response] of [
      ['envelope', 'RCPT TO', '550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852 - gsmtp'],
      ['envelope', 'MAIL FROM', '550 5.7.60 SMTP; Client does not have permissions to send as this sender'],
      ['committed', 'DATA', '554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message'],
      ['committed', 'DATA', '550 5.1.8 Access denied, bad outbound sender'],
      ['envelope', 'RCPT TO', '554 5.7.1 <lee@prospect.example>: Relay access denied'],
      ['envelope', 'MAIL FROM', '530 5.7.0 Authentication required'],
    ] as const) {
      const error = reply(stage, command, response)
      expect({ response, kind: error.kind, scope: error.scope, refusal: error.refusal }).toEqual({ response, kind: 'permanent', scope: 'mailbox', refusal: undefined })
    }
  })

  it('a refused login: 535 (Microsoft 365, Gmail) is the mailbox, 454 is temporary', () => {
    const auth = (response: string) => toSendError(failure('auth', { code: 'EAUTH', command: 'AUTH PLAIN', response }), context)
    expect(auth('535 5.7.3 Authentication unsuccessful [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]')).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: '5.7.3' })
    expect(auth('535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp')).toMatchObject({ kind: 'permanent', scope: 'mailbox', providerCode: '5.7.8' })
    expect(auth('454 4.7.0 Temporary authentication failure')).toMatchObject({ kind: 'retryable', scope: 'email' })
  })

  it('4xx: retryable; 421 and 451 with deferredRetryAfterMs, others after the worker’s backoff', () => {
    expect(reply('envelope', 'RCPT TO', '452 4.2.2 The email account that you tried to reach is over quota')).toMatchObject({ kind: 'retryable', retryAfterMs: undefined })
    expect(reply('envelope', 'RCPT TO', '421 4.7.0 Try again later, closing connection. (RCPT) - gsmtp')).toMatchObject({ kind: 'retryable', retryAfterMs: 300_000 })
    expect(reply('committed', 'DATA', '451 4.7.500 Server busy. Please try again later')).toMatchObject({ kind: 'retryable', retryAfterMs: 300_000 })
  })

  it('no answer: retryable before the message was complete, in doubt after it', () => {
    const dropped = (stage: SmtpStage, code: string) => toSendError(failure(stage, { code, command: 'CONN', message: 'Connection closed unexpectedly' }), context)
    expect(dropped('envelope', 'ECONNECTION')).toMatchObject({ kind: 'retryable' })
    expect(dropped('body', 'ESOCKET')).toMatchObject({ kind: 'retryable' })
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET']) {
      const error = dropped('committed', code)
      expect(error).toMatchObject({ kind: 'in_doubt', code: 'SEND_IN_DOUBT', providerCode: inDoubtProviderCode, scope: 'email' })
      expect(error.refusal).toBeUndefined()
    }
  })

  it('server text is made one line without control characters', () => {
    const error = reply('envelope', 'RCPT TO', '550 5.1.1 <lee@prospect.example>\u001b[31m user\u0000 unknown')
    expect(error.refusal?.diagnosticCode).toBe('550 5.1.1 <lee@prospect.example>[31m user unknown')
    expect(containsControlCharacter(error.message)).toBe(false)
  })
})

describe('toSendError: security codes outside a login', () => {
  it("Yahoo's 554 5.7.9 policy rejection of the message is a block, not the mailbox", () => {
    const error = reply('committed', 'DATA', '554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes')
    expect(error).toMatchObject({ kind: 'permanent', scope: 'email' })
    expect(error.refusal?.type).toBe('block')
  })
})
