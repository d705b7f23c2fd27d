import { describe, expect, it } from 'vitest'
import { ValidationError } from '@cam/core'
import { resolveImapInboxOptions, type ImapInboxOptions } from './imap-inbox-options.js'

describe('resolveImapInboxOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveImapInboxOptions({ host: 'imap.gmail.com', auth: { user: 'sales@example.com', pass: 'app-password' } })
    expect(resolved).toMatchObject({
      port: 993,
      secure: true,
      mailboxes: ['INBOX'],
      name: 'imap:sales@example.com@imap.gmail.com',
      markSeen: false,
      maxMessageBytes: 25 * 1024 * 1024,
      batchSize: 100,
      batchBytes: 8 * 1024 * 1024,
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, maxAttemptsPerFetch: 5, authFailurePauseMs: 900_000 },
      watch: { keepaliveIntervalMs: 120_000, pollIntervalMs: 30_000 },
    })
    expect(resolveImapInboxOptions({ host: 'h', secure: false, auth: { user: 'u', accessToken: 't' } }).port).toBe(143)
  })

  it('lists every invalid field at once, and never echoes a secret', () => {
    const bad = {
      host: '',
      port: 70_000,
      auth: { user: 'u', pass: 'hunter2', accessToken: 'token-abc' },
      mailboxes: ['INBOX', '', 'INBOX'],
      batchSize: 0,
      reconnect: { initialDelayMs: 5_000, maxDelayMs: 1_000 },
      logger: { info: () => {} },
    } as unknown as ImapInboxOptions
    try {
      resolveImapInboxOptions(bad)
      expect.unreachable()
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true)
      const validation = error as ValidationError
      expect(validation.code).toBe('CONFIG_INVALID')
      expect(validation.issues.map((issue) => issue.path)).toEqual([
        'host',
        'port',
        'auth',
        'mailboxes.1',
        'mailboxes.2',
        'batchSize',
        'reconnect.maxDelayMs',
        'logger',
      ])
      expect(validation.message).not.toContain('hunter2')
      expect(validation.message).not.toContain('token-abc')
    }
  })

  it('rejects an empty password without showing it', () => {
    expect(() => resolveImapInboxOptions({ host: 'h', auth: { user: 'u', pass: '' } })).toThrow(/auth\.pass: expected a non-empty string/)
  })
})
