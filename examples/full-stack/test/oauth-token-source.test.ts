import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InboxError, SendError } from '@cam/core'
import { createOAuthTokenSource, imapTokenFunction, smtpTokenFunctions } from '../src/oauth-token-source.js'
import { startOAuthTokenServer, type OAuthTokenServer } from './support/oauth-token-server.js'

describe('OAuth2 access tokens from a refresh token', () => {
  let server: OAuthTokenServer
  const settings = () => ({ tokenUrl: server.tokenUrl, clientId: 'client-1', clientSecret: 'client-secret-value', refreshToken: 'refresh-ana' })

  beforeAll(async () => {
    server = await startOAuthTokenServer({
      clientId: 'client-1',
      clientSecret: 'client-secret-value',
      grants: { 'refresh-ana': ['access-1', 'access-2', 'access-3'], 'refresh-rotating': ['rot-1', 'rot-2'] },
      rotate: { 'refresh-rotating': 'refresh-rotated' },
    })
  })
  afterAll(() => server?.close())

  it('asks once for callers asking together, keeps the token until a minute before it expires, then asks again', async () => {
    let now = 1_000_000
    const source = createOAuthTokenSource(settings(), { account: 'ana@acme.io', now: () => now })
    const before = server.grants.length
    const [first, second] = await Promise.all([source.current(), source.current()])
    expect(first).toEqual({ ok: true, accessToken: 'access-1', expiresAt: now + 3_600_000 })
    expect(second).toEqual(first)
    expect(server.grants.slice(before)).toEqual([{ refreshToken: 'refresh-ana', clientId: 'client-1', clientSecret: 'client-secret-value', scope: null, ok: true }])
    now += 3_600_000 - 61_000 // 61 s left: still kept
    expect(await source.current()).toMatchObject({ accessToken: 'access-1' })
    now += 2_000 // 59 s left: renewed
    expect(await source.current()).toMatchObject({ accessToken: 'access-2' })
    expect(await source.refresh()).toMatchObject({ accessToken: 'access-3' }) // a server refused the kept one
    expect(server.grants.length - before).toBe(3)
  })

  it('uses the refresh token the endpoint rotated to for the next grant', async () => {
    const source = createOAuthTokenSource({ ...settings(), refreshToken: 'refresh-rotating' }, { account: 'ana@acme.io' })
    expect(await source.refresh()).toMatchObject({ ok: true, accessToken: 'rot-1' })
    expect(await source.refresh()).toMatchObject({ ok: true, accessToken: 'rot-2' })
    expect(server.grants.slice(-2).map((grant) => grant.refreshToken)).toEqual(['refresh-rotating', 'refresh-rotated'])
  })

  it('says a revoked refresh token or a wrong client is permanent, without the secrets; the ports get their errors', async () => {
    const revoked = createOAuthTokenSource({ ...settings(), refreshToken: 'refresh-revoked-secret' }, { account: 'ana@acme.io' })
    const outcome = await revoked.current()
    expect(outcome).toEqual({
      ok: false,
      permanent: true,
      message: `the OAuth2 token endpoint ${new URL(server.tokenUrl).host} refused the refresh token or client of ana@acme.io (HTTP 400 invalid_grant Token has been expired or revoked.): get a new refresh token`,
    })
    const wrongClient = await createOAuthTokenSource({ ...settings(), clientSecret: 'other-secret' }, { account: 'ana@acme.io' }).current()
    expect(wrongClient).toMatchObject({ ok: false, permanent: true, message: expect.stringContaining('(HTTP 401 invalid_client The OAuth client was not found.)') })
    expect(JSON.stringify([outcome, wrongClient])).not.toMatch(/refresh-revoked-secret|client-secret-value|other-secret/)

    const smtp = smtpTokenFunctions(revoked)
    const sendError = await smtp.refreshAccessToken().catch((error: unknown) => error)
    expect(SendError.isInstance(sendError) && [sendError.kind, sendError.scope]).toEqual(['permanent', 'mailbox'])
    const inboxError = await imapTokenFunction(revoked)().catch((error: unknown) => error)
    expect(InboxError.isInstance(inboxError) && inboxError.permanent).toBe(true)
  })

  it('says an unreachable endpoint is transient and names the cause; the SMTP sender retries', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
    })
    const source = createOAuthTokenSource({ ...settings(), tokenUrl: `http://127.0.0.1:${closedPort}/token` }, { account: 'ana@acme.io' })
    const outcome = await source.current()
    expect(outcome).toMatchObject({ ok: false, permanent: false, message: `cannot reach the OAuth2 token endpoint 127.0.0.1:${closedPort}: connection refused by 127.0.0.1:${closedPort} (ECONNREFUSED)` })
    const error = await smtpTokenFunctions(source).accessToken().catch((caught: unknown) => caught)
    expect(SendError.isInstance(error) && error.kind).toBe('retryable')
  })
})
