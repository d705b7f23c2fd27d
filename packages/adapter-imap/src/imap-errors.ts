import { InboxError } from '@cam/core'
import { errorMessage, systemErrorCode } from '@cam/core/adapter-kit'

/** Fields imapflow attaches to its errors (all optional), see imapflow's `ImapFlowError`. */
interface ImapFlowErrorFields {
  authenticationFailed?: unknown
  serverResponseCode?: unknown
  responseText?: unknown
  mailboxMissing?: unknown
  tlsFailed?: unknown
}

/** TLS verification failures: retrying cannot fix a certificate, a human has to. */
const certificateErrorCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** Server response codes (RFC 5530) that mean the credentials or the account are refused. */
const authResponseCodes = new Set(['AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED', 'PRIVACYREQUIRED'])

/** Where a failure happened, for the error message (never credentials). */
export interface ImapErrorContext {
  /** `user@host:port`. */
  account: string
  /** Mailbox being read, when one was. */
  mailbox?: string
  /** What the adapter was doing, e.g. `fetch`, `watch`. */
  operation: string
}

/** True when `error` is an authentication/authorisation refusal by the server. */
export function isImapAuthenticationFailure(error: unknown): boolean {
  const fields = (error ?? {}) as ImapFlowErrorFields
  return (
    fields.authenticationFailed === true ||
    (typeof fields.serverResponseCode === 'string' && authResponseCodes.has(fields.serverResponseCode.toUpperCase()))
  )
}

/**
 * Wraps anything imapflow (or the network) threw into an `InboxError` with the original as
 * `cause`. Permanent — wrong credentials, a mailbox that does not exist, an untrusted TLS
 * certificate — means "retrying will not help, a human must act"; everything else (refused
 * connections, timeouts, dropped sockets, server restarts) is transient.
 */
export function toInboxError(error: unknown, context: ImapErrorContext): InboxError {
  if (InboxError.isInstance(error)) return error
  const fields = (error ?? {}) as ImapFlowErrorFields
  const where = `${context.operation} on ${context.account}${context.mailbox === undefined ? '' : ` mailbox "${context.mailbox}"`}`
  const serverText = typeof fields.responseText === 'string' && fields.responseText !== '' ? ` (server said: ${fields.responseText})` : ''
  if (isImapAuthenticationFailure(error)) {
    return new InboxError(
      `IMAP authentication failed for ${context.account}${serverText}: check the user name and the password/app password or OAuth2 token; not retrying automatically`,
      { permanent: true, cause: error },
    )
  }
  if (error instanceof Error && error.message === 'Unsupported authentication mechanism') {
    // imapflow's words when the server offers no mechanism for these credentials (e.g. an
    // access token, but neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER): configuration, not an outage.
    return new InboxError(
      `IMAP server ${context.account} offers no login mechanism for these credentials (OAuth2 needs AUTH=XOAUTH2 or AUTH=OAUTHBEARER): check \`auth\``,
      { permanent: true, cause: error },
    )
  }
  if (fields.mailboxMissing === true) {
    return new InboxError(`IMAP mailbox "${context.mailbox ?? '?'}" does not exist on ${context.account}: check the \`mailboxes\` option`, {
      permanent: true,
      cause: error,
    })
  }
  const errorCode = systemErrorCode(error)
  if (errorCode !== undefined && certificateErrorCodes.has(errorCode)) {
    return new InboxError(`IMAP TLS certificate of ${context.account} was rejected (${errorCode}): fix the certificate or the \`tls\` option`, {
      permanent: true,
      cause: error,
    })
  }
  const code = errorCode === undefined ? '' : ` [${errorCode}]`
  return new InboxError(`IMAP ${where} failed${code}: ${errorMessage(error)}${serverText}`, { cause: error })
}
