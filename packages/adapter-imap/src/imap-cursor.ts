import { ValidationError, type ValidationIssue } from '@cam/core'

/** Position in one mailbox: everything up to and including `lastUid` under `uidValidity` was yielded. */
export interface MailboxPosition {
  /**
   * The mailbox's UIDVALIDITY as a decimal string (IMAP allows 32-bit values and imapflow
   * reports a BigInt, which JSON cannot hold; a string round-trips exactly).
   */
  uidValidity: string
  /** Highest UID already yielded (0: none). */
  lastUid: number
}

/** Decoded IMAP inbox cursor: one position per mailbox name. */
export interface ImapCursor {
  mailboxes: Record<string, MailboxPosition>
}

/** Version tag written into every cursor, so a future format can still read this one. */
const cursorVersion = 1

/** An empty cursor (nothing fetched yet): what `fetch(null)` starts from. */
export function emptyImapCursor(): ImapCursor {
  return { mailboxes: {} }
}

/**
 * Serialises a cursor as compact JSON, e.g.
 * `{"v":1,"mailboxes":{"INBOX":{"uidValidity":"1795626896","lastUid":42}}}`.
 */
export function serializeImapCursor(cursor: ImapCursor): string {
  return JSON.stringify({ v: cursorVersion, mailboxes: cursor.mailboxes })
}

const decimal = /^[0-9]{1,20}$/

/**
 * Parses a cursor produced by {@link serializeImapCursor} (`null`: nothing fetched yet).
 * Throws a `ValidationError` naming every malformed field — a corrupt cursor must never be
 * read as "start from scratch" silently.
 */
export function parseImapCursor(cursor: string | null): ImapCursor {
  if (cursor === null) return emptyImapCursor()
  const fail = (issues: ValidationIssue[]): never => {
    throw new ValidationError('IMAP inbox cursor', issues)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(cursor)
  } catch {
    return fail([{ path: '', message: `expected JSON written by @cam/adapter-imap, got ${JSON.stringify(cursor.slice(0, 60))}` }])
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail([{ path: '', message: 'expected an object {"v":1,"mailboxes":{…}}' }])
  }
  const record = parsed as Record<string, unknown>
  const issues: ValidationIssue[] = []
  if (record.v !== cursorVersion) issues.push({ path: 'v', message: `expected ${cursorVersion}, got ${JSON.stringify(record.v)}` })
  const mailboxes = record.mailboxes
  const result: ImapCursor = emptyImapCursor()
  if (typeof mailboxes !== 'object' || mailboxes === null || Array.isArray(mailboxes)) {
    issues.push({ path: 'mailboxes', message: 'expected an object keyed by mailbox name' })
  } else {
    for (const [name, value] of Object.entries(mailboxes as Record<string, unknown>)) {
      const position = value as Partial<Record<keyof MailboxPosition, unknown>> | null
      const uidValidity = position?.uidValidity
      const lastUid = position?.lastUid
      let valid = true
      if (typeof uidValidity !== 'string' || !decimal.test(uidValidity)) {
        issues.push({ path: `mailboxes.${name}.uidValidity`, message: 'expected a decimal string' })
        valid = false
      }
      if (typeof lastUid !== 'number' || !Number.isInteger(lastUid) || lastUid < 0 || lastUid > 0xffffffff) {
        issues.push({ path: `mailboxes.${name}.lastUid`, message: 'expected an integer from 0 to 4294967295' })
        valid = false
      }
      if (valid) result.mailboxes[name] = { uidValidity: uidValidity as string, lastUid: lastUid as number }
    }
  }
  if (issues.length > 0) fail(issues)
  return result
}

/**
 * Source key of a message: `<mailbox>:<uidValidity>:<uid>`. Unique per mailbox and
 * UIDVALIDITY epoch, and stable across fetches and reconnects.
 */
export function imapSourceKey(mailbox: string, uidValidity: string, uid: number): string {
  return `${mailbox}:${uidValidity}:${uid}`
}
