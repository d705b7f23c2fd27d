import { ValidationError } from '@cam/core'
import { describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSenderOptions } from '../src/index.js'

function validationError(options: unknown): ValidationError {
  try {
    createSmtpSender(options as SmtpSenderOptions)
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true)
    return error as ValidationError
  }
  throw new Error('expected createSmtpSender to throw')
}

describe('createSmtpSender options', () => {
  it('lists every bad field at once, never echoing a secret', () => {
    const error = validationError({
      host: 'smtp example com',
      port: 70_000,
      secure: 'yes',
      auth: { user: '', pass: 'hunter2-secret', accessToken: 'ya29.secret-token' },
      maxConnections: 0,
      maxMessages: 1.5,
      socketTimeoutMs: 10,
      tls: { ca: 42, rejectUnauthorized: 'no' },
      logger: { info: () => undefined },
      clock: 'now',
      sentFolder: { imap: { port: 0 }, mailbox: '' },
    })
    expect(error.code).toBe('CONFIG_INVALID')
    const paths = error.issues.map((issue) => issue.path).sort()
    expect(paths).toEqual(
      [
        'auth',
        'auth.user',
        'clock',
        'host',
        'logger',
        'maxConnections',
        'maxMessages',
        'port',
        'secure',
        'sentFolder.imap.host',
        'sentFolder.imap.port',
        'sentFolder.mailbox',
        'socketTimeoutMs',
        'tls.ca',
        'tls.rejectUnauthorized',
      ].sort(),
    )
    expect(error.issues.find((issue) => issue.path === 'logger')?.message).toContain('debug, warn, error')
    expect(error.message).not.toContain('hunter2-secret')
    expect(error.message).not.toContain('ya29.secret-token')
  })

  it('refuses requireTls: false with implicit TLS, refreshAccessToken with a password, and a Sent folder without credentials', () => {
    const error = validationError({
      host: 'smtp.example.com',
      secure: true,
      requireTls: false,
      sentFolder: { imap: { host: 'imap.example.com' } },
    })
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['requireTls', 'sentFolder.imap.auth'])
    const refresh = validationError({ host: 'smtp.example.com', auth: { user: 'a', pass: 'p', refreshAccessToken: async () => 't' } })
    expect(refresh.issues.map((issue) => issue.path)).toEqual(['auth.refreshAccessToken'])
  })

  it('needs an options object', () => {
    expect(validationError(undefined).issues).toEqual([{ path: '', message: 'expected an options object' }])
  })

  it('defaults: STARTTLS on 587, implicit TLS on 465, a name naming the account', () => {
    const submission = createSmtpSender({ host: 'smtp.example.com', auth: { user: 'ana@acme.example', pass: 'p' } })
    expect(submission.name).toBe('smtp:ana@acme.example@smtp.example.com')
    expect(submission.idempotent).toBe(false)
    const named = createSmtpSender({ host: 'smtp.example.com', port: 465, name: 'ana-mailbox' })
    expect(named.name).toBe('ana-mailbox')
  })
})
