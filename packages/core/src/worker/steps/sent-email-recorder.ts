import { errorMessage } from '../../errors/cam-error.js'
import type { RecordEmailSentInput, RecordEmailsSentResult, StoreV1 } from '../../ports/store-v1.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { recordDurably } from './record-durably.js'

/** One sent email waiting to be recorded. */
export interface PendingSentRecord {
  input: RecordEmailSentInput
  /** Called once the record is committed. */
  recorded(): void
  /** Called when the claim turned out lost (another worker holds the email): nothing was written. */
  lost(): void
}

/**
 * Group commit of the send step's `sent` records (senders that are idempotent, stores
 * with `recordEmailsSent`): a lane hands its sent email over and takes the next one; the
 * records go to the store in groups, one transaction each — whatever completed while the
 * previous group was being written. Until its group commits, an email stays claimed (its
 * claim is still renewed): a crash in between is a crash between send and record, after
 * which the email is sent again under the same idempotency key.
 */
export interface SentEmailRecorder {
  /** Queues a record (never throws; a failure shows in `error` and in `drain`). */
  add(record: PendingSentRecord): void
  /** Resolves when there is room for more records (the backlog is bounded). */
  room(): Promise<void>
  /** The first failure to record a group (the step must stop sending), or null. */
  readonly failure: { error: unknown } | null
  /** Waits until every queued record is written; throws the first failure. */
  drain(): Promise<void>
}

/** At most this many records per group (one statement). */
const maxGroup = 200
/** Lanes wait while this many records are queued and not yet being written. */
const maxQueued = 200

/** A recorder over the store's `recordEmailsSent`. */
export function createSentEmailRecorder(runtime: WorkerRuntime, store: Required<Pick<StoreV1, 'recordEmailsSent' | 'getEmail'>>): SentEmailRecorder {
  const queued: PendingSentRecord[] = []
  let writing: Promise<void> | null = null
  let failure: { error: unknown } | null = null

  const writeGroup = async (group: PendingSentRecord[]) => {
    const inputs = group.map((record) => record.input)
    let result: RecordEmailsSentResult = { recorded: [], lost: [] }
    let tries = 0
    // A transient failure is retried; when an earlier try committed but its answer was
    // lost, its emails come back as not held: each is checked below.
    await recordDurably(
      async () => {
        tries++
        result = await store.recordEmailsSent(inputs)
      },
      async () => false,
    )
    const recorded = new Set(result.recorded)
    for (const record of group) {
      let committed = recorded.has(record.input.emailId)
      if (!committed && tries > 1) {
        const stored = await store.getEmail(record.input.emailId)
        committed = stored?.status === 'sent' && stored.sentAt?.getTime() === record.input.sentAt.getTime()
      }
      if (committed) record.recorded()
      else record.lost()
    }
  }

  const run = async () => {
    while (queued.length > 0 && failure === null) {
      const group = queued.splice(0, maxGroup)
      try {
        await writeGroup(group)
      } catch (error) {
        // The group's emails stay claimed: recovered at expiry, like after a crash.
        failure = { error }
        runtime.logger.warn('could not record a group of sent emails; they stay claimed until their claims expire', { emails: group.length, error: errorMessage(error) })
      }
    }
  }
  const start = () => {
    if (writing !== null || failure !== null || queued.length === 0) return
    writing = run().finally(() => {
      writing = null
      start() // records queued while the last group was being committed
    })
  }

  return {
    add(record) {
      queued.push(record)
      start()
    },
    async room() {
      while (queued.length >= maxQueued && writing !== null && failure === null) await writing
    },
    get failure() {
      return failure
    },
    async drain() {
      while (writing !== null) await writing
      if (failure !== null) throw failure.error
    },
  }
}
