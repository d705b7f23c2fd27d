import type { Mailbox, OutgoingEmail } from '@cam/core'
import { checkOutgoingEmail, safeDisplayName, toSingleLine } from '@cam/core/adapter-kit'
import MailComposer from 'nodemailer/lib/mail-composer'

/** One email, ready for SMTP: the envelope and the exact bytes of the message. */
export interface SmtpMessage {
  /** `MAIL FROM` and `RCPT TO` addresses. */
  envelope: { from: string; to: string }
  /** The RFC 5322 message, CRLF line endings: what is sent, and what the Sent folder gets. */
  raw: Buffer
}

function mailboxAddress(mailbox: Mailbox): { name: string; address: string } {
  return { name: safeDisplayName(mailbox.name), address: mailbox.email.trim() }
}

/**
 * Builds the message once with nodemailer's `MailComposer`: CAM's `Message-ID` exactly,
 * `In-Reply-To` and `References` on follow-ups, `From` with its display name, `To`, `Reply-To`,
 * a one-line `Subject`, `Date`, the email's own headers verbatim (`List-Unsubscribe`,
 * `List-Unsubscribe-Post`, …), and the text and HTML bodies (`multipart/alternative` when both
 * are given). Non-ASCII text is MIME-encoded, long header lines folded, line endings CRLF.
 * Nothing in the email can make the composer read a file or fetch a URL.
 *
 * The same bytes are sent over SMTP and appended to the Sent folder.
 */
export async function composeSmtpMessage(email: OutgoingEmail, date: Date): Promise<SmtpMessage> {
  checkOutgoingEmail(email)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(email.headers)) headers[name] = value
  const composer = new MailComposer({
    from: mailboxAddress(email.from),
    to: mailboxAddress(email.to),
    ...(email.replyTo === undefined ? {} : { replyTo: email.replyTo.trim() }),
    subject: toSingleLine(email.subject),
    messageId: email.messageId,
    ...(email.inReplyTo === undefined ? {} : { inReplyTo: email.inReplyTo }),
    ...(email.references.length > 0 ? { references: email.references } : {}),
    date,
    ...(typeof email.text === 'string' ? { text: email.text } : {}),
    ...(email.html === undefined ? {} : { html: email.html }),
    headers,
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'win',
  })
  const raw = await composer.compile().build()
  return { envelope: { from: email.from.email.trim(), to: email.to.email.trim() }, raw }
}
