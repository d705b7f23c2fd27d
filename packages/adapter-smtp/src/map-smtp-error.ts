import { SendError, type SendRefusal } from '@cam/core'
import { classifySmtpReply, errorMessage, toSingleLine } from '@cam/core/adapter-kit'
import type { SmtpFailure } from './smtp-connection-pool.js'

/** `providerCode` of the error thrown when the message may have been delivered (see {@link toSendError}). */
export const inDoubtProviderCode = 'SMTP_IN_DOUBT'

/** What {@link toSendError} needs besides the failure. */
export interface SmtpErrorContext {
  /** `user@host:port` (never a secret), for messages. */
  account: string
  /** The recipient, for messages. */
  recipient: string
  /** Wait after a 421 or 451 reply (ms). */
  deferredRetryAfterMs: number
}

/** The parts of a nodemailer error the mapping reads. */
interface NodemailerErrorFields {
  code: string | undefined
  /** The system or TLS error code nodemailer replaced by its own (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ECONNREFUSED`, …). */
  originalCode: string | undefined
  command: string | undefined
  response: string | undefined
  responseCode: number | undefined
}

function fieldsOf(error: unknown): NodemailerErrorFields {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {}
  return {
    code: typeof record.code === 'string' ? record.code : undefined,
    originalCode: typeof record.originalCode === 'string' ? record.originalCode : undefined,
    command: typeof record.command === 'string' ? record.command : undefined,
    response: typeof record.response === 'string' && record.response.trim() !== '' ? record.response : undefined,
    responseCode: typeof record.responseCode === 'number' && record.responseCode >= 200 && record.responseCode < 600 ? record.responseCode : undefined,
  }
}

const enhancedStatusPattern = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/

/** The enhanced status code (`5.1.1`) of a reply, when it has one. */
export function enhancedStatusOf(reply: string): string | undefined {
  const match = enhancedStatusPattern.exec(reply)
  return match ? `${match[1]}.${match[2]}.${match[3]}` : undefined
}

/** The server's reply on one line without control characters, at most 500 characters (the remote server wrote it). */
export function diagnosticOf(reply: string): string {
  // A multi-line reply ("550-5.1.1 …\n550 5.1.1 …") becomes one line led by its code.
  const joined = reply.replace(/\r?\n\d{3}[ -](?:[245]\.\d{1,3}\.\d{1,3} )?/g, ' ').replace(/^(\d{3})-/, '$1 ')
  return toSingleLine(joined).replace(/\s+/g, ' ').trim().slice(0, 500)
}

/**
 * Replies about the sending mailbox rather than the email or its recipient: authentication
 * (530, 534, 535, 538 — `530 5.7.0 Authentication required`, `535 5.7.8`, `535 5.7.3`,
 * `534 5.7.9`, `534 5.7.14` — and 5.7.57, 5.7.139), the mailbox not allowed to send as its From (5.7.60 `SendAsDenied`), sending quotas
 * (5.4.5 `Daily user sending limit exceeded`), the account blocked for spam (5.1.8 `bad
 * outbound sender`, 5.7.705/5.7.708/5.7.750), and relaying refused (the server does not take
 * this mailbox's mail for other domains: a configuration problem, not the recipient's).
 */
const mailboxReplyCodes = new Set([530, 534, 535, 538])
// 5.7.0, 5.7.3, 5.7.8, 5.7.9 and 5.7.14 count only with a 530/534/535 reply: other servers use some
// of them for policy rejections of the message (Yahoo's 554 5.7.9).
const mailboxEnhancedCodes = new Set(['5.7.57', '5.7.60', '5.7.139', '5.7.705', '5.7.708', '5.7.750', '5.4.5', '5.1.8'])
const mailboxWords =
  /\b(?:authentication (?:required|unsuccessful|failed|credentials invalid)|bad outbound sender|SendAsDenied|not (?:allowed|permitted|authori[sz]ed) to send as|permissions to send as|sending (?:limit|quota) exceeded|daily user sending|(?:user|account) (?:is )?not authenticated|relay(?:ing)? (?:access )?(?:denied|not permitted))/i
function isMailboxReply(responseCode: number, enhanced: string | undefined, reply: string): boolean {
  return mailboxReplyCodes.has(responseCode) || (enhanced !== undefined && mailboxEnhancedCodes.has(enhanced)) || mailboxWords.test(reply)
}

