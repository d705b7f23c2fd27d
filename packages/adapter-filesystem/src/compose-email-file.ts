import { SendError, isEmailAddress, type Mailbox, type OutgoingEmail } from '@cam/core'
import { containsControlCharacter, toSingleLine } from '@cam/core/adapter-kit'
import MailComposer from 'nodemailer/lib/mail-composer'

// RFC 5322 field name: printable US-ASCII except colon.
const headerNamePattern = /^[!-9;-~]{1,76}$/
/** Headers the message builds from the email's own fields; a custom header may not replace them. */
const reservedHeaders = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'sender',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
])

/**
 * A display name that can only ever be a display name: one line without control characters
 * (`toSingleLine` from `@cam/core`: line breaks and tabs become spaces, NUL, ESC and the other
 * controls go, lone surrogates become U+FFFD), and the characters that could end the name or
 * start another address (quotes, backslashes, angle brackets, commas, semicolons, colons)
 * become spaces. Non-ASCII letters are kept and MIME-encoded by the composer.
 */
export function safeDisplayName(name: string | undefined): string {
  const line = toSingleLine((name ?? '').replace(/["\\<>,;:@()[\]]/g, ' ')).replace(/\s+/g, ' ')
  // Cut between code points: half an emoji would be a lone surrogate.
  return line.slice(0, /[\ud800-\udbff]/.test(line.charAt(199)) ? 199 : 200)
}

/** A subject on one line without control characters (`toSingleLine` from `@cam/core`). */
export function safeSubject(subject: string): string {
  return toSingleLine(subject)
}

function mailboxAddress(mailbox: Mailbox): { name: string; address: string } {
  return { name: safeDisplayName(mailbox.name), address: mailbox.email.trim() }
}

/**
 * Checks an email before it is written; a problem is a permanent `SendError` naming the field
 * (retrying the same email cannot fix it).
 */
export function validateOutgoingEmail(email: OutgoingEmail): void {
  const fail = (field: string, message: string): never => {
    throw SendError.permanent(`${field}: ${message}`, { field })
  }
  if (typeof email !== 'object' || email === null) fail('email', 'expected an OutgoingEmail object')
  if (typeof email.from?.email !== 'string' || !isEmailAddress(email.from.email)) fail('from', 'expected an email address like name@example.com')
  if (typeof email.to?.email !== 'string' || !isEmailAddress(email.to.email)) fail('to', 'expected an email address like name@example.com')
  if (email.replyTo !== undefined && (typeof email.replyTo !== 'string' || !isEmailAddress(email.replyTo))) {
    fail('replyTo', 'expected an email address like name@example.com')
  }
  if (typeof email.subject !== 'string') fail('subject', 'expected a string')
  if (typeof email.text !== 'string' && typeof email.html !== 'string') fail('text', 'expected a text or html body')
  if (email.html !== undefined && typeof email.html !== 'string') fail('html', 'expected a string')
  const messageIdPattern = /^<[^<>\s]+>$/
  const isMessageId = (value: unknown) => typeof value === 'string' && messageIdPattern.test(value) && !containsControlCharacter(value)
  const messageIdExpected = 'expected a Message-ID like <id@host> (no spaces or control characters)'
  if (!isMessageId(email.messageId)) fail('messageId', messageIdExpected)
  if (email.inReplyTo !== undefined && !isMessageId(email.inReplyTo)) fail('inReplyTo', messageIdExpected)
  if (!Array.isArray(email.references)) fail('references', 'expected an array of Message-IDs')
  email.references.forEach((reference, index) => {
    if (!isMessageId(reference)) fail(`references.${index}`, messageIdExpected)
  })
  if (typeof email.headers !== 'object' || email.headers === null) fail('headers', 'expected an object of header names to values')
  for (const [name, value] of Object.entries(email.headers)) {
    if (!headerNamePattern.test(name)) {
      fail(`headers.${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}`, 'expected a header name of printable ASCII without ":" or spaces')
    }
    if (typeof value !== 'string' || containsControlCharacter(value)) {
      fail(`headers.${name}`, 'expected a single-line string without control characters (no CR, LF, tab, NUL, ESC…)')
    }
    if (reservedHeaders.has(name.toLowerCase())) fail(`headers.${name}`, 'is set from the email itself and cannot be given as a custom header')
  }
}

/**
 * Builds the RFC 5322 message for an email with nodemailer's `MailComposer`: `Message-ID`,
 * `In-Reply-To`, `References`, `From`, `To`, `Reply-To`, `Subject`, `Date`, the custom headers
 * (`List-Unsubscribe`, …), and the text and HTML bodies as `multipart/alternative`. Non-ASCII
 * text is MIME-encoded (encoded words in headers, quoted-printable or base64 in bodies); long
 * header lines are folded. CRLF line endings throughout.
 */
export async function composeEmailFile(email: OutgoingEmail, date: Date): Promise<Buffer> {
  validateOutgoingEmail(email)
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
