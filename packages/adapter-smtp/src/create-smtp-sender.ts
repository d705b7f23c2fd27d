import { SendError, type OutgoingEmail, type SendOptions, type SendResult, type SenderV1 } from '@cam/core'
import { errorMessage, sanitizeForLog } from '@cam/core/adapter-kit'
import type { SMTPEnvelope } from 'nodemailer/lib/smtp-connection'
import { appendToSentFolder, sentFolderCredentials, type SentFolderCredentials } from './append-to-sent-folder.js'
import { composeSmtpMessage } from './compose-smtp-message.js'
import { toSendError } from './map-smtp-error.js'
import { createSmtpConnectionPool } from './smtp-connection-pool.js'
import { queueIdFromReply } from './smtp-queue-id.js'
import { resolveSmtpSenderOptions, type ResolvedSmtpSenderOptions, type SmtpSenderOptions } from './smtp-sender-options.js'

/**
 * A CAM {@link SenderV1} over SMTP. Not idempotent: SMTP has no idempotency key, so CAM marks
 * each attempt before it starts and sets an email interrupted by a crash aside as `in_doubt`
 * for a human instead of sending it again.
 */
export interface SmtpSender extends SenderV1 {
  /** Always false: SMTP has no idempotency key. */
  readonly idempotent: false
  /**
   * Closes the pooled connections that are idle (those in use close when their send ends).
   * The sender stays usable: a later send opens a new connection. Idle connections never keep
   * the process alive, so calling this is optional.
   */
  close(): Promise<void>
}

/** ENVID (RFC 3461): printable ASCII, at most 100 characters. */
function envelopeId(emailId: string): string | undefined {
  return /^[\x21-\x7e]{1,100}$/.test(emailId) ? emailId : undefined
}

/** The `MAIL FROM` / `RCPT TO` envelope, with the DSN request when it is on. */
function envelopeOf(settings: ResolvedSmtpSenderOptions, email: OutgoingEmail, envelope: { from: string; to: string }): SMTPEnvelope {
  if (!settings.dsn) return { from: envelope.from, to: [envelope.to] }
  const id = envelopeId(String(email.tags?.emailId ?? ''))
  return {
    from: envelope.from,
    to: [envelope.to],
    // Sent only where the server lists DSN in its EHLO reply; elsewhere the plain envelope.
    dsn: { ...(id === undefined ? {} : { id }), return: 'headers', notify: ['FAILURE'], recipient: envelope.to },
  }
}

/**
 * Creates a CAM {@link SenderV1} over SMTP with nodemailer, for mailboxes you own (Google
 * Workspace, Microsoft 365, any SMTP host).
 *
 * - Connections: implicit TLS (port 465) or STARTTLS (required unless `requireTls: false`),
 *   certificates checked (give a private CA in `tls.ca`), password (PLAIN/LOGIN) or OAuth2
 *   (XOAUTH2, refreshed once through `auth.refreshAccessToken` when the server refuses the
 *   token), pooled: at most `maxConnections` (default 2) per mailbox, `maxMessages` each.
 * - The message is built once (`MailComposer`): CAM's `Message-ID` exactly, `In-Reply-To` and
 *   `References` on follow-ups, the email's headers verbatim (`List-Unsubscribe`,
 *   `List-Unsubscribe-Post`), `From` with its display name, `Reply-To`, text and HTML. Those
 *   bytes are sent, and appended to the Sent folder when `sentFolder` is set.
 * - Asks for failure DSNs (`RET=HDRS`, `ENVID=<CAM's email id>`, `NOTIFY=FAILURE`) where the
 *   server offers DSN, so bounce reports come back to the mailbox tied to the email.
 * - Errors are `SendError`s: retryable (connection failures, 4xx), permanent (5xx), with
 *   `scope: 'mailbox'` when the mailbox itself is refused (authentication, quota, send-as), and
 *   a `refusal` when the server refused the recipient (`5.1.x` hard, `5.7.x` block). A
 *   connection lost after the whole message was sent (the email may have been delivered) is
 *   `in_doubt` (`providerCode: 'SMTP_IN_DOUBT'`), never retryable: CAM holds the email for a human.
 * - Resolves to `{ providerId, messageId }`: the server's queue id from its `250` reply when it
 *   has a known form (else the Message-ID), and the Message-ID the email carries.
 *
 * @throws ValidationError listing every invalid option (never a password or token).
 *
 * ```ts
 * const sender = createSmtpSender({
 *   host: 'smtp.gmail.com',
 *   auth: { user: 'ana@acme.example', pass: process.env.SMTP_PASSWORD! },
 * })
 * ```
 */
