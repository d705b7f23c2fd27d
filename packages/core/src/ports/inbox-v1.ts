/** One message fetched from an inbox, with the cursor to store together with it. */
export interface FetchedMessage {
  /**
   * Unique, stable key of the message in this inbox, e.g. `INBOX:1700000000:42`
   * (mailbox, UIDVALIDITY, UID). The store ignores a second message with the same key.
   */
  sourceKey: string
  /** Raw RFC 822 bytes (only the header block when `truncated`). */
  raw: Uint8Array
  /**
   * Opaque cursor that, passed to `fetch` later, resumes right **after** this message.
   * Serialised (JSON or similar) by the adapter; stored verbatim.
   */
  cursor: string
  /** Internal date / arrival time when the server knows it. */
  receivedAt?: Date
  /** True when the message exceeded the adapter's size limit and only its headers are in `raw`. */
  truncated?: boolean
}

/** Options of {@link InboxV1.fetch}. */
export interface InboxFetchOptions {
  /** Stop after this many messages (the worker fetches the rest next cycle). */
  limit?: number
  /** Aborts a fetch in progress (worker shutdown). */
  signal?: AbortSignal
}

/** Callbacks of {@link InboxV1.watch}. */
export interface InboxWatchOptions {
  /** Called whenever the server reports new mail. */
  onNewMail: () => void
  /** Called with errors the watcher recovered from (it keeps trying). */
  onError?: (error: unknown) => void
}

/** Handle returned by {@link InboxV1.watch}. */
export interface InboxWatch {
  /** Stops watching and frees the connection. */
  stop(): Promise<void>
}

/**
 * Port: a mailbox replies arrive in.
 *
 * Contract (checked by `describeInboxConformance`):
 * - `fetch(null)` yields every message; `fetch(cursor)` yields only messages after the
 *   message that produced `cursor`, in order, each exactly once.
 * - Each yielded message carries the cursor to store with it; a consumer that stores
 *   message and cursor atomically never loses or doubles a message across restarts.
 * - The adapter never deletes, moves or flags messages unless configured to.
 * - Authentication failures throw `InboxError` with `permanent: true`.
 */
export interface InboxV1 {
  /** Stable name; the store keys the cursor by it. */
  readonly name: string
  /** Yields messages after `cursor` (all when null). */
  fetch(cursor: string | null, options?: InboxFetchOptions): AsyncIterable<FetchedMessage>
  /** Optional push: calls `onNewMail` as soon as mail arrives (IMAP IDLE). */
  watch?(options: InboxWatchOptions): Promise<InboxWatch>
  /** Frees connections. */
  close?(): Promise<void>
}
