import { isEmailAddress } from '../domain/email-address.js'
import { containsControlCharacter, toSingleLine } from '../domain/plain-text.js'
import { SendError } from '../errors/send-error.js'
import type { OutgoingEmail } from '../ports/sender-v1.js'

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

/**
 * A display name that can only ever be a display name: one line without control characters
 * (`toSingleLine`: line breaks and tabs become spaces, NUL, ESC and the
 * other controls go, lone surrogates become U+FFFD), and the characters that could end the name
 * or start another address (quotes, backslashes, angle brackets, commas, semicolons, colons, @,
 * parentheses, brackets) become spaces. Non-ASCII letters are kept and MIME-encoded.
 */
export function safeDisplayName(name: string | undefined): string {
  const line = toSingleLine((name ?? '').replace(/["\\<>,;:@()[\]]/g, ' ')).replace(/\s+/g, ' ')
  // Cut between code points: half an emoji would be a lone surrogate.
  return line.slice(0, /[\ud800-\udbff]/.test(line.charAt(199)) ? 199 : 200)
}

/**
 * Checks an email before a sender builds a message from it (what every sender that writes
 * MIME itself needs): a problem is a permanent `SendError` naming the field — sending the same
 * email again cannot fix it. Addresses with control characters, header
 * values on more than one line and invalid header names are refused here.
 */
export function checkOutgoingEmail(email: OutgoingEmail): void {
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