/**
 * The recipient refusal a permanent reply stands for, read as CAM's bounce classifier reads
 * a DSN (`classifySmtpReply`: status codes, then the wording of each bounce reason): `hard`
 * when the address will never work (user unknown, host unknown, has moved, null MX),
 * `block` when the sender or the message was refused (block lists, spam, policy,
 * authentication, filters) — and a bare `554` with nothing recognisable, which refuses the
 * transaction, not the address. Anything else (a full or disabled mailbox, a size limit, an
 * unexplained 550) is no refusal: the send failed, nothing is said about the address.
 */
export function refusalTypeOf(responseCode: number, enhanced: string | undefined, reply: string): SendRefusal['type'] | undefined {
  const verdict = classifySmtpReply(enhanced !== undefined && !reply.includes(enhanced) ? `${responseCode} ${enhanced} ${reply}` : reply)
  if (verdict.type === 'hard' || verdict.type === 'block') return verdict.type
  if (verdict.reason === 'undefined' && responseCode === 554) return 'block'
  return undefined
}

/** Certificate problems (TLS handshake): retrying cannot fix them, a person must. */
const certificateErrorCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
])
const certificatePattern = /certificate|self[- ]signed|unable to verify|altname/i

function isCertificateFailure(fields: NodemailerErrorFields, said: string): boolean {
  if (certificateErrorCodes.has(fields.code ?? '') || certificateErrorCodes.has(fields.originalCode ?? '')) return true
  return (fields.code === 'ETLS' || fields.code === 'ESOCKET') && certificatePattern.test(said)
}

/**
 * Maps a failed SMTP send to the Sender port's errors. The port asks a sender that is not
 * idempotent to throw only when nothing was sent, so the stage the send reached decides first:
 *
 * - **aborted** by its signal before the message was complete → retryable (nothing sent).
 * - **connect** (TCP, TLS, greeting, EHLO, STARTTLS): network failures and timeouts →
 *   retryable; a rejected certificate, or STARTTLS required but not offered → permanent with
 *   `scope: 'mailbox'` (the mailbox cannot send until someone fixes it); a 5xx greeting (the
 *   server refuses this client) → permanent, `scope: 'mailbox'`; 4xx → retryable.
 * - **auth**: the server refused the credentials (5xx, e.g. `535 5.7.8`) → permanent,
 *   `scope: 'mailbox'` (after a refreshed OAuth2 token was refused too); `454` and dropped
 *   connections → retryable; getting a token threw → that error when it is a `SendError`,
 *   else retryable.
 * - a **reply** to `MAIL FROM`, `RCPT TO`, `DATA` or the message: `421` and `451` → retryable
 *   after `deferredRetryAfterMs`; other 4xx → retryable; 5xx about the sending mailbox
 *   (authentication, quotas, send-as, blocked account; any 5xx to `MAIL FROM` except a size
 *   refusal) → permanent, `scope: 'mailbox'`; a refused recipient → permanent with `field: 'to'`
 *   and `refusal: { type: 'hard' | 'block', diagnosticCode }` (by the bounce reason the reply names, see `refusalTypeOf`); other
 *   5xx → permanent.
 * - **no reply** after the whole message was sent (the connection dropped or timed out
 *   between the final `.` and the server's `250`) → the email **may have been delivered**.
 *   A retry could deliver it twice, so it is an `in_doubt` `SendError` (code `SEND_IN_DOUBT`,
 *   `providerCode: 'SMTP_IN_DOUBT'`): CAM never resends it and holds it `in_doubt` for a human.
 * - no reply before that (dropped while the envelope or the message was being sent) →
 *   retryable: a server discards a message whose final `.` it never received.
 */