export function createSmtpSender(options: SmtpSenderOptions): SmtpSender {
  const settings = resolveSmtpSenderOptions(options)
  const { logger } = settings
  const pool = createSmtpConnectionPool(settings)
  const account = `${settings.auth === undefined ? '' : `${settings.auth.user}@`}${settings.host}:${settings.port}`
  /** After refused credentials: the error rethrown without contacting the server until `until`. */
  let authPause: { error: SendError; until: number } | undefined

  const copyToSentFolder = async (raw: Buffer, date: Date, emailId: string): Promise<void> => {
    const folder = settings.sentFolder
    if (folder === undefined) return
    const label = { sender: settings.name, emailId, mailbox: folder.mailbox, imap: `${folder.host}:${folder.port}` }
    try {
      let credentials: SentFolderCredentials | undefined = await sentFolderCredentials(folder.auth)
      if (credentials === undefined && settings.auth !== undefined) {
        credentials = 'pass' in settings.auth ? { user: settings.auth.user, pass: settings.auth.pass } : { user: settings.auth.user, accessToken: (await pool.currentAccessToken()) ?? '' }
      }
      if (credentials === undefined) throw new Error('no IMAP credentials')
      const { uid } = await appendToSentFolder(folder, credentials, raw, date)
      logger.debug('sent email copied to the Sent folder', { ...label, uid })
    } catch (error) {
      logger.warn('could not copy the sent email to the Sent folder; the email was sent', { ...label, error: sanitizeForLog(errorMessage(error)) })
    }
  }

  return {
    name: settings.name,
    idempotent: false,
    async send(email: OutgoingEmail, sendOptions: SendOptions): Promise<SendResult> {
      const signal = sendOptions?.signal
      if (signal?.aborted) throw SendError.retryable(`SMTP ${account}: the send was aborted before it started`, { providerCode: 'aborted', cause: signal.reason })
      if (authPause !== undefined) {
        if (Date.now() < authPause.until) throw authPause.error
        authPause = undefined
      }
      const date = settings.clock.now()
      const message = await composeSmtpMessage(email, date)
      const outcome = await pool.send({ envelope: envelopeOf(settings, email, message.envelope), raw: message.raw }, signal)
      if (!outcome.ok) {
        const error = toSendError(outcome.failure, { account, recipient: message.envelope.to, deferredRetryAfterMs: settings.deferredRetryAfterMs })
        const fields = { sender: settings.name, emailId: email.tags?.emailId, stage: outcome.failure.stage, kind: error.kind, scope: error.scope, providerCode: error.providerCode, error: sanitizeForLog(error.message, 500) }
        if (error.kind === 'in_doubt') logger.error('SMTP connection lost after the whole email was sent: it may have been delivered', fields)
        else if (error.scope === 'mailbox') logger.error('the SMTP server refused this mailbox', fields)
        else logger.warn('SMTP send failed', fields)
        if (outcome.failure.stage === 'auth' && error.scope === 'mailbox' && error.kind === 'permanent' && settings.authFailurePauseMs > 0) {
          authPause = { error, until: Date.now() + settings.authFailurePauseMs }
        }
        throw error
      }
      const { info } = outcome
      const providerId = queueIdFromReply(info.response) ?? email.messageId
      // Some servers (Microsoft 365) replace the Message-ID and say which one they used.
      const usedMessageId = info.serverMessageId !== undefined && info.serverMessageId !== email.messageId ? info.serverMessageId : email.messageId
      logger.debug('SMTP server accepted the email', { sender: settings.name, emailId: email.tags?.emailId, providerId, reply: sanitizeForLog(info.response ?? '') })
      await copyToSentFolder(message.raw, date, String(email.tags?.emailId ?? ''))
      return { providerId, messageId: usedMessageId }
    },
    close: () => pool.close(),
  }
}
