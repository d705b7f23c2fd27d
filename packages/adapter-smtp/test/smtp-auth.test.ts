import { SendError } from '@cam/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSender, type SmtpSenderOptions } from '../src/index.js'
import { sampleEmail } from './support/sample-email.js'
import { sendError } from './support/send-error.js'
import { startSmtpTestServer, type SmtpTestServer, type SmtpTestServerOptions } from './support/smtp-test-server.js'
import { createRecordingLogger } from '@cam/core/testing'

const user = 'ana@acme.example'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setUp(serverOptions: SmtpTestServerOptions, senderOptions: Pick<SmtpSenderOptions, 'auth'> & Partial<SmtpSenderOptions>): Promise<{ server: SmtpTestServer; sender: SmtpSender }> {
  const server = await startSmtpTestServer(serverOptions)
  cleanups.push(() => server.close())
  const sender = createSmtpSender({ host: server.host, port: server.port, requireTls: false, ...senderOptions })
  cleanups.push(() => sender.close())
  return { server, sender }
}

const send = (sender: SmtpSender) => sender.send(sampleEmail(), { idempotencyKey: 'key' })

describe('password login', () => {
  it('logs in with AUTH PLAIN when offered', async () => {
    const { server, sender } = await setUp({ passwords: { [user]: 'secret-1' } }, { auth: { user, pass: 'secret-1' } })
    await send(sender)
    expect(server.logins).toEqual([{ method: 'PLAIN', user, ok: true }])
    expect(server.messages[0]!.user).toBe(user)
  })

  it('logs in with AUTH LOGIN when that is all the server offers', async () => {
    const { server, sender } = await setUp({ passwords: { [user]: 'secret-2' }, passwordMethods: ['LOGIN'] }, { auth: { user, pass: 'secret-2' } })
    await send(sender)
    expect(server.logins).toEqual([{ method: 'LOGIN', user, ok: true }])
  })
})

describe('OAuth2 (XOAUTH2)', () => {
  it('logs in with the access token', async () => {
    const { server, sender } = await setUp({ tokens: { [user]: ['token-a'] } }, { auth: { user, accessToken: 'token-a' } })
    await send(sender)
    expect(server.logins).toEqual([{ method: 'XOAUTH2', user, ok: true }])
    expect(server.messages[0]!.user).toBe(user)
  })

  for (const refusal of ['challenge', 'immediate'] as const) {
    it(`refreshes an expired token once and keeps using the fresh one (refusal answered ${refusal === 'challenge' ? '334 then 535' : '535 at once'})`, async () => {
      let refreshes = 0
      const { server, sender } = await setUp(
        { tokens: { [user]: ['token-old'] }, xoauth2Refusal: refusal },
        {
          auth: {
            user,
            accessToken: 'token-old',
            refreshAccessToken: async () => {
              refreshes++
              return `token-new-${refreshes}`
            },
          },
          maxMessages: 1, // a new connection (and login) for every email
        },
      )
      await send(sender)
      expect(refreshes).toBe(0)
      // The token expires: the next login is refused, refreshed once, and succeeds.
      server.revokeToken(user, 'token-old')
      server.grantToken(user, 'token-new-1')
      await send(sender)
      expect(refreshes).toBe(1)
      await send(sender)
      expect(refreshes).toBe(1) // the fresh token is reused by later connections
      expect(server.messages).toHaveLength(3)
      expect(server.logins.map((login) => login.ok)).toEqual([true, false, true, true])
    })
  }

  it('a refreshed token refused too: permanent with scope mailbox, the token never in the message or logs', async () => {
    const logger = createRecordingLogger()
    let refreshes = 0
    const { server, sender } = await setUp(
      { tokens: { [user]: ['valid-token'] } },
      {
        auth: {
          user,
          accessToken: 'expired-token-123',
          refreshAccessToken: async () => {
            refreshes++
            return 'also-refused-token-456'
          },
        },
        logger,
      },
    )
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'permanent', scope: 'mailbox' })
    expect(error.refusal).toBeUndefined()
    expect(error.message).toMatch(/refreshed access token was refused too/)
    expect(refreshes).toBe(1)
    expect(server.logins).toEqual([
      { method: 'XOAUTH2', user, ok: false },
      { method: 'XOAUTH2', user, ok: false },
    ])
    for (const secret of ['expired-token-123', 'also-refused-token-456']) {
      expect(error.message).not.toContain(secret)
      expect(logger.text()).not.toContain(secret)
    }
  })

  it('a refused token without refreshAccessToken: permanent with scope mailbox', async () => {
    const { sender } = await setUp({ tokens: { [user]: ['valid-token'] } }, { auth: { user, accessToken: 'expired-token' } })
    expect(await sendError(send(sender))).toMatchObject({ kind: 'permanent', scope: 'mailbox' })
  })

  it('refreshAccessToken failing: retryable, unless it throws a SendError, which is passed on', async () => {
    const { sender } = await setUp(
      { tokens: { [user]: ['valid-token'] } },
      {
        auth: {
          user,
          accessToken: 'expired-token',
          refreshAccessToken: async () => {
            throw new Error('token endpoint unreachable')
          },
        },
        authFailurePauseMs: 0,
      },
    )
    const error = await sendError(send(sender))
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'access_token_unavailable' })
    expect(error.message).toContain('token endpoint unreachable')

    const revoked = SendError.permanent('the OAuth2 grant was revoked', { scope: 'mailbox' })
    const { sender: second } = await setUp(
      { tokens: { [user]: ['valid-token'] } },
      {
        auth: {
          user,
          accessToken: 'expired-token',
          refreshAccessToken: async () => {
            throw revoked
          },
        },
      },
    )
    expect(await sendError(send(second))).toBe(revoked)
  })

  it('calls an accessToken function for every new connection', async () => {
    let calls = 0
    const { server, sender } = await setUp(
      { tokens: { [user]: ['token-1', 'token-2'] } },
      {
        auth: {
          user,
          accessToken: () => {
            calls++
            return `token-${calls}`
          },
        },
        pool: false,
      },
    )
    await send(sender)
    await send(sender)
    expect(calls).toBe(2)
    expect(server.logins.every((login) => login.ok)).toBe(true)
  })
})
