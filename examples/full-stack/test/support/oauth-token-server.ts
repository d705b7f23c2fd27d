/**
 * A local OAuth2 token endpoint (RFC 6749 §6, the refresh-token grant) on 127.0.0.1, as
 * Google's `https://oauth2.googleapis.com/token` and Microsoft's `…/oauth2/v2.0/token` answer
 * it: `POST` form-encoded `grant_type=refresh_token`, `refresh_token`, `client_id` (and
 * `client_secret`); `200 { access_token, expires_in, token_type: 'Bearer' }`, or
 * `400 { error: 'invalid_grant', error_description }` for a refresh token it does not know and
 * `401 { error: 'invalid_client' }` for a wrong client.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One grant the server was asked for. */
export interface TokenGrant {
  refreshToken: string
  clientId: string
  clientSecret: string | null
  scope: string | null
  ok: boolean
}

/** Options of {@link startOAuthTokenServer}. */
export interface OAuthTokenServerOptions {
  clientId: string
  clientSecret?: string
  /** Refresh token → the access tokens to hand out, one per grant (the last one repeats). */
  grants: Record<string, string[]>
  /** `expires_in` of each token (default 3600 s). */
  expiresInSeconds?: number
  /** Refresh token → the refresh token a grant rotates it to (Microsoft-style rotation). */
  rotate?: Record<string, string>
}

/** A running token endpoint. */
export interface OAuthTokenServer {
  /** `http://127.0.0.1:<port>/token` */
  readonly tokenUrl: string
  readonly grants: TokenGrant[]
  close(): Promise<void>
}

/** Starts a token endpoint on a free loopback port. */
export async function startOAuthTokenServer(options: OAuthTokenServerOptions): Promise<OAuthTokenServer> {
  const grants: TokenGrant[] = []
  const handedOut = new Map<string, number>()
  const valid = new Map(Object.entries(options.grants))
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const answer = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://localhost').pathname !== '/token') return answer(404, { error: 'not_found' })
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const grant: TokenGrant = {
        refreshToken: form.get('refresh_token') ?? '',
        clientId: form.get('client_id') ?? '',
        clientSecret: form.get('client_secret'),
        scope: form.get('scope'),
        ok: false,
      }
      grants.push(grant)
      if (form.get('grant_type') !== 'refresh_token') return answer(400, { error: 'unsupported_grant_type' })
      if (grant.clientId !== options.clientId || (options.clientSecret !== undefined && grant.clientSecret !== options.clientSecret)) {
        return answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' })
      }
      const tokens = valid.get(grant.refreshToken)
      if (!tokens || tokens.length === 0) return answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })
      const index = handedOut.get(grant.refreshToken) ?? 0
      handedOut.set(grant.refreshToken, index + 1)
      grant.ok = true
      const rotated = options.rotate?.[grant.refreshToken]
      if (rotated) {
        valid.set(rotated, tokens.slice(index + 1).length > 0 ? tokens.slice(index + 1) : [tokens[tokens.length - 1]!])
        valid.delete(grant.refreshToken)
      }
      answer(200, {
        access_token: tokens[Math.min(index, tokens.length - 1)],
        expires_in: options.expiresInSeconds ?? 3600,
        token_type: 'Bearer',
        ...(rotated ? { refresh_token: rotated } : {}),
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    tokenUrl: `http://127.0.0.1:${port}/token`,
    grants,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
