import { ValidationError, type ValidationIssue } from '@cam/core'
import { compareUniqueNames } from './maildir-file-name.js'

/** Version tag written into every cursor, so a future format can still read this one. */
const cursorVersion = 1

/**
 * Decoded Maildir inbox cursor.
 *
 * Every message whose unique name sorts at or below `floor` counts as done; above the floor,
 * exactly the names in `seen` are done. A fetch yields every message above the floor that is
 * not in `seen`, in {@link compareUniqueNames} order — including messages that appeared late
 * with a name that sorts before messages already yielded (a slow delivery, a second agent, a
 * mail client moving a message in from another folder).
 *
 * `seen` holds at most the configured number of names; when it grows past that, its lowest
 * names are dropped and the floor rises to the highest one dropped.
 */
export interface MaildirCursor {
  /** Highest unique name dropped from `seen`; null while nothing was dropped. */
  floor: string | null
  /** Unique names yielded above the floor, ascending. */
  seen: string[]
}

/** Serialises a cursor as compact JSON: `{"v":1,"floor":null,"seen":["1700000000.M1P2Q1.host,S=120"]}`. */
export function serializeMaildirCursor(cursor: MaildirCursor): string {
  return JSON.stringify({ v: cursorVersion, floor: cursor.floor, seen: cursor.seen })
}

const isUniqueName = (value: unknown): value is string =>
  // eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
  typeof value === 'string' && value.length > 0 && value.length <= 1024 && !/[/\u0000]/.test(value)

/**
 * Parses a cursor written by {@link serializeMaildirCursor} (`null`: nothing fetched yet).
 * Throws a `ValidationError` naming every malformed field: a corrupt cursor must never be read
 * as "start from the beginning" silently.
 */
export function parseMaildirCursor(cursor: string | null): MaildirCursor {
  if (cursor === null) return { floor: null, seen: [] }
  const fail = (issues: ValidationIssue[]): never => {
    throw new ValidationError('Maildir inbox cursor', issues)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(cursor)
  } catch {
    return fail([{ path: '', message: `expected JSON written by @cam/adapter-filesystem, got ${JSON.stringify(cursor.slice(0, 60))}` }])
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail([{ path: '', message: 'expected an object {"v":1,"floor":…,"seen":[…]}' }])
  }
  const record = parsed as Record<string, unknown>
  const issues: ValidationIssue[] = []
  if (record.v !== cursorVersion) issues.push({ path: 'v', message: `expected ${cursorVersion}, got ${JSON.stringify(record.v)}` })
  if (record.floor !== null && !isUniqueName(record.floor)) {
    issues.push({ path: 'floor', message: 'expected null or a Maildir unique name (non-empty, no "/")' })
  }
  const seen: string[] = []
  if (!Array.isArray(record.seen)) {
    issues.push({ path: 'seen', message: 'expected an array of Maildir unique names' })
  } else {
    record.seen.forEach((name, index) => {
      if (isUniqueName(name)) seen.push(name)
      else issues.push({ path: `seen.${index}`, message: 'expected a Maildir unique name (non-empty, no "/")' })
    })
  }
  if (issues.length > 0) fail(issues)
  seen.sort(compareUniqueNames)
  const floor = record.floor as string | null
  if (floor !== null && seen.length > 0 && compareUniqueNames(seen[0]!, floor) <= 0) {
    fail([{ path: 'seen', message: `every name must sort above floor ${JSON.stringify(floor)}` }])
  }
  return { floor, seen }
}

/**
 * Mutable cursor state used during one fetch: answers "was this message yielded?" and records
 * each yielded message, keeping at most `capacity` names.
 */
export class MaildirCursorState {
  private floor: string | null
  private readonly seen: string[]
  private readonly seenSet: Set<string>

  constructor(
    cursor: MaildirCursor,
    private readonly capacity: number,
  ) {
    this.floor = cursor.floor
    this.seen = [...cursor.seen]
    this.seenSet = new Set(this.seen)
  }

  /** True when the message with this unique name was already yielded (or lies at or below the floor). */
  isDone(uniqueName: string): boolean {
    if (this.floor !== null && compareUniqueNames(uniqueName, this.floor) <= 0) return true
    return this.seenSet.has(uniqueName)
  }

  /** Records a yielded message and returns the cursor to store with it. */
  markDone(uniqueName: string): string {
    if (!this.isDone(uniqueName)) {
      // Usually the newest name: a binary search from the end finds the slot in O(log n).
      let low = 0
      let high = this.seen.length
      while (low < high) {
        const middle = (low + high) >>> 1
        if (compareUniqueNames(this.seen[middle]!, uniqueName) < 0) low = middle + 1
        else high = middle
      }
      this.seen.splice(low, 0, uniqueName)
      this.seenSet.add(uniqueName)
    }
    if (this.seen.length > this.capacity) {
      // Drop the lowest names; every one of them is above the old floor, so the floor only rises.
      const dropped = this.seen.splice(0, this.seen.length - this.capacity)
      for (const name of dropped) this.seenSet.delete(name)
      this.floor = dropped[dropped.length - 1]!
    }
    return serializeMaildirCursor({ floor: this.floor, seen: this.seen })
  }
}
