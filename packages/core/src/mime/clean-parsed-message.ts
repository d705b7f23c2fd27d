import { containsControlCharacter, sanitizeText, toSingleLine } from '../domain/plain-text.js'
import type { DeliveryStatus, FeedbackReport, ParsedAddress, ParsedMessage } from './parsed-message.js'

/**
 * Applies CAM's text rules to a parsed message, once, before anything reads it (see
 * `domain/plain-text.ts`): bodies keep their lines but lose control characters, everything
 * that is one line by nature (subject, names, header values, report fields) is made one line,
 * lone surrogates become U+FFFD. Message-IDs and addresses are identities, not text: one
 * holding a control character is dropped (an id) or left empty (an address), never altered
 * into a different, valid one.
 */
export function cleanParsedMessage(message: ParsedMessage): ParsedMessage {
  return {
    ...message,
    messageId: cleanMessageId(message.messageId),
    inReplyTo: cleanMessageId(message.inReplyTo),
    references: message.references.filter((id) => !containsControlCharacter(id)),
    from: message.from === null ? null : cleanAddress(message.from),
    to: message.to.map(cleanAddress),
    cc: message.cc.map(cleanAddress),
    replyTo: message.replyTo.map(cleanAddress),
    subject: toSingleLine(message.subject),
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([name, value]) => [toSingleLine(name), Array.isArray(value) ? value.map(toSingleLine) : toSingleLine(value)]),
    ),
    text: sanitizeText(message.text),
    html: message.html === null ? null : sanitizeText(message.html),
    replyText: sanitizeText(message.replyText),
    deliveryStatus: message.deliveryStatus === null ? null : cleanDeliveryStatus(message.deliveryStatus),
    feedbackReport: message.feedbackReport === null ? null : cleanFeedbackReport(message.feedbackReport),
    originalMessageId: cleanMessageId(message.originalMessageId),
    autoSubmitted: lineOrNull(message.autoSubmitted),
    automation: { ...message.automation, autoSubmitted: lineOrNull(message.automation.autoSubmitted), precedence: lineOrNull(message.automation.precedence) },
    problems: message.problems.map((problem) => ({ part: toSingleLine(problem.part), message: sanitizeText(problem.message) })),
  }
}

/** A Message-ID or an address: dropped when it holds a control character. */
function cleanIdentity(value: string | null): string | null {
  return value === null || containsControlCharacter(value) ? null : value
}

const cleanMessageId = cleanIdentity

function cleanAddress(address: ParsedAddress): ParsedAddress {
  return { name: toSingleLine(address.name), address: containsControlCharacter(address.address) ? '' : address.address }
}

function lineOrNull(value: string | null): string | null {
  return value === null ? null : toSingleLine(value)
}

function cleanFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [toSingleLine(name), toSingleLine(value)]))
}

function cleanDeliveryStatus(status: DeliveryStatus): DeliveryStatus {
  return {
    fields: cleanFields(status.fields),
    reportingMta: lineOrNull(status.reportingMta),
    recipients: status.recipients.map((recipient) => ({
      finalRecipient: cleanIdentity(recipient.finalRecipient),
      originalRecipient: cleanIdentity(recipient.originalRecipient),
      action: lineOrNull(recipient.action),
      status: lineOrNull(recipient.status),
      diagnosticCode: lineOrNull(recipient.diagnosticCode),
      remoteMta: lineOrNull(recipient.remoteMta),
    })),
  }
}

function cleanFeedbackReport(report: FeedbackReport): FeedbackReport {
  return {
    feedbackType: lineOrNull(report.feedbackType),
    userAgent: lineOrNull(report.userAgent),
    version: lineOrNull(report.version),
    originalMailFrom: cleanIdentity(report.originalMailFrom),
    originalRcptTo: report.originalRcptTo.filter((address) => !containsControlCharacter(address)),
    arrivalDate: lineOrNull(report.arrivalDate),
    sourceIp: lineOrNull(report.sourceIp),
    reportedDomain: lineOrNull(report.reportedDomain),
    fields: cleanFields(report.fields),
  }
}
