/**
 * A bounce report as a receiving MTA writes it (RFC 3464, shaped like Postfix's): a
 * `multipart/report; report-type=delivery-status` with a human-readable part, a
 * `message/delivery-status` part (per-message fields, then one group for the failed recipient)
 * and the returned message — its headers only (`text/rfc822-headers`) when the sender asked for
 * `RET=HDRS`, else the whole message (`message/rfc822`).
 */
import { randomBytes } from 'node:crypto'

/** What {@link buildDeliveryStatusNotification} reports. */
export interface DeliveryFailure {
  /** Host name of the MTA that writes the report. */
  reportingMta: string
  /** Host that refused the recipient (the report's `Remote-MTA`). */
  remoteMta: string
  /** Whom the report goes to: the envelope sender (`MAIL FROM`) of the failed message. */
  to: string
  /** The recipient that failed. */
  finalRecipient: string
  /** `ORCPT` of `RCPT TO` as received (`rfc822;…`, xtext), when the sender gave one. */
  originalRecipient?: string | undefined
  /** `ENVID` of `MAIL FROM` (xtext), when the sender gave one. */
  envelopeId?: string | undefined
  /** `RET` of `MAIL FROM`: `HDRS` returns the headers only. */
  ret?: string | null | undefined
  /** Enhanced status code, e.g. `5.1.1`. */
  status: string
  /** The remote server's reply, e.g. `550 5.1.1 <x@y>: Recipient address rejected: User unknown`. */
  diagnostic: string
  /** Queue id the failed message had. */
  queueId: string
  /** When the failed message arrived. */
  arrivalDate: Date
  /** When the report is written. */
  date: Date
  /** The failed message, as it was received. */
  original: Uint8Array
}

/** Decodes RFC 3461 xtext (`+XX` hex escapes). */
export function decodeXtext(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/** RFC 5322 date in UTC. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000')
}

function headerBlock(raw: Uint8Array): string {
  const text = Buffer.from(raw).toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  return end === -1 ? text : text.slice(0, end + 2)
}

/** The bounce report, with CRLF line endings. */
export function buildDeliveryStatusNotification(failure: DeliveryFailure): string {
  const boundary = `${failure.queueId}.${randomBytes(6).toString('hex')}/${failure.reportingMta}`
  const headersOnly = failure.ret?.toUpperCase() === 'HDRS'
  const original = headersOnly ? headerBlock(failure.original) : Buffer.from(failure.original).toString('latin1')
  const orcpt = failure.originalRecipient === undefined ? undefined : decodeXtext(failure.originalRecipient)
  const lines = [
    `From: Mail Delivery System <MAILER-DAEMON@${failure.reportingMta}>`,
    `To: ${failure.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${rfc5322Date(failure.date)}`,
    `Message-ID: <${failure.queueId}.${randomBytes(4).toString('hex')}@${failure.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;`,
    `\tboundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `This is the mail system at host ${failure.reportingMta}.`,
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients. It is attached below.',
    '',
    '                   The mail system',
    '',
    `<${failure.finalRecipient}>: host ${failure.remoteMta} said: ${failure.diagnostic}`,
    '    (in reply to RCPT TO command)',
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${failure.reportingMta}`,
    `X-Postfix-Queue-ID: ${failure.queueId}`,
    ...(failure.envelopeId === undefined ? [] : [`Original-Envelope-Id: ${decodeXtext(failure.envelopeId)}`]),
    `Arrival-Date: ${rfc5322Date(failure.arrivalDate)}`,
    '',
    `Final-Recipient: rfc822; ${failure.finalRecipient}`,
    ...(orcpt === undefined ? [] : [`Original-Recipient: ${orcpt}`]),
    'Action: failed',
    `Status: ${failure.status}`,
    `Remote-MTA: dns; ${failure.remoteMta}`,
    `Diagnostic-Code: smtp; ${failure.diagnostic}`,
    '',
    `--${boundary}`,
    `Content-Description: ${headersOnly ? 'Undelivered Message Headers' : 'Undelivered Message'}`,
    `Content-Type: ${headersOnly ? 'text/rfc822-headers' : 'message/rfc822'}`,
    'Content-Transfer-Encoding: 8bit',
    '',
  ]
  return `${lines.join('\r\n')}\r\n${original.replace(/\r\n$/, '')}\r\n\r\n--${boundary}--\r\n`
}