export function toSendError(failure: SmtpFailure, context: SmtpErrorContext): SendError {
  const fields = fieldsOf(failure.error)
  const { code, command, response, responseCode } = fields
  const cause = failure.error
  const where = `SMTP ${context.account}`
  const reply = response === undefined ? undefined : diagnosticOf(response)
  const enhanced = reply === undefined ? undefined : enhancedStatusOf(reply)
  const providerCode = enhanced ?? (responseCode === undefined ? (code ?? 'SMTP_ERROR') : String(responseCode))
  const said = reply === undefined ? errorMessage(failure.error) : reply

  if (failure.aborted) return SendError.retryable(`${where}: the send was aborted before the message was sent`, { providerCode: 'aborted', cause })

  if (failure.stage === 'auth') {
    if (failure.tokenError !== undefined) {
      if (SendError.isInstance(failure.tokenError)) return failure.tokenError
      return SendError.retryable(`${where}: could not get an OAuth2 access token: ${errorMessage(failure.tokenError)}`, {
        providerCode: 'access_token_unavailable',
        cause: failure.tokenError,
      })
    }
    if (responseCode !== undefined && responseCode < 500) {
      return SendError.retryable(`${where}: the login failed for now (${said})`, { providerCode, cause })
    }
    if (responseCode === undefined && code !== 'EAUTH') {
      return SendError.retryable(`${where}: the connection failed during the login (${said})`, { providerCode, cause })
    }
    const refreshed = failure.tokenRefreshed ? ' (a refreshed access token was refused too)' : ''
    return SendError.permanent(`${where}: authentication failed${refreshed}: ${said}. Check the mailbox's password, app password or OAuth2 grant`, {
      providerCode,
      scope: 'mailbox',
      cause,
    })
  }

  if (failure.stage === 'connect') {
    if (responseCode !== undefined) {
      if (responseCode === 421 || responseCode === 451) {
        return SendError.retryable(`${where}: the server is not taking mail now (${said})`, { providerCode, retryAfterMs: context.deferredRetryAfterMs, cause })
      }
      if (responseCode < 500) return SendError.retryable(`${where}: the server is not taking mail now (${said})`, { providerCode, cause })
    }
    if (isCertificateFailure(fields, said)) {
      return SendError.permanent(`${where}: the server's TLS certificate was rejected (${said}). Give its CA in tls.ca, or fix the server's certificate`, {
        providerCode: 'tls_certificate_rejected',
        scope: 'mailbox',
        cause,
      })
    }
    if (code === 'ETLS' && (responseCode !== undefined || command === 'STARTTLS' || /STARTTLS/i.test(said))) {
      return SendError.permanent(`${where}: the server did not upgrade the connection with STARTTLS (${said}); refusing to send in clear. Use secure: true on port 465, or requireTls: false`, {
        providerCode: 'starttls_unavailable',
        scope: 'mailbox',
        cause,
      })
    }
    if (responseCode !== undefined) {
      return SendError.permanent(`${where}: the server refused the connection (${said})`, { providerCode, scope: 'mailbox', cause })
    }
    return SendError.retryable(`${where}: could not connect (${said})`, { providerCode, cause })
  }

  if (responseCode !== undefined && reply !== undefined) {
    if (responseCode < 500) {
      const deferred = responseCode === 421 || responseCode === 451
      return SendError.retryable(`${where}: the server deferred the email to ${context.recipient} (${reply})`, {
        providerCode,
        ...(deferred ? { retryAfterMs: context.deferredRetryAfterMs } : {}),
        cause,
      })
    }
    const sizeRefused = responseCode === 552 || enhanced === '5.3.4'
    if (isMailboxReply(responseCode, enhanced, reply) || (command === 'MAIL FROM' && !sizeRefused)) {
      return SendError.permanent(`${where}: the server refused to send from this mailbox (${reply})`, { providerCode, scope: 'mailbox', cause })
    }
    const atRecipient = command === 'RCPT TO'
    const refusalType = atRecipient || command === 'DATA' ? refusalTypeOf(responseCode, enhanced, reply) : undefined
    const refusal: SendRefusal | undefined = refusalType === undefined ? undefined : { type: refusalType, diagnosticCode: reply }
    const what = atRecipient ? `refused the recipient ${context.recipient}` : `refused the email to ${context.recipient}`
    return SendError.permanent(`${where}: the server ${what} (${reply})`, {
      providerCode,
      ...(atRecipient || refusalType === 'hard' ? { field: 'to' } : {}),
      ...(refusal === undefined ? {} : { refusal }),
      cause,
    })
  }

  if (failure.stage === 'committed') {
    return SendError.inDoubt(
      `${where}: the whole email to ${context.recipient} was sent but the server's answer never came (${said}): it may have been delivered. ` +
        'Not retried, so that it cannot arrive twice; check the recipient’s copy or the Sent folder',
      { providerCode: inDoubtProviderCode, cause },
    )
  }
  if (code === 'EMESSAGE') {
    return SendError.permanent(`${where}: the email to ${context.recipient} was not sent: ${said}`, { providerCode, cause })
  }
  return SendError.retryable(`${where}: the connection failed before the email to ${context.recipient} was complete; nothing was delivered (${said})`, {
    providerCode,
    cause,
  })
}
