import type { FetchedMessage, InboxFetchOptions, InboxV1, InboxWatch, InboxWatchOptions } from '../ports/inbox-v1.js'

/** An {@link InboxV1} over an in-memory list of raw messages. */
export interface MemoryInbox extends InboxV1 {
  /** Appends a raw message (string or bytes) and notifies watchers. Returns its source key. */
  deliver(raw: string | Uint8Array, options?: { receivedAt?: Date }): string
  /** Number of messages held. */
  readonly size: number
  /** Makes the next `count` fetches throw `error`. */
  failNext(count: number, error?: Error): void
}

interface Cursor {
  /** Position (1-based sequence number) of the last message returned. */
  last: number
}

/** Creates an in-memory inbox named `name` (default `memory`). */
export function createMemoryInbox(options: { name?: string } = {}): MemoryInbox {
  const messages: Array<{ raw: Uint8Array; receivedAt: Date }> = []
  const watchers = new Set<InboxWatchOptions>()
  let failures: Error[] = []
  const name = options.name ?? 'memory'

  const parseCursor = (cursor: string | null): Cursor => {
    if (cursor === null) return { last: 0 }
    const parsed = JSON.parse(cursor) as Partial<Cursor>
    if (typeof parsed.last !== 'number' || parsed.last < 0) throw new TypeError(`memory inbox cursor: expected {"last":n}, got ${cursor}`)
    return { last: parsed.last }
  }

  return {
    name,
    get size() {
      return messages.length
    },
    deliver(raw, deliverOptions = {}) {
      // A copy: the caller may reuse its buffer, and a real mailbox keeps what was delivered.
      const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : new Uint8Array(raw)
      messages.push({ raw: bytes, receivedAt: deliverOptions.receivedAt ?? new Date() })
      for (const watcher of watchers) {
        try {
          watcher.onNewMail()
        } catch (error) {
          watcher.onError?.(error)
        }
      }
      return `${name}:${messages.length}`
    },
    failNext(count, error) {
      for (let i = 0; i < count; i++) failures.push(error ?? new Error('injected inbox failure'))
    },
    async *fetch(cursor: string | null, fetchOptions: InboxFetchOptions = {}): AsyncIterable<FetchedMessage> {
      const failure = failures.shift()
      if (failure) throw failure
      const { last } = parseCursor(cursor)
      const limit = fetchOptions.limit ?? Number.POSITIVE_INFINITY
      let yielded = 0
      for (let index = last; index < messages.length && yielded < limit; index++) {
        fetchOptions.signal?.throwIfAborted()
        const message = messages[index]!
        yielded++
        yield {
          sourceKey: `${name}:${index + 1}`,
          // A fresh copy per fetch, like a server sends: a consumer changing it cannot alter the mailbox.
          raw: new Uint8Array(message.raw),
          cursor: JSON.stringify({ last: index + 1 }),
          receivedAt: message.receivedAt,
        }
      }
    },
    async watch(watchOptions: InboxWatchOptions): Promise<InboxWatch> {
      watchers.add(watchOptions)
      return {
        stop: async () => {
          watchers.delete(watchOptions)
        },
      }
    },
    async close() {
      watchers.clear()
      failures = []
    },
  }
}
