import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser'
import { isBounceSubject, isComplaintSubject, readAutomationSignals } from './automation-signals.js'
import { extractReplyText } from './extract-reply-text.js'
import { cleanParsedMessage } from './clean-parsed-message.js'
import { parseHeaderFields, parseMessageIdList } from './header-fields.js'
import { cutQuotedHtml, htmlToPlainText } from './html-to-plain-text.js'
import { messageIdFromHeaderBlock, messageIdFromQuotedHeaders, returnedMessageContentTypes } from './original-message-id.js'
import { parseDeliveryStatus } from './parse-delivery-status.js'
import { parseFeedbackReport } from './parse-feedback-report.js'
import type { DeliveryStatus, FeedbackReport, ParsedAddress, ParsedMessage, ParseProblem } from './parsed-message.js'

/** Raw RFC 822 bytes as an inbox delivers them (a string is read as UTF-8). */
export type RawMessage = Buffer | Uint8Array | string

/**
 * Parses a raw RFC 822 message into everything CAM reads from an email: identifiers,
 * addresses, subject, date, headers, plain text, HTML, the new reply text, RFC 3464 delivery
 * status, RFC 5965 feedback report, the original Message-ID a bounce or complaint is about,
 * and automation signals.
 *
 * Built on `mailparser`. Never throws: whatever could not be read is listed in
 * `problems`, and the fields hold what could be read (empty values otherwise).
 *
 * Every text is clean (`sanitizeText`): no control character but tab, CR and LF, no lone
 * surrogate. The subject, display names and header values are one line (`toSingleLine`);
 * a Message-ID or an address holding a control character is dropped.
 *
 * @example
 * const message = await parseRawMessage(rawBytes)
 * if (message.deliveryStatus) console.log(message.deliveryStatus.recipients[0]?.status)
 * console.log(message.replyText)
 */
export async function parseRawMessage(raw: RawMessage): Promise<ParsedMessage> {
  return cleanParsedMessage(await readRawMessage(raw))
}

async function readRawMessage(raw: RawMessage): Promise<ParsedMessage> {
  const problems: ParseProblem[] = []
  let buffer: Buffer
  if (typeof raw === 'string') buffer = Buffer.from(raw, 'utf8')
  else if (Buffer.isBuffer(raw)) buffer = raw
  else if (raw instanceof Uint8Array) buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
  else {
    problems.push({ part: 'input', message: `expected a Buffer, Uint8Array or string, got ${describe(raw)}` })
    return emptyMessage(problems)
  }
  if (buffer.length === 0) {
    problems.push({ part: 'input', message: 'the message is empty' })
    return emptyMessage(problems)
  }

  let mail: ParsedMail
  try {
    mail = await simpleParser(buffer, {
      keepDeliveryStatus: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
      keepCidLinks: true,
      ignoreEmbedded: true,
      checksumAlgo: false,
    })
  } catch (error) {
    problems.push({ part: 'mime', message: `the MIME structure could not be parsed: ${errorMessage(error)}; headers and text were read without it` })
    return fallbackParse(buffer, problems)
  }
  try {
    return buildMessage(mail, buffer, problems)
  } catch (error) {
    problems.push({ part: 'mime', message: `the parsed message could not be read: ${errorMessage(error)}; headers and text were read without it` })
    return fallbackParse(buffer, problems)
  }
}

