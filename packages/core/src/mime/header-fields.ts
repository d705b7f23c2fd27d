/** One `Name: value` field of a header block, folding undone. */
export interface HeaderField {
  /** Lower-cased field name. */
  name: string
  /** Value with folding (CRLF + whitespace) replaced by a single space, trimmed. */
  value: string
}

const fieldLine = /^([!-9;-~]+)[ \t]*:(.*)$/

/**
 * Reads a block of `Name: value` fields (RFC 5322 header syntax, also used by
 * `message/delivery-status` and `message/feedback-report` groups). Continuation lines
 * (starting with a space or tab) are unfolded into the previous field; lines that are
 * neither are skipped. Stops at the first empty line unless `stopAtBlankLine` is false.
 */
export function parseHeaderFields(block: string, options: { stopAtBlankLine?: boolean } = {}): HeaderField[] {
  const stopAtBlankLine = options.stopAtBlankLine ?? true
  const fields: HeaderField[] = []
  const lines = block.split(/\r?\n/)
  let current: HeaderField | null = null
  for (const line of lines) {
    if (line.trim() === '') {
      if (stopAtBlankLine && fields.length > 0) break
      current = null
      continue
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current.value = `${current.value} ${line.trim()}`.trim()
      continue
    }
    const match = fieldLine.exec(line)
    if (!match) {
      current = null
      continue
    }
    current = { name: (match[1] ?? '').toLowerCase(), value: (match[2] ?? '').trim() }
    fields.push(current)
  }
  return fields
}

/**
 * Splits a report body into groups separated by blank lines (the RFC 3464 layout:
 * one per-message group, then one group per recipient) and reads each group's fields.
 * Empty groups are dropped.
 */
export function parseHeaderFieldGroups(body: string): HeaderField[][] {
  const groups: HeaderField[][] = []
  for (const chunk of body.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = parseHeaderFields(chunk, { stopAtBlankLine: false })
    if (fields.length > 0) groups.push(fields)
  }
  return groups
}

/** Fields as a record (lower-cased names; a repeated name keeps the first value). */
export function headerFieldRecord(fields: readonly HeaderField[]): Record<string, string> {
  const record: Record<string, string> = {}
  for (const field of fields) {
    if (!(field.name in record)) record[field.name] = field.value
  }
  return record
}

/**
 * Removes an RFC 3464 type prefix such as `rfc822;`, `smtp;`, `dns;` or `utf-8;` from a
 * field value: `rfc822; bob@example.com` → `bob@example.com`.
 */
export function stripTypePrefix(value: string): string {
  return value.replace(/^[A-Za-z0-9][A-Za-z0-9.+-]*\s*;\s*/, '').trim()
}

const messageIdPattern = /<[^<>\s]+>/g

/**
 * Every Message-ID (`<id@host>`) in a header value, in order. A bare id without angle
 * brackets (seen in the wild) is wrapped in them.
 */
export function parseMessageIdList(value: string | null | undefined): string[] {
  if (!value) return []
  const found = value.match(messageIdPattern)
  if (found && found.length > 0) return found
  const bare = value.trim().split(/\s+/).filter((token) => /^[^\s<>]+@[^\s<>]+$/.test(token))
  return bare.map((token) => `<${token}>`)
}
