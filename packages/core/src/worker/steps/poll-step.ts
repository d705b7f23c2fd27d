import type { InboxV1 } from '../../ports/inbox-v1.js'
import { readMessageIdHeader } from '../../util/header-message-id.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'

/**
 * Step 2 — poll: fetches messages after the stored cursor of one inbox and stores
 * each together with its cursor (one atomic store call), so a crash at any point
 * neither loses nor doubles a message. Leader-only, one lease per inbox.
 */
export function createPollStep(runtime: WorkerRuntime, inbox: InboxV1, name: string): WorkerStep {
  return {
    name,
    leader: `cam:poll:${inbox.name}`,
    async run(context) {
      const counts = { fetched: 0, stored: 0, duplicates: 0 }
      const cursor = await context.store.getInboxCursor(inbox.name)
      for await (const message of inbox.fetch(cursor, { limit: runtime.config.pollLimit, signal: context.signal })) {
        counts.fetched++
        const headerMessageId = readMessageIdHeader(message.raw)
        const saved = await context.store.saveInboundMessage({
          inbox: inbox.name,
          sourceKey: message.sourceKey,
          messageId: headerMessageId,
          raw: message.raw,
          truncated: message.truncated ?? false,
          receivedAt: message.receivedAt ?? context.clock.now(),
          cursor: message.cursor,
        })
        if (saved.stored) {
          counts.stored++
          runtime.emit('message:received', { messageId: saved.id, inbox: inbox.name, sourceKey: message.sourceKey, headerMessageId })
        } else {
          counts.duplicates++
        }
        if (context.signal.aborted) break
      }
      return counts
    },
  }
}
