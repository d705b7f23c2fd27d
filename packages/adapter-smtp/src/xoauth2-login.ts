import type { SMTPConnectionCustomAuthContext, SMTPConnectionCustomAuthHandler } from 'nodemailer/lib/smtp-connection'
import type { AccessTokenSource } from './access-token-source.js'

/**
 * Name the XOAUTH2 handler is registered under in nodemailer's `customAuth`. Not `XOAUTH2`:
 * nodemailer replaces a requested `XOAUTH2` method that has no token generator of its own by
 * the first mechanism the server lists (e.g. `LOGIN`), so the handler gets its own name. The
 * server only ever sees `AUTH XOAUTH2`.
 */
export const xoauth2MethodName = 'CAM-XOAUTH2'

/** What one login attempt learnt, read by the sender after a failed login. */
export interface Xoauth2LoginState {
  /** Set when `refreshAccessToken` (or the `accessToken` function) threw: the login never got a token to try. */
  tokenError: unknown
  /** True when the refused token was replaced and the replacement tried. */
  refreshed: boolean
}

function xoauth2Token(user: string, accessToken: string): string {
  return Buffer.from(`user=${user}\u0001auth=Bearer ${accessToken}\u0001\u0001`, 'utf8').toString('base64')
}

/** Sends one `AUTH XOAUTH2`; on a `334` error challenge answers with an empty line, as RFC 7628 asks, to get the final reply. */
async function tryToken(context: SMTPConnectionCustomAuthContext, user: string, token: string): Promise<boolean> {
  const reply = await context.sendCommand(`AUTH XOAUTH2 ${xoauth2Token(user, token)}`)
  if (reply.status === 235) return true
  if (reply.status === 334) await context.sendCommand('')
  return false
}

/**
 * A nodemailer custom authentication handler for SASL XOAUTH2 that logs in with the source's
 * current token and, when the server refuses it (`334` challenge then `535`, or `535` at once)
 * and a refresher is configured, once more with a fresh token. A failure rejects the login with
 * the server's last reply (nodemailer attaches it as `response`); `state` tells whether a token
 * could not be obtained at all. Tokens never appear in errors or logs.
 */
export function xoauth2LoginHandler(user: string, tokens: AccessTokenSource, state: Xoauth2LoginState): SMTPConnectionCustomAuthHandler {
  return async (context) => {
    let token: string
    try {
      token = await tokens.current()
    } catch (error) {
      state.tokenError = error
      throw new Error('no access token could be obtained')
    }
    if (await tryToken(context, user, token)) return
    if (!tokens.canRefresh) throw new Error('the access token was refused')
    let fresh: string
    try {
      fresh = await tokens.refresh(token)
    } catch (error) {
      state.tokenError = error
      throw new Error('the access token was refused and refreshing it failed')
    }
    state.refreshed = true
    if (await tryToken(context, user, fresh)) return
    throw new Error('the refreshed access token was refused too')
  }
}
