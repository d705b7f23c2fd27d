import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { CamError } from '../../errors/cam-error.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import type { WithStore } from './test-api.js'
import { sampleRawMessage } from './store-fixtures.js'
import type { ConformanceTestApi } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const ttl = 3_600_000

async function saveMessage(store: StoreV1, inbox: string, sourceKey: string, raw: Uint8Array, messageId: string | null) {
  return store.saveInboundMessage({ inbox, sourceKey, messageId, raw, truncated: false, receivedAt: t0, cursor: sourceKey })
}

/** Claims pending messages and keeps only `id` (other tests may share the store: the rest is given back uncounted). */
async function claimOne(store: StoreV1, id: string, workerId: string, now: Date) {
  const claimed = await store.claimPendingMessages({ now, workerId, limit: 10_000, claimTtlMs: ttl })
  for (const message of claimed) {
    if (message.id !== id) await store.releaseMessage({ messageId: message.id, workerId, retryAt: now })
  }
  return claimed.find((message) => message.id === id) ?? null
}

/** Failures of message processing: counted releases, quarantine and retry, and deduplication of messages without a Message-ID. */
export function describeStoreMessageFailureTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('message failures and quarantine', () => {
    api.it(
      'counts a release with an error as a failure, a plain give-back not, and an expired claim as one',
      withStore(async (store) => {
        const inbox = `inbox-${randomUUID()}`
        const { id } = await saveMessage(store, inbox, 'INBOX:1:1', sampleRawMessage(), null)
        const first = await claimOne(store, id, 'worker-a', minutes(1))
        assert.equal(first?.failures, 0)
        assert.equal(first?.lastError, null)
        await store.releaseMessage({ messageId: id, workerId: 'worker-a', retryAt: minutes(1) })
        const second = await claimOne(store, id, 'worker-a', minutes(1))
        assert.equal(second?.failures, 0, 'a give-back is not the message’s failure')
        await store.releaseMessage({ messageId: id, workerId: 'worker-a', retryAt: minutes(5), error: 'classifier exploded' })
        assert.equal(await claimOne(store, id, 'worker-a', minutes(4)), null, 'waits until retryAt')
        const third = await claimOne(store, id, 'worker-b', minutes(5))
        assert.equal(third?.failures, 1)
        assert.equal(third?.lastError, 'classifier exploded')
        // worker-b dies while processing it: its claim expires and the next claim counts that.
        const fourth = await claimOne(store, id, 'worker-c', new Date(minutes(5).getTime() + ttl + 1))
        assert.equal(fourth?.failures, 2)
        assert.ok((fourth?.attempts ?? 0) >= 4)
      }),
    )

    api.it(
      'quarantines a claimed message: never claimed again, listed, and back to pending when retried',
      withStore(async (store) => {
        const inbox = `inbox-${randomUUID()}`
        const { id } = await saveMessage(store, inbox, 'INBOX:1:1', sampleRawMessage(), null)
        await claimOne(store, id, 'worker-a', minutes(1))
        await assert.rejects(store.quarantineMessage({ messageId: id, workerId: 'worker-b', now: minutes(1), error: 'x' }), (e) => CamError.isInstance(e, 'CONFLICT'))
        const quarantined = await store.quarantineMessage({ messageId: id, workerId: 'worker-a', now: minutes(1), error: 'invalid byte sequence' })
        assert.equal(quarantined.status, 'quarantined')
        assert.equal(quarantined.failures, 1)
        assert.equal(quarantined.lastError, 'invalid byte sequence')
        assert.equal(quarantined.claimedBy, null)
        assert.equal(await claimOne(store, id, 'worker-a', minutes(100_000)), null, 'never claimed again')
        const listed = await store.listInboundMessages({ status: 'quarantined', limit: 10_000 })
        assert.ok(listed.some((message) => message.id === id))
        assert.equal((await store.getInboundMessage(id))?.status, 'quarantined')
        await assert.rejects(store.retryQuarantinedMessage({ messageId: randomUUID(), now: minutes(2) }), (e) => CamError.isInstance(e, 'NOT_FOUND'))
        const retried = await store.retryQuarantinedMessage({ messageId: id, now: minutes(2) })
        assert.equal(retried.status, 'pending')
        assert.equal(retried.failures, 0, 'a fresh budget of attempts')
        assert.equal(retried.lastError, 'invalid byte sequence', 'the last error stays visible')
        await assert.rejects(store.retryQuarantinedMessage({ messageId: id, now: minutes(2) }), (e) => CamError.isInstance(e, 'CONFLICT'))
        assert.equal((await claimOne(store, id, 'worker-a', minutes(2)))?.id, id)
      }),
    )

    api.it(
      'pages through messages by keyset in storage order',
      withStore(async (store) => {
        const inbox = `inbox-${randomUUID()}`
        const ids: string[] = []
        for (let n = 0; n < 5; n++) ids.push((await saveMessage(store, inbox, `INBOX:1:${n}`, sampleRawMessage(), null)).id)
        const all = (await store.listInboundMessages({ limit: 100_000 })).map((message) => message.id).filter((id) => ids.includes(id))
        assert.deepEqual(all, ids)
        const after = (await store.listInboundMessages({ after: ids[1]!, limit: 100_000 })).map((message) => message.id).filter((id) => ids.includes(id))
        assert.deepEqual(after, ids.slice(2))
      }),
    )
  })

  api.describe('messages without a Message-ID', () => {
    api.it(
      'stores the same bytes once per inbox, under whatever source key they come back (a UIDVALIDITY change)',
      withStore(async (store) => {
        const inbox = `inbox-${randomUUID()}`
        const raw = new TextEncoder().encode(`From: lee@prospect.example\r\nSubject: no id ${randomUUID()}\r\n\r\nYes, call me.\r\n`)
        const first = await saveMessage(store, inbox, 'INBOX:100:7', raw, null)
        assert.equal(first.stored, true)
        const again = await saveMessage(store, inbox, 'INBOX:200:1', raw, null)
        assert.deepEqual(again, { stored: false, id: first.id })
        assert.equal(await store.getInboxCursor(inbox), 'INBOX:200:1', 'the cursor still advances')
        const otherInbox = await saveMessage(store, `inbox-${randomUUID()}`, 'INBOX:200:1', raw, null)
        assert.equal(otherInbox.stored, true, 'another inbox is another mailbox')
        const changed = new Uint8Array([...raw, 0x0a])
        assert.equal((await saveMessage(store, inbox, 'INBOX:200:2', changed, null)).stored, true, 'other bytes are another message')
      }),
    )
  })
}
