import type { FetchMessageObject, ImapFlow } from 'imapflow'
import { toUidSequenceSet } from './uid-sequence-set.js'

/** One message read from the selected mailbox. */
export interface MailboxMessage {
  uid: number
  /** Full source, or only the header block when `truncated`. */
  raw: Uint8Array
  receivedAt: Date | undefined
  truncated: boolean
}

/** Batching limits of {@link fetchMailboxMessages}. */
export interface MailboxFetchLimits {
  /** Messages per FETCH command. */
  batchSize: number
  /** Upper bound of the bytes loaded by one FETCH (a single larger message is fetched alone). */
  batchBytes: number
  /** Messages above this size are read as headers only and marked truncated. */
  maxMessageBytes: number
}

/**
 * UIDs in the selected mailbox greater than `lastUid`, ascending.
 *
 * `UID SEARCH UID n:*` is used (not `FETCH n:*`) because imapflow cannot run commands inside a
 * `fetch` iteration; and the result is filtered to `uid > lastUid` because IMAP defines `n:*`
 * as "n up to the highest UID" in either order, so it still matches the newest message when
 * nothing is newer than `lastUid`.
 */
export async function searchNewUids(client: ImapFlow, lastUid: number): Promise<number[]> {
  const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })
  if (!Array.isArray(found)) {
    throw Object.assign(new Error('the server rejected UID SEARCH'), { code: 'SearchFailed' })
  }
  return found.filter((uid) => uid > lastUid).sort((a, b) => a - b)
}

/** Large messages whose exact size is looked up per round trip. */
const sizeWindow = 1_000

/**
 * Size up to which a message counts as "small": `batchSize` small messages always fit in
 * `batchBytes`, and a small message is never above `maxMessageBytes`.
 */
function smallMessageCeiling(limits: MailboxFetchLimits): number {
  return Math.max(1, Math.min(Math.floor(limits.batchBytes / limits.batchSize), limits.maxMessageBytes))
}

/**
 * Reads the messages with the given UIDs (ascending) from the selected mailbox, in UID
 * order, keeping memory bounded:
 *
 * - one `UID SEARCH … LARGER c` finds the few messages above the small-message ceiling `c`
 *   (`batchBytes / batchSize`, at most `maxMessageBytes`); only their exact sizes are fetched
 *   (asking the server for every size would cost a FETCH line per message);
 * - messages are then fetched in batches of at most `batchSize` messages and `batchBytes`
 *   bytes (a small message counts as `c`, a large one as its size); one above
 *   `maxMessageBytes` costs only its header block and is read with `BODY.PEEK[HEADER]`;
 * - a batch is read completely before its messages are handed out (imapflow forbids other
 *   commands while a FETCH streams, and the consumer may take its time).
 *
 * Messages that vanished meanwhile (expunged by another client) are skipped.
 */
export async function* fetchMailboxMessages(
  client: ImapFlow,
  uids: readonly number[],
  limits: MailboxFetchLimits,
): AsyncGenerator<MailboxMessage> {
  const first = uids[0]
  if (first === undefined) return
  const ceiling = smallMessageCeiling(limits)
  const found = await client.search({ uid: `${first}:*`, larger: ceiling }, { uid: true })
  if (!Array.isArray(found)) {
    throw Object.assign(new Error('the server rejected UID SEARCH LARGER'), { code: 'SearchFailed' })
  }
  const large = new Set(found)
  for (let windowStart = 0; windowStart < uids.length; windowStart += sizeWindow) {
    const window = uids.slice(windowStart, windowStart + sizeWindow)
    const largeInWindow = window.filter((uid) => large.has(uid))
    const sizes = new Map<number, number>()
    if (largeInWindow.length > 0) {
      for await (const message of client.fetch(toUidSequenceSet(largeInWindow), { uid: true, size: true }, { uid: true })) {
        sizes.set(message.uid, message.size ?? 0)
      }
    }
    // A large message without a size vanished since the search.
    const present = window.filter((uid) => !large.has(uid) || sizes.has(uid))
    const cost = (uid: number): number => {
      if (!large.has(uid)) return ceiling
      const size = sizes.get(uid) ?? 0
      return size > limits.maxMessageBytes ? 0 : size
    }
    const oversized = (uid: number): boolean => large.has(uid) && (sizes.get(uid) ?? 0) > limits.maxMessageBytes
    for (const batch of planBatches(present, cost, limits)) {
      yield* await fetchBatch(client, batch, oversized)
    }
  }
}

/** Splits UIDs into consecutive batches bounded by count and estimated bytes. */
function planBatches(uids: readonly number[], cost: (uid: number) => number, limits: MailboxFetchLimits): number[][] {
  const batches: number[][] = []
  let current: number[] = []
  let currentBytes = 0
  for (const uid of uids) {
    const bytes = cost(uid)
    if (current.length > 0 && (current.length >= limits.batchSize || currentBytes + bytes > limits.batchBytes)) {
      batches.push(current)
      current = []
      currentBytes = 0
    }
    current.push(uid)
    currentBytes += bytes
  }
  if (current.length > 0) batches.push(current)
  return batches
}

async function fetchBatch(client: ImapFlow, batch: readonly number[], isOversized: (uid: number) => boolean): Promise<MailboxMessage[]> {
  const whole = batch.filter((uid) => !isOversized(uid))
  const oversized = batch.filter(isOversized)
  const byUid = new Map<number, MailboxMessage>()
  if (whole.length > 0) {
    for (const message of await client.fetchAll(toUidSequenceSet(whole), { uid: true, source: true, internalDate: true }, { uid: true })) {
      if (!message.source) throw missingData(message.uid, 'BODY[]')
      byUid.set(message.uid, toMailboxMessage(message, message.source, false))
    }
  }
  if (oversized.length > 0) {
    for (const message of await client.fetchAll(toUidSequenceSet(oversized), { uid: true, headers: true, internalDate: true }, { uid: true })) {
      if (!message.headers) throw missingData(message.uid, 'BODY[HEADER]')
      byUid.set(message.uid, toMailboxMessage(message, message.headers, true))
    }
  }
  return [...byUid.values()].sort((a, b) => a.uid - b.uid)
}

/** A FETCH answer without the requested data: never skip the message (that would lose it), fail the fetch. */
function missingData(uid: number, item: string): Error {
  return Object.assign(new Error(`the server answered FETCH for UID ${uid} without ${item}`), { code: 'MissingFetchData' })
}

function toMailboxMessage(message: FetchMessageObject, raw: Buffer, truncated: boolean): MailboxMessage {
  const date = message.internalDate === undefined ? undefined : new Date(message.internalDate)
  return {
    uid: message.uid,
    raw,
    receivedAt: date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined,
    truncated,
  }
}
