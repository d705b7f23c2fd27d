import type { MemoryStore } from '../../src/testing/index.js'

/**
 * The memory store without `recordEmailsSent`: the send step then records each email
 * before its lane takes the next (the path of stores without group commit, and of
 * senders that are not idempotent).
 */
export function perEmailRecords(store: MemoryStore): MemoryStore {
  return { ...store, recordEmailsSent: undefined }
}
