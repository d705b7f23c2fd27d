import type { Mailbox, OutgoingEmail } from '@cam/core'
import { checkOutgoingEmail, safeDisplayName, toSingleLine } from '@cam/core/adapter-kit'
import MailComposer from 'nodemailer/lib/mail-composer'

/** A subject on one line without control characters (`toSingleLine` from `@cam/core`). */
export function safeSubject(subject: string): string {
  return toSingleLine(subject)
}

function mailboxAddress(mailbox: Mailbox): { name: string; address: string } {
  return { name: safeDisplayName(mailbox.name), address: mailbox.email.trim() }
}

/**
 * Builds the RFC 5322 message for an email with nodemailer's `MailComposer`: `Message-ID`,
 * `In-Reply-To`, `References`, `From`, `To`, `Reply-To`, `Subject`, `Date`, the custom headers
 * (`List-Unsubscribe`, …), and the text and HTML bodies as `multipart/alternative`. Non-ASCII
 * text is MIME-encoded (encoded words in headers, quoted-printable or base64 in bodies); long
 * header lines are folded. CRLF line endings throughout.
 */
export async function composeEmailFile(email: OutgoingEmail, date: Date): Promise<Buffer> {
  checkOutgoingEmail(email)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(email.headers)) headers[name] = value
  const composer = new MailComposer({
    from: mailboxAddress(email.from),
    to: mailboxAddress(email.to),
    ...(email.replyTo === undefined ? {} : { replyTo: email.replyTo.trim() }),
    subject: safeSubject(email.subject),
    messageId: email.messageId,
    ...(email.inReplyTo === undefined ? {} : { inReplyTo: email.inReplyTo }),
    ...(email.references.length > 0 ? { references: email.references } : {}),
    date,
    ...(typeof email.text === 'string' ? { text: email.text } : {}),
    ...(email.html === undefined ? {} : { html: email.html }),
    headers,
    // Nothing in an email may make the composer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'win',
  })
  return composer.compile().build()
}
