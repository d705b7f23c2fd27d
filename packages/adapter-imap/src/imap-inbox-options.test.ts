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
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 10_000, maxAttemptsPerFetch: 5, authFailurePauseMs: 900_000 },
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

  it('caps every duration at 2³¹−1 ms (a longer Node.js timer fires after 1 ms), naming each field', () => {
    const tooLong = 3_000_000_000
    const fields = [
      'connectionTimeoutMs',
      'greetingTimeoutMs',
      'socketTimeoutMs',
      'commandTimeoutMs',
      'reconnect.initialDelayMs',
      'reconnect.maxDelayMs',
      'reconnect.authFailurePauseMs',
      'watch.keepaliveIntervalMs',
      'watch.pollIntervalMs',
    ]
    try {
      resolveImapInboxOptions({
        host: 'h',
        auth: { user: 'u', pass: 'p' },
        connectionTimeoutMs: tooLong,
        greetingTimeoutMs: tooLong,
        socketTimeoutMs: tooLong,
        commandTimeoutMs: tooLong,
        reconnect: { initialDelayMs: tooLong, maxDelayMs: tooLong, authFailurePauseMs: tooLong },
        watch: { keepaliveIntervalMs: tooLong, pollIntervalMs: tooLong },
      })
      expect.unreachable()
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true)
      const issues = (error as ValidationError).issues
      expect(issues.map((issue) => issue.path)).toEqual(fields)
      for (const issue of issues) expect(issue.message).toBe('expected at most 2147483647 ms (about 24.8 days), got 3000000000')
    }
    const longest = 2_147_483_647
    const resolved = resolveImapInboxOptions({
      host: 'h',
      auth: { user: 'u', pass: 'p' },
      socketTimeoutMs: longest,
      reconnect: { maxDelayMs: longest, authFailurePauseMs: longest },
      watch: { keepaliveIntervalMs: longest },
    })
    expect(resolved).toMatchObject({ socketTimeoutMs: longest, reconnect: { maxDelayMs: longest, authFailurePauseMs: longest }, watch: { keepaliveIntervalMs: longest } })
  })

  it('rejects an empty password without showing it', () => {
    expect(() => resolveImapInboxOptions({ host: 'h', auth: { user: 'u', pass: '' } })).toThrow(/auth\.pass: expected a non-empty string/)
  })
})