function buildMessage(mail: ParsedMail, buffer: Buffer, problems: ParseProblem[]): ParsedMessage {
  const headers = collectHeaders(mail)
  if (mail.headerLines.length === 0) problems.push({ part: 'headers', message: 'no header fields were found' })

  const from = firstAddress(mail.from)
  const subject = mail.subject ?? ''
  const date = readDate(headers, problems)

  const html = typeof mail.html === 'string' && mail.html !== '' ? mail.html : null
  let text = mail.text ?? ''
  let replySource: string = text
  if (text.trim() === '' && html !== null) {
    const converted = safeHtmlToText(html, problems)
    text = converted
    const quoteless = cutQuotedHtml(html.length > 512 * 1024 ? html.slice(0, 512 * 1024) : html)
    replySource = quoteless.length === html.length ? converted : safeHtmlToText(quoteless, [])
    if (replySource.trim() === '') replySource = converted
  }

  let deliveryStatus: DeliveryStatus | null = null
  let feedbackReport: FeedbackReport | null = null
  let returnedMessageId: string | null = null
  for (const attachment of mail.attachments) {
    const contentType = typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : ''
    if (contentType === 'message/delivery-status' || contentType === 'message/global-delivery-status') {
      if (deliveryStatus !== null) continue
      deliveryStatus = parseDeliveryStatus(attachmentText(attachment))
      if (deliveryStatus === null) problems.push({ part: 'delivery-status', message: `${contentType} part names no recipient` })
    } else if (contentType === 'message/feedback-report') {
      if (feedbackReport !== null) continue
      feedbackReport = parseFeedbackReport(attachmentText(attachment))
      if (feedbackReport === null) problems.push({ part: 'feedback-report', message: 'message/feedback-report part holds no field' })
    } else if (returnedMessageContentTypes.has(contentType) && returnedMessageId === null) {
      returnedMessageId = messageIdFromHeaderBlock(attachmentText(attachment))
    }
  }

  const messageId = mail.messageId ?? parseMessageIdList(headerValue(headers, 'message-id'))[0] ?? null
  const automation = readAutomationSignals({ headers, from, subject })
  const contentType = headerValue(headers, 'content-type')?.toLowerCase() ?? ''
  const isReport =
    deliveryStatus !== null ||
    feedbackReport !== null ||
    contentType.startsWith('multipart/report') ||
    automation.fromMailerDaemon ||
    automation.nullReturnPath ||
    isBounceSubject(subject) ||
    isComplaintSubject(subject)

  let originalMessageId: string | null = null
  if (isReport) {
    originalMessageId =
      returnedMessageId ??
      messageIdFromQuotedHeaders(text, messageId) ??
      (text.trim() === '' ? messageIdFromQuotedHeaders(bodyOf(buffer), messageId) : null) ??
      parseMessageIdList(headerValue(headers, 'x-original-message-id'))[0] ??
      parseMessageIdList(headerValue(headers, 'in-reply-to'))[0] ??
      null
  }

  return {
    messageId,
    inReplyTo: parseMessageIdList(headerValue(headers, 'in-reply-to'))[0] ?? null,
    references: parseMessageIdList(joinedHeader(headers, 'references')),
    from,
    to: addressList(mail.to),
    cc: addressList(mail.cc),
    replyTo: addressList(mail.replyTo),
    subject,
    date,
    headers,
    text,
    html,
    replyText: extractReplyText(replySource, { senderName: from?.name }),
    deliveryStatus,
    feedbackReport,
    originalMessageId,
    autoSubmitted: automation.autoSubmitted,
    automation,
    problems,
  }
}

/** Headers keyed by lower-cased name; unstructured values decoded by mailparser, others as written (unfolded). */
function collectHeaders(mail: ParsedMail): Record<string, string | string[]> {
  const raw = new Map<string, string[]>()
  for (const { key, line } of mail.headerLines) {
    const colon = line.indexOf(':')
    const value = unfold(colon < 0 ? '' : line.slice(colon + 1))
    const list = raw.get(key)
    if (list) list.push(value)
    else raw.set(key, [value])
  }
  const headers: Record<string, string | string[]> = {}
  for (const [key, values] of raw) {
    const parsed = mail.headers.get(key)
    let decoded: string[] = values
    if (typeof parsed === 'string' && values.length === 1) decoded = [parsed]
    else if (Array.isArray(parsed) && parsed.length === values.length && parsed.every((item) => typeof item === 'string')) {
      decoded = parsed as string[]
    }
    headers[key] = decoded.length === 1 ? (decoded[0] ?? '') : decoded
  }
  return headers
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').replace(/\r?\n/g, ' ').trim()
}

function headerValue(headers: Record<string, string | string[]>, name: string): string | null {
  const value = headers[name]
  if (value === undefined) return null
  return (Array.isArray(value) ? value[0] : value) ?? null
}

function joinedHeader(headers: Record<string, string | string[]>, name: string): string | null {
  const value = headers[name]
  if (value === undefined) return null
  return Array.isArray(value) ? value.join(' ') : value
}

function readDate(headers: Record<string, string | string[]>, problems: ParseProblem[]): Date | null {
  const value = headerValue(headers, 'date')
  if (value === null || value.trim() === '') return null
  const date = parseDateHeader(value)
  if (date === null) problems.push({ part: 'headers', message: 'the Date header could not be read as a date' })
  return date
}

