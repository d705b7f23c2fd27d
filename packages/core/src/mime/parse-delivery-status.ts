import { headerFieldRecord, parseHeaderFieldGroups, stripTypePrefix } from './header-fields.js'
import type { DeliveryStatus, DeliveryStatusRecipient } from './parsed-message.js'

/**
 * Parses the body of a `message/delivery-status` (RFC 3464) or
 * `message/global-delivery-status` (RFC 6533) part: the first group holds the
 * per-message fields, every following group that names a recipient is one recipient.
 *
 * Returns null when the body holds no recipient group at all (nothing to act on).
 */
export function parseDeliveryStatus(body: string): DeliveryStatus | null {
  const groups = parseHeaderFieldGroups(body)
  if (groups.length === 0) return null
  const isRecipientGroup = (record: Record<string, string>) =>
    'final-recipient' in record || 'original-recipient' in record || ('action' in record && 'status' in record)
  const records = groups.map(headerFieldRecord)
  const first = records[0] ?? {}
  const perMessage = isRecipientGroup(first) ? {} : first
  const recipients: DeliveryStatusRecipient[] = []
  for (const record of records) {
    if (!isRecipientGroup(record)) continue
    recipients.push({
      finalRecipient: valueOf(record['final-recipient'], true),
      originalRecipient: valueOf(record['original-recipient'], true),
      action: valueOf(record['action'], false)?.toLowerCase() ?? null,
      status: normalizeStatus(record['status']),
      diagnosticCode: valueOf(record['diagnostic-code'], true),
      remoteMta: valueOf(record['remote-mta'], true),
    })
  }
  if (recipients.length === 0) return null
  return {
    fields: perMessage,
    reportingMta: valueOf(perMessage['reporting-mta'], true),
    recipients,
  }
}

function valueOf(raw: string | undefined, hasTypePrefix: boolean): string | null {
  if (raw === undefined) return null
  const value = hasTypePrefix ? stripTypePrefix(raw) : raw.trim()
  return value === '' ? null : value.replace(/^<(.*)>$/, '$1')
}

/** `5.1.1 (user unknown)` → `5.1.1`; keeps the value when it is not a status code. */
function normalizeStatus(raw: string | undefined): string | null {
  if (raw === undefined) return null
  const match = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(raw)
  if (match) return `${match[1]}.${match[2]}.${match[3]}`
  const trimmed = raw.trim()
  return trimmed === '' ? null : trimmed
}
