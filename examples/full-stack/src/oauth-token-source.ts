import { InboxError, SendError } from '@cam/core'
import { errorMessage, sanitizeForLog } from '@cam/core/adapter-kit'
import { describeFailure } from './describe-failure.js'
import type { MailboxOAuthRefresh } from './mailbox-pool-config.js'

/** The outcome of one refresh-token grant. */
export type OAuthTokenResult =
  | { ok: true; accessToken: string; expiresAt: number }
  /** `permanent`: the endpoint refused the client or the refresh token (revoked, expired, wrong client): retrying cannot help. */
  | { ok: false; permanent: boolean; message: string; cause?: unknown }

/**
 * OAuth2 access tokens of one mailbox, obtained with its refresh token (RFC 6749 §6) and kept
 * until a minute before they expire. One grant at a time: callers asking together share it.
 */
export interface OAuthTokenSource {
  /** A token valid for at least another minute: the kept one, or a fresh one. */
  current(): Promise<OAuthTokenResult>
  /** A fresh token, whatever is kept (a server refused the kept one). */
  refresh(): Promise<OAuthTokenResult>
}

/** Token endpoint errors that mean the client or the grant is refused for good. */
const permanentErrors = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'unsupported_grant_type'])
/** Renew this long before the token expires. */
const renewBeforeMs = 60_000

/**
 * Creates the token source of one mailbox. Messages name the endpoint's host and the
 * mailbox, never the client secret, the refresh token or an access token.
 */
export function createOAuthTokenSource(settings: MailboxOAuthRefresh, options: { account: string; timeoutMs?: number; now?: () => number }): OAuthTokenSource {
  const now = options.now ?? Date.now
  const host = new URL(settings.tokenUrl).host
  let refreshToken = settings.refreshToken
  let kept: { accessToken: string; expiresAt: number } | null = null
  let pending: Promise<OAuthTokenResult> | null = null

  const grant = async (): Promise<OAuthTokenResult> => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: settings.clientId })
    if (settings.clientSecret) form.set('client_secret', settings.clientSecret)
    if (settings.scope) form.set('scope', settings.scope)
    let response: Response
    try {
      response = await fetch(settings.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      })
    } catch (error) {
      return { ok: false, permanent: false, message: `cannot reach the OAuth2 token endpoint ${host}: ${describeFailure(error)}`, cause: error }
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown; error?: unknown; error_description?: unknown }
    if (!response.ok || typeof body.access_token !== 'string' || body.access_token === '') {
      const code = typeof body.error === 'string' ? sanitizeForLog(body.error, 60) : undefined
      const description = typeof body.error_description === 'string' ? sanitizeForLog(body.error_description, 200) : undefined
      const answer = [`HTTP ${response.status}`, code, description].filter(Boolean).join(' ')
      if (response.ok) return { ok: false, permanent: false, message: `the OAuth2 token endpoint ${host} answered without an access token (${answer})` }
      const permanent = code !== undefined && permanentErrors.has(code)
      return {
        ok: false,
        permanent,
        message: permanent
          ? `the OAuth2 token endpoint ${host} refused the refresh token or client of ${options.account} (${answer}): get a new refresh token`
          : `the OAuth2 token endpoint ${host} answered ${answer}`,
      }
    }
    // Some providers (Microsoft) rotate the refresh token: keep the newest for the next grant.
    if (typeof body.refresh_token === 'string' && body.refresh_token !== '') refreshToken = body.refresh_token
    const lifetimeSeconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600
    kept = { accessToken: body.access_token, expiresAt: now() + lifetimeSeconds * 1000 }
    return { ok: true, ...kept }
  }

  const refresh = (): Promise<OAuthTokenResult> => {
    pending ??= grant()
      .catch((error: unknown): OAuthTokenResult => ({ ok: false, permanent: false, message: `OAuth2 token refresh failed: ${errorMessage(error)}`, cause: error }))
      .finally(() => {
        pending = null
      })
    return pending
  }

  return {
    async current() {
      if (kept && kept.expiresAt - renewBeforeMs > now()) return { ok: true, ...kept }
      return refresh()
    },
    refresh,
  }
}

/**
 * The SMTP sender's `auth.accessToken` and `auth.refreshAccessToken` from a token source: a
 * refused grant is a permanent `SendError` about the mailbox (CAM pauses it alone), an
 * unreachable endpoint a retryable one.
 */
export function smtpTokenFunctions(source: OAuthTokenSource): { accessToken: () => Promise<string>; refreshAccessToken: () => Promise<string> } {
  const unwrap = async (result: Promise<OAuthTokenResult>): Promise<string> => {
    const outcome = await result
    if (outcome.ok) return outcome.accessToken
    if (outcome.permanent) throw SendError.permanent(outcome.message, { scope: 'mailbox', providerCode: 'oauth_refresh_refused', cause: outcome.cause })
    throw SendError.retryable(outcome.message, { providerCode: 'access_token_unavailable', cause: outcome.cause })
  }
  return { accessToken: () => unwrap(source.current()), refreshAccessToken: () => unwrap(source.refresh()) }
}

/** The IMAP inbox's `auth.accessToken` from a token source: `InboxError`, permanent when the grant is refused. */
export function imapTokenFunction(source: OAuthTokenSource): () => Promise<string> {
  return async () => {
    const outcome = await source.current()
    if (outcome.ok) return outcome.accessToken
    throw new InboxError(outcome.message, { permanent: outcome.permanent, cause: outcome.cause })
  }
}
