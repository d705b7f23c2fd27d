/**
 * What the worker's poll step does, reduced to its core: fetch after the stored cursor and
 * store each message together with its cursor in one atomic store call. Used where a test
 * drives the inbox and the store directly (e.g. to interleave a server crash with the loop).
 */
import type { InboxFetchOptions, InboxV1, StoreV1 } from '@cam/core'
import { messageIdOf } from './test-mail.js'

export interface IngestResult {
  fetched: number
  stored: number
  duplicates: number
}

export async function ingestIntoStore(
  inbox: InboxV1,
  store: StoreV1,
  options: InboxFetchOptions & { onMessage?: (index: number) => Promise<void> | void } = {},
): Promise<IngestResult> {
  const result: IngestResult = { fetched: 0, stored: 0, duplicates: 0 }
  const cursor = await store.getInboxCursor(inbox.name)
  for await (const message of inbox.fetch(cursor, options)) {
    result.fetched++
    const saved = await store.saveInboundMessage({
      inbox: inbox.name,
      sourceKey: message.sourceKey,
      messageId: messageIdOf(message.raw),
      raw: message.raw,
      truncated: message.truncated ?? false,
      receivedAt: message.receivedAt ?? new Date(),
      cursor: message.cursor,
    })
    if (saved.stored) result.stored++
    else result.duplicates++
    await options.onMessage?.(result.fetched)
  }
  return result
}
