import { describe, expect, it } from 'vitest'
import { InboxError } from '@cam/core'
import { toInboxError } from './imap-errors.js'

const context = { account: 'sales@example.com@imap.example.com:993', operation: 'fetch', mailbox: 'INBOX' }

describe('toInboxError', () => {
  it('refused credentials are permanent (imapflow flag or RFC 5530 response code)', () => {
    const flagged = toInboxError(Object.assign(new Error('Command failed'), { authenticationFailed: true, responseText: 'Invalid credentials' }), context)
    expect(flagged.permanent).toBe(true)
    expect(flagged.code).toBe('INBOX_AUTH_FAILED')
    expect(flagged.message).toContain('server said: Invalid credentials')
    expect(toInboxError(Object.assign(new Error('x'), { serverResponseCode: 'AUTHENTICATIONFAILED' }), context).permanent).toBe(true)
  })

  it('a missing mailbox, an untrusted certificate and an unusable login mechanism are permanent', () => {
    expect(toInboxError(Object.assign(new Error('x'), { mailboxMissing: true }), context).message).toContain('"INBOX" does not exist')
    expect(toInboxError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), context).permanent).toBe(true)
    expect(toInboxError(new Error('Unsupported authentication mechanism'), context).permanent).toBe(true)
  })

  it('network failures are transient and keep the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:993'), { code: 'ECONNREFUSED' })
    const error = toInboxError(cause, context)
    expect(error.permanent).toBe(false)
    expect(error.code).toBe('INBOX_FAILED')
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('IMAP fetch on sales@example.com@imap.example.com:993 mailbox "INBOX" failed [ECONNREFUSED]: connect ECONNREFUSED 127.0.0.1:993')
  })

  it('passes InboxErrors through unchanged', () => {
    const original = new InboxError('already wrapped', { permanent: true })
    expect(toInboxError(original, context)).toBe(original)
  })
})