/** Reads an RFC 5322 date (comments such as `(UTC)` removed); null when it is not a date. */
function parseDateHeader(value: string): Date | null {
  const cleaned = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim()
  const date = new Date(cleaned)
  if (!Number.isNaN(date.getTime())) return date
  // "Tue, 4 Mar 2025 10:12:03 +0000 UT" and other near-misses: try without a trailing zone name.
  const withoutZoneName = new Date(cleaned.replace(/\s+[A-Za-z]{1,5}$/, ''))
  return Number.isNaN(withoutZoneName.getTime()) ? null : withoutZoneName
}

function toParsedAddresses(object: AddressObject | AddressObject[] | undefined): ParsedAddress[] {
  if (object === undefined) return []
  const objects = Array.isArray(object) ? object : [object]
  const result: ParsedAddress[] = []
  for (const entry of objects) {
    for (const address of entry.value) {
      if (address.group) {
        for (const member of address.group) result.push({ name: member.name ?? '', address: member.address ?? '' })
      } else {
        result.push({ name: address.name ?? '', address: address.address ?? '' })
      }
    }
  }
  return result
}

function firstAddress(object: AddressObject | undefined): ParsedAddress | null {
  return toParsedAddresses(object)[0] ?? null
}

function addressList(object: AddressObject | AddressObject[] | undefined): ParsedAddress[] {
  return toParsedAddresses(object)
}

function attachmentText(attachment: Attachment): string {
  const content = attachment.content
  const limited = content.length > 1024 * 1024 ? content.subarray(0, 1024 * 1024) : content
  return limited.toString('utf8')
}

function safeHtmlToText(html: string, problems: ParseProblem[]): string {
  try {
    const { text, truncated } = htmlToPlainText(html)
    if (truncated) problems.push({ part: 'body', message: 'the HTML body is very large; only its start was converted to text' })
    return text
  } catch (error) {
    problems.push({ part: 'body', message: `the HTML body could not be converted to text: ${errorMessage(error)}` })
    return ''
  }
}

/** The body of a raw message (after the first blank line), first 512 KB, read as UTF-8. */
function bodyOf(buffer: Buffer): string {
  const limited = buffer.subarray(0, 1024 * 1024).toString('utf8')
  const match = /\r?\n\r?\n/.exec(limited)
  return match ? limited.slice(match.index + match[0].length) : ''
}

/** When mailparser fails: headers read line by line, the body taken as text. */
function fallbackParse(buffer: Buffer, problems: ParseProblem[]): ParsedMessage {
  const limited = buffer.subarray(0, 1024 * 1024).toString('utf8')
  const fields = parseHeaderFields(limited)
  const headers: Record<string, string | string[]> = {}
  for (const field of fields) {
    const existing = headers[field.name]
    if (existing === undefined) headers[field.name] = field.value
    else if (Array.isArray(existing)) existing.push(field.value)
    else headers[field.name] = [existing, field.value]
  }
  const text = fields.length > 0 ? bodyOf(buffer) : limited
  const subject = headerValue(headers, 'subject') ?? ''
  const fromValue = headerValue(headers, 'from')
  const fromMatch = fromValue === null ? null : /^\s*"?([^"<]*?)"?\s*<([^>]*)>|([^\s<>]+@[^\s<>]+)/.exec(fromValue)
  const from: ParsedAddress | null =
    fromMatch === null ? null : { name: (fromMatch[1] ?? '').trim(), address: (fromMatch[2] ?? fromMatch[3] ?? '').trim() }
  const automation = readAutomationSignals({ headers, from, subject })
  const messageId = parseMessageIdList(headerValue(headers, 'message-id'))[0] ?? null
  return {
    messageId,
    inReplyTo: parseMessageIdList(headerValue(headers, 'in-reply-to'))[0] ?? null,
    references: parseMessageIdList(joinedHeader(headers, 'references')),
    from,
    to: [],
    cc: [],
    replyTo: [],
    subject,
    date: readDate(headers, problems),
    headers,
    text,
    html: null,
    replyText: extractReplyText(text, { senderName: from?.name }),
    deliveryStatus: null,
    feedbackReport: null,
    originalMessageId: null,
    autoSubmitted: automation.autoSubmitted,
    automation,
    problems,
  }
}

function emptyMessage(problems: ParseProblem[]): ParsedMessage {
  const automation = readAutomationSignals({ headers: {}, from: null, subject: '' })
  return {
    messageId: null,
    inReplyTo: null,
    references: [],
    from: null,
    to: [],
    cc: [],
    replyTo: [],
    subject: '',
    date: null,
    headers: {},
    text: '',
    html: null,
    replyText: '',
    deliveryStatus: null,
    feedbackReport: null,
    originalMessageId: null,
    autoSubmitted: null,
    automation,
    problems,
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
