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
const messageIdPattern = /^<[^<>\s]+>$/

/** One email, ready for SMTP: the envelope and the exact bytes of the message. */
export interface SmtpMessage {
  /** `MAIL FROM` and `RCPT TO` addresses. */
  envelope: { from: string; to: string }
  /** The RFC 5322 message, CRLF line endings: what is sent, and what the Sent folder gets. */
  raw: Buffer
}

/**
 * A display name that can only ever be a display name: one line without control characters
 * (`toSingleLine` from the adapter kit: line breaks and tabs become spaces, NUL, ESC and the
 * other controls go, lone surrogates become U+FFFD), and the characters that could end the name
 * or start another address (quotes, backslashes, angle brackets, commas, semicolons, colons, @,
 * parentheses, brackets) become spaces. Non-ASCII letters are kept and MIME-encoded.
 */
export function safeDisplayName(name: string | undefined): string {
  const line = toSingleLine((name ?? '').replace(/["\\<>,;:@()[\]]/g, ' ')).replace(/\s+/g, ' ')
  // Cut between code points: half an emoji would be a lone surrogate.
  return line.slice(0, /[\ud800-\udbff]/.test(line.charAt(199)) ? 199 : 200)
}

function mailboxAddress(mailbox: Mailbox): { name: string; address: string } {
  return { name: safeDisplayName(mailbox.name), address: mailbox.email.trim() }
}

/**
 * Checks an email before anything is sent; a problem is a permanent `SendError` naming the
 * field (sending the same email again cannot fix it). Addresses with control characters, header
 * values on more than one line and invalid header names are refused here.
 */
export function validateOutgoingEmail(email: OutgoingEmail): void {
  const fail = (field: string, message: string): never => {
    throw SendError.permanent(`${field}: ${message}`, { field })
  }
  const isAddress = (value: unknown) => typeof value === 'string' && !containsControlCharacter(value) && isEmailAddress(value)
  if (typeof email !== 'object' || email === null) fail('email', 'expected an OutgoingEmail object')
  if (!isAddress(email.from?.email)) fail('from', 'expected an email address like name@example.com, without control characters')
  if (!isAddress(email.to?.email)) fail('to', 'expected an email address like name@example.com, without control characters')
  if (email.replyTo !== undefined && !isAddress(email.replyTo)) fail('replyTo', 'expected an email address like name@example.com, without control characters')
  if (typeof email.subject !== 'string') fail('subject', 'expected a string')
  if (typeof email.text !== 'string' && typeof email.html !== 'string') fail('text', 'expected a text or html body')
  if (email.html !== undefined && typeof email.html !== 'string') fail('html', 'expected a string')
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
  validateOutgoingEmail(email)
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
