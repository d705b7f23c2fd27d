import { SendError } from '../errors/send-error.js'
import type { OutgoingEmail, SendOptions, SendResult, SenderV1 } from '../ports/sender-v1.js'

/** One email the memory sender accepted. */
export interface RecordedEmail {
  email: OutgoingEmail
  idempotencyKey: string
  providerId: string
  acceptedAt: Date
}

/** A {@link SenderV1} that keeps emails in memory, with failure injection for tests. */
export interface MemorySender extends SenderV1 {
  /** Emails accepted, in order (idempotent repeats are not added twice). */
  readonly sent: readonly RecordedEmail[]
  /** Every call to `send`, including repeats and failures. */
  readonly calls: number
  /** Makes the next `count` sends throw `error` (default: a retryable SendError). */
  failNext(count: number, error?: Error): void
  /** Makes every send to `address` throw a permanent SendError. */
  rejectAddress(address: string): void
  /** Forgets everything. */
  clear(): void
}

/** Options of {@link createMemorySender}. */
export interface MemorySenderOptions {
  /** Whether repeated idempotency keys are deduplicated (default true). */
  idempotent?: boolean
  name?: string
  /**
   * Replace our Message-ID with a provider-generated one (like providers that do
   * not honour a custom Message-ID), to test matching by provider id.
   */
  replaceMessageId?: boolean
}

/** Creates an in-memory sender. */
export function createMemorySender(options: MemorySenderOptions = {}): MemorySender {
  const idempotent = options.idempotent ?? true
  const sent: RecordedEmail[] = []
  const byKey = new Map<string, RecordedEmail>()
  const rejected = new Set<string>()
  let failures: Array<Error> = []
  let calls = 0
  let counter = 0

  return {
    name: options.name ?? 'memory',
    idempotent,
    get sent() {
      return sent
    },
    get calls() {
      return calls
    },
    failNext(count: number, error?: Error) {
      for (let i = 0; i < count; i++) failures.push(error ?? SendError.retryable('injected failure', { retryAfterMs: 1000 }))
    },
    rejectAddress(address: string) {
      rejected.add(address.toLowerCase())
    },
    clear() {
      sent.length = 0
      byKey.clear()
      rejected.clear()
      failures = []
      calls = 0
    },
    async send(email: OutgoingEmail, sendOptions: SendOptions): Promise<SendResult> {
      calls++
      if (!sendOptions?.idempotencyKey) throw SendError.permanent('idempotencyKey: expected a non-empty string', { field: 'idempotencyKey' })
      if (sendOptions.signal?.aborted) throw SendError.retryable('send aborted before it started', { cause: sendOptions.signal.reason })
      const failure = failures.shift()
      if (failure) throw failure
      if (rejected.has(email.to.email.toLowerCase())) {
        throw SendError.permanent(`to: recipient ${email.to.email} rejected`, { field: 'to', providerCode: 'invalid_to' })
      }
      if (idempotent) {
        const previous = byKey.get(sendOptions.idempotencyKey)
        if (previous) return { providerId: previous.providerId, ...(options.replaceMessageId ? { messageId: `<provider-${previous.providerId}@memory.invalid>` } : {}) }
      }
      const providerId = `mem-${++counter}`
      const record: RecordedEmail = { email: structuredClone(email), idempotencyKey: sendOptions.idempotencyKey, providerId, acceptedAt: new Date() }
      sent.push(record)
      byKey.set(sendOptions.idempotencyKey, record)
      return { providerId, ...(options.replaceMessageId ? { messageId: `<provider-${providerId}@memory.invalid>` } : {}) }
    },
  }
}
