import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeLockConformance } from './conformance/lock-conformance.js'
import { describeStoreConformance } from './conformance/store-conformance.js'
import { createMemoryStore } from './memory-store.js'
import { createManualClock } from './manual-clock.js'

describeStoreConformance({ describe, it, beforeEach, afterEach }, { name: 'memory (fresh per test)', create: async () => createMemoryStore() })

const shared = createMemoryStore()
describeStoreConformance({ describe, it }, { name: 'memory (shared)', create: async () => shared })

describeLockConformance({ describe, it }, { name: 'memory', create: async () => createMemoryStore() })

describe('memory store extras', () => {
  it('expires leases in simulated time when given a manual clock', async () => {
    const clock = createManualClock()
    const store = createMemoryStore({ clock })
    const lease = await store.acquire({ name: 'x', holder: 'a', ttlMs: 1000 })
    expect(await store.acquire({ name: 'x', holder: 'b', ttlMs: 1000 })).toBeNull()
    clock.advance(1001)
    const taken = await store.acquire({ name: 'x', holder: 'b', ttlMs: 1000 })
    expect(taken?.token).toBe((lease?.token ?? 0) + 1)
  })

  it('simulates an outage of one operation with failNext', async () => {
    const store = createMemoryStore()
    store.failNext('getInboxCursor', 1, new Error('connection refused'))
    await expect(store.getInboxCursor('x')).rejects.toThrow('connection refused')
    await expect(store.getInboxCursor('x')).resolves.toBeNull()
  })
})
