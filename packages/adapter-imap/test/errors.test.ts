import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InboxError } from '@cam/core'
import { createImapInbox } from '../src/index.js'
import { startDovecot, type DovecotServer } from './support/dovecot-server.js'
import { collect, createTestInbox, waitUntil } from './support/test-mail.js'
import { createRecordingLogger } from '@cam/core/testing'

let server: DovecotServer

beforeAll(async () => {
  server = await startDovecot()
})
afterAll(async () => {
  await server?.dispose()
})

async function failure(promise: Promise<unknown>): Promise<InboxError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(InboxError.isInstance(error), `expected an InboxError, got ${String(error)}`).toBe(true)
  return error as InboxError
}

describe('errors against a real Dovecot', () => {
  it('a wrong password gives a clear permanent error, without the password in it or in the logs', async () => {
    const wrongPassword = 'not-the-password-9f2c'
    const logger = createRecordingLogger()
    const inbox = createTestInbox(server, { auth: { user: server.user, pass: wrongPassword }, logger })
    const error = await failure(collect(inbox.fetch(null)))
    expect(error.permanent).toBe(true)
    expect(error.code).toBe('INBOX_AUTH_FAILED')
    expect(error.message).toMatch(/authentication failed/i)
    expect(error.message).toContain(`${server.user}@127.0.0.1:${server.port}`)
    expect(error.message).not.toContain(wrongPassword)
    expect(logger.text()).not.toContain(wrongPassword)
    await inbox.close()
  })

  it('does not hammer the server after a refused login: the pause rethrows without connecting', async () => {
    // Its own server, so no other test's failed logins show up in the log being counted.
    const own = await startDovecot()
    try {
      const authFailuresInLog = () => (own.log().match(/auth failed/g) ?? []).length
      const inbox = createTestInbox(own, {
        auth: { user: own.user, pass: 'wrong-again' },
        reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttemptsPerFetch: 5, authFailurePauseMs: 60_000 },
      })
      const first = await failure(collect(inbox.fetch(null)))
      // Dovecot logs a failed login when the client disconnects.
      await waitUntil(() => authFailuresInLog() >= 1, 5_000, 'the failed login in the Dovecot log')
      const second = await failure(collect(inbox.fetch(null)))
      const third = await failure(inbox.watch({ onNewMail: () => {} }))
      expect(second).toBe(first)
      expect(third).toBe(first)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(authFailuresInLog()).toBe(1) // one login attempt in all, not one per call or retry
      await inbox.close()
    } finally {
      await own.dispose()
    }
  })

  it('watch() with a wrong password rejects with a permanent error', async () => {
    const inbox = createTestInbox(server, { auth: { user: server.user, pass: 'wrong' } })
    const error = await failure(inbox.watch({ onNewMail: () => {} }))
    expect(error.permanent).toBe(true)
    expect(error.code).toBe('INBOX_AUTH_FAILED')
    await inbox.close()
  })

  it('a mailbox that does not exist is a permanent error naming it', async () => {
    const inbox = createTestInbox(server, { mailboxes: ['No-Such-Folder'] })
    const error = await failure(collect(inbox.fetch(null)))
    expect(error.permanent).toBe(true)
    expect(error.message).toContain('"No-Such-Folder"')
    await inbox.close()
  })

  it('a server that cannot be reached is a transient error once the reconnect attempts are used up', async () => {
    const inbox = createImapInbox({
      host: '127.0.0.1',
      port: 1, // nothing listens there
      secure: false,
      auth: { user: 'alice', pass: 'secret' },
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttemptsPerFetch: 2 },
    })
    const error = await failure(collect(inbox.fetch(null)))
    expect(error.permanent).toBe(false)
    expect(error.code).toBe('INBOX_FAILED')
    expect(error.message).toMatch(/ECONNREFUSED/)
    await inbox.close()
  })

  it('logs in with an OAuth2 access token, asking the token function again for every new connection', async () => {
    const tokens: string[] = []
    // Dovecot here checks the bearer token against its passdb, so the password is a valid token.
    const inbox = createTestInbox(server, {
      auth: {
        user: server.user,
        accessToken: async () => {
          tokens.push('issued')
          return server.password
        },
      },
    })
    expect(await collect(inbox.fetch(null))).toEqual([])
    expect(tokens).toHaveLength(1)
    await inbox.close() // the next fetch opens a new connection
    expect(await collect(inbox.fetch(null))).toEqual([])
    expect(tokens).toHaveLength(2)
    await inbox.close()
  })

  it('a rejected OAuth2 token is a permanent error', async () => {
    const inbox = createTestInbox(server, { auth: { user: server.user, accessToken: 'expired-token' } })
    const error = await failure(collect(inbox.fetch(null)))
    expect(error.permanent).toBe(true)
    expect(error.message).not.toContain('expired-token')
    await inbox.close()
  })
})
