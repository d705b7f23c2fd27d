import { headerFieldRecord, parseHeaderFields, stripTypePrefix } from './header-fields.js'
import type { FeedbackReport } from './parsed-message.js'

/**
 * Parses the body of an RFC 5965 `message/feedback-report` part (ARF, sent by mailbox
 * providers' feedback loops when a recipient marks a message as spam).
 *
 * Returns null when the body holds no field at all.
 */
export function parseFeedbackReport(body: string): FeedbackReport | null {
  const fields = parseHeaderFields(body, { stopAtBlankLine: false })
  if (fields.length === 0) return null
  const record = headerFieldRecord(fields)
  const pick = (name: string) => {
    const value = record[name]?.trim()
    return value === undefined || value === '' ? null : value
  }
  const address = (value: string) => stripTypePrefix(value).replace(/^<(.*)>$/, '$1').trim()
  const originalMailFrom = pick('original-mail-from')
  return {
    feedbackType: pick('feedback-type')?.toLowerCase() ?? null,
    userAgent: pick('user-agent'),
    version: pick('version'),
    originalMailFrom: originalMailFrom === null ? null : address(originalMailFrom),
    originalRcptTo: fields
      .filter((field) => field.name === 'original-rcpt-to')
      .map((field) => address(field.value))
      .filter((value) => value !== ''),
    arrivalDate: pick('arrival-date') ?? pick('received-date'),
    sourceIp: pick('source-ip'),
    reportedDomain: pick('reported-domain'),
    fields: record,
  }
}
