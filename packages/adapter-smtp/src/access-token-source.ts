import type { SmtpAccessTokenAuth } from './smtp-sender-options.js'

/**
 * The OAuth2 access token of one mailbox, shared by every connection of the sender: the
 * configured token (or the function's current one) until the server refuses it, then the one
 * `refreshAccessToken` returned. Concurrent refusals of the same token cause one refresh.
 */
export interface AccessTokenSource {
  /** The token to log in with now. */
  current(): Promise<string>
  /** Whether a refused token can be replaced (`refreshAccessToken` was given). */
  readonly canRefresh: boolean
  /**
   * A fresh token after `refused` was turned down. When another connection already replaced
   * `refused`, its new token is returned without asking again.
   */
  refresh(refused: string): Promise<string>
}

function checkedToken(token: unknown, source: string): string {
  if (typeof token !== 'string' || token === '') throw new TypeError(`${source} did not return a non-empty string`)
  return token
}

/** Creates the token source of `auth`. */
export function createAccessTokenSource(auth: SmtpAccessTokenAuth): AccessTokenSource {
  let refreshed: string | undefined
  let refreshing: Promise<string> | undefined
  const refreshAccessToken = auth.refreshAccessToken
  return {
    canRefresh: refreshAccessToken !== undefined,
    async current() {
      if (refreshed !== undefined) return refreshed
      if (typeof auth.accessToken === 'function') return checkedToken(await auth.accessToken(), 'auth.accessToken()')
      return auth.accessToken
    },
    async refresh(refused) {
      if (refreshAccessToken === undefined) throw new TypeError('auth.refreshAccessToken is not set')
      if (refreshed !== undefined && refreshed !== refused) return refreshed
      refreshing ??= (async () => {
        try {
          const token = checkedToken(await refreshAccessToken(), 'auth.refreshAccessToken()')
          refreshed = token
          return token
        } finally {
          refreshing = undefined
        }
      })()
      return await refreshing
    },
  }
}
