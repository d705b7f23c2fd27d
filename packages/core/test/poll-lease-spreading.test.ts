import { describe, expect, it } from 'vitest'
import { createCamWorker, type CamWorker, type InboxV1, type InboxWatch } from '../src/index.js'
import { createManualClock, createMemoryInbox, createMemoryStore, type ManualClock, type MemoryInbox, type MemoryStore } from '../src/testing/index.js'
import { replyMessage } from './support/raw-messages.js'

/**
 * Poll leases spread across workers: several real workers on one memory store (store and
 * lock) and one set of memory inboxes, driven cycle by cycle on a manual clock.
 */

const second = 1000
const intervalMs = 10 * second
const leaseTtlMs = 60 * second
const config = { stopOnSignals: false, intervalMs, leaseTtlMs }

interface Harness {
  clock: ManualClock
  store: MemoryStore
  inboxes: MemoryInbox[]
  workers: Map<string, CamWorker>
  /** Every `message:received` (by source key) and `reply:classified` (by stored id), from every worker. */
  received: string[]
  classified: string[]
  /** Which worker stored each source key. */
  storedBy: Map<string, string>
  addWorker(id: string): CamWorker
  /** One cycle of each named worker, in order, then the clock moves on by one interval. */
  round(ids: string[]): Promise<void>
  /** Poll leases each worker held at the end of its last cycle (its heartbeat's `leases`). */
  pollLeases(): Promise<Map<string, string[]>>
  deliverToAll(tag: string): number
}

function reply(tag: string, index: number): string {
  return replyMessage({ from: `lead${index}@prospect.example`, subject: `Re: hello ${tag}`, body: `Reply ${tag} to inbox ${index}. Sounds good, tell me more.` })
}

function setup(inboxCount: number): Harness {
  const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
  const store = createMemoryStore({ clock })
  const inboxes = Array.from({ length: inboxCount }, (_, index) => createMemoryInbox({ name: `box-${String(index).padStart(3, '0')}` }))
  const workers = new Map<string, CamWorker>()
  const received: string[] = []
  const classified: string[] = []
  const storedBy = new Map<string, string>()
  return {
    clock,
    store,
    inboxes,
    workers,
    received,
    classified,
    storedBy,
    addWorker(id) {
      const worker = createCamWorker({ store, inbox: inboxes, clock, config: { ...config, workerId: id } })
      worker.on('message:received', (event) => {
        received.push(event.sourceKey)
        storedBy.set(event.sourceKey, id)
      })
      worker.on('reply:classified', (event) => void classified.push(event.messageId))
      workers.set(id, worker)
      return worker
    },
    async round(ids) {
      for (const id of ids) await workers.get(id)!.runOnce()
      clock.advance(intervalMs)
    },
    async pollLeases() {
      const byWorker = new Map<string, string[]>()
      for (const heartbeat of await store.listHeartbeats()) {
        byWorker.set(heartbeat.workerId, heartbeat.leases.filter((name) => name.startsWith('cam:poll:')))
      }
      return byWorker
    },
    deliverToAll(tag) {
      inboxes.forEach((inbox, index) => inbox.deliver(reply(tag, index)))
      return inboxes.length
    },
  }
}

/** Every inbox's lease held by exactly one of `ids`, and how many each holds. */
async function leaseCounts(harness: Harness, ids: string[]): Promise<{ counts: number[]; covered: number; duplicates: number }> {
  const leases = await harness.pollLeases()
  const all = ids.flatMap((id) => leases.get(id) ?? [])
  return { counts: ids.map((id) => (leases.get(id) ?? []).length), covered: new Set(all).size, duplicates: all.length - new Set(all).size }
}

/** The lock's own view: try to take each poll lease as an outsider — every one must be refused. */
async function allPollLeasesHeld(harness: Harness): Promise<boolean> {
  for (const inbox of harness.inboxes) {
    const probe = await harness.store.acquire({ name: `cam:poll:${inbox.name}`, holder: 'probe', ttlMs: 1 })
    if (probe) {
      await harness.store.release(probe)
      return false
    }
  }
  return true
}

describe('poll leases spread across workers', () => {
  it('4 workers × 40 inboxes converge to 10 each; a 5th joins and gets its share; a dead worker’s inboxes are taken over — every message stored and processed once', async () => {
    const harness = setup(40)
    const four = ['w1', 'w2', 'w3', 'w4']
    for (const id of four) harness.addWorker(id)
    let delivered = harness.deliverToAll('before')

    // ── converge ──
    let rounds = 0
    for (; rounds < 6; rounds++) {
      await harness.round(four)
      const { counts, covered } = await leaseCounts(harness, four)
      if (covered === 40 && counts.every((count) => count >= 9 && count <= 11)) break
    }
    expect(rounds).toBeLessThan(4) // a few cycles
    let state = await leaseCounts(harness, four)
    expect(state.covered).toBe(40)
    expect(state.duplicates).toBe(0)
    for (const count of state.counts) expect(count).toBeGreaterThanOrEqual(9)
    for (const count of state.counts) expect(count).toBeLessThanOrEqual(11)
    expect(await allPollLeasesHeld(harness)).toBe(true)

    // A worker at its quota reports why it leaves the other inboxes alone.
    const report = await harness.workers.get('w1')!.runOnce()
    const skipped = report.steps.filter((step) => step.name.startsWith('poll:') && step.status === 'skipped')
    expect(skipped).toHaveLength(30)
    expect(skipped.some((step) => /lease cam:poll:box-\d+ is held by another worker/.test(step.reason ?? ''))).toBe(true)

    // Stable: more rounds change nothing.
    const before = await harness.pollLeases()
    for (let i = 0; i < 3; i++) await harness.round(four)
    expect(await harness.pollLeases()).toEqual(before)

    // ── a 5th worker joins: rebalanced within one lease period ──
    harness.addWorker('w5')
    const five = [...four, 'w5']
    delivered += harness.deliverToAll('join')
    const joinedAt = harness.clock.now().getTime()
    for (;;) {
      await harness.round(five)
      const { counts, covered } = await leaseCounts(harness, five)
      if (covered === 40 && counts.every((count) => count === 8)) break
      expect(harness.clock.now().getTime() - joinedAt).toBeLessThanOrEqual(leaseTtlMs)
    }
    state = await leaseCounts(harness, five)
    expect(state.counts).toEqual([8, 8, 8, 8, 8]) // ⌈40 ÷ 5⌉
    expect(state.duplicates).toBe(0)
    // Only the surplus moved: each of the four kept 8 of the 10 it had.
    for (const id of four) {
      const kept = (await harness.pollLeases()).get(id)!.filter((name) => before.get(id)!.includes(name))
      expect(kept).toHaveLength(8)
    }

    // ── w2 dies (no stop(), no release: it just never runs again) ──
    const orphans = (await harness.pollLeases()).get('w2')!
    expect(orphans).toHaveLength(8)
    const survivors = five.filter((id) => id !== 'w2')
    delivered += harness.deliverToAll('after-death')
    const diedAt = harness.clock.now().getTime()
    for (;;) {
      await harness.round(survivors)
      const { covered } = await leaseCounts(harness, survivors)
      if (covered === 40) break
      // Its leases expire after the TTL; its heartbeat ages out with them (liveness window = max(3 × interval, TTL)).
      expect(harness.clock.now().getTime() - diedAt).toBeLessThanOrEqual(leaseTtlMs + intervalMs)
    }
    state = await leaseCounts(harness, survivors)
    expect(state.duplicates).toBe(0)
    for (const count of state.counts) expect(count).toBeLessThanOrEqual(10) // ⌈40 ÷ 4⌉
    expect(await allPollLeasesHeld(harness)).toBe(true)
    // The orphaned inboxes are polled again: their after-death replies arrived through the survivors.
    for (const lease of orphans) {
      const inbox = lease.slice('cam:poll:'.length)
      const keys = [...harness.storedBy].filter(([key]) => key.startsWith(`${inbox}:`))
      expect(keys).toHaveLength(3)
      expect(keys.some(([, worker]) => worker !== 'w2')).toBe(true)
    }
    delivered += harness.deliverToAll('late')
    for (let i = 0; i < 2; i++) await harness.round(survivors)

    // ── exactly once ──
    expect(delivered).toBe(160)
    expect(harness.received).toHaveLength(delivered)
    expect(new Set(harness.received).size).toBe(delivered)
    const stored = await harness.store.listInboundMessages({})
    expect(stored).toHaveLength(delivered)
    expect(stored.every((message) => message.status === 'processed')).toBe(true)
    expect(harness.classified).toHaveLength(delivered)
    expect(new Set(harness.classified).size).toBe(delivered)
  })

  it('a worker stopped gracefully hands its inboxes over at the next cycle of the others, not after its heartbeat ages out', async () => {
    const harness = setup(12)
    const ids = ['a', 'b', 'c']
    for (const id of ids) harness.addWorker(id)
    for (let i = 0; i < 3; i++) await harness.round(ids)
    expect((await leaseCounts(harness, ids)).counts).toEqual([4, 4, 4])
    await harness.workers.get('c')!.stop()
    expect((await harness.store.listHeartbeats()).find((heartbeat) => heartbeat.workerId === 'c')?.leases).toEqual([])
    await harness.round(['a', 'b']) // no time has to pass beyond one interval
    const state = await leaseCounts(harness, ['a', 'b'])
    expect(state.covered).toBe(12)
    expect(state.counts).toEqual([6, 6])
  })

  it('a worker that only sends is not counted: the pollers still cover every inbox', async () => {
    const harness = setup(10)
    harness.addWorker('poller')
    const sendOnly = createCamWorker({ store: harness.store, clock: harness.clock, config: { ...config, workerId: 'send-only' } })
    harness.workers.set('send-only', sendOnly)
    for (let i = 0; i < 3; i++) await harness.round(['send-only', 'poller'])
    expect((await leaseCounts(harness, ['poller'])).counts).toEqual([10])
  })

  it('IDLE watches follow the leases: a worker watches only the inboxes it polls, and none once stopped', async () => {
    const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
    const store = createMemoryStore({ clock })
    const boxes = Array.from({ length: 12 }, (_, index) => createMemoryInbox({ name: `idle-${index}` }))
    /** Per worker: inbox names watched now, and how many watch() calls it made. */
    const watched = new Map<string, Set<string>>()
    const watchCalls = new Map<string, number>()
    /** This worker's view of a shared mailbox: fetches from it, records its watches. */
    const view = (id: string, box: MemoryInbox): InboxV1 => ({
      name: box.name,
      fetch: (cursor, options) => box.fetch(cursor, options),
      async watch(options): Promise<InboxWatch> {
        watchCalls.set(id, (watchCalls.get(id) ?? 0) + 1)
        const inner = await box.watch!(options)
        watched.get(id)!.add(box.name)
        return {
          async stop() {
            watched.get(id)!.delete(box.name)
            await inner.stop()
          },
        }
      },
    })
    const running: Array<Promise<void>> = []
    const cycles = new Map<string, number>()
    const receivedBy = new Map<string, string>()
    const workers = new Map<string, CamWorker>()
    const start = (id: string) => {
      watched.set(id, new Set())
      // An hour between cycles: only wake() (ours, or a watch's) starts one.
      const worker = createCamWorker({ store, clock, inbox: boxes.map((box) => view(id, box)), config: { ...config, intervalMs: 3_600_000, workerId: id } })
      worker.on('cycle:end', () => void cycles.set(id, (cycles.get(id) ?? 0) + 1))
      worker.on('message:received', (event) => void receivedBy.set(event.sourceKey, id))
      workers.set(id, worker)
      running.push(worker.start())
      return worker
    }
    /** Wakes the worker and waits until it finished one more cycle. */
    const cycle = async (id: string) => {
      const target = (cycles.get(id) ?? 0) + 1
      workers.get(id)!.wake()
      await expect.poll(() => cycles.get(id) ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(target)
    }
    const held = async (id: string) =>
      new Set(((await store.listHeartbeats()).find((heartbeat) => heartbeat.workerId === id)?.leases ?? []).filter((name) => name.startsWith('cam:poll:')).map((name) => name.slice(9)))

    start('x')
    await expect.poll(() => cycles.get('x') ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(1)
    expect(watched.get('x')!.size).toBe(12) // alone: polls and watches all 12
    start('y')
    await expect.poll(() => cycles.get('y') ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(1)
    expect(watched.get('y')!.size).toBe(0) // all 12 held by x
    await cycle('x') // x sees y: quota 6, releases 6 and stops their watches
    expect(watched.get('x')!.size).toBe(6)
    await cycle('y') // y takes them and watches them
    for (const id of ['x', 'y']) expect(watched.get(id)).toEqual(await held(id))
    expect(watched.get('y')!.size).toBe(6)
    expect([...watched.get('x')!].filter((name) => watched.get('y')!.has(name))).toEqual([])

    // New mail in an inbox y polls wakes y (x does not watch it), long before the 1-hour interval.
    const ofY = [...watched.get('y')!][0]!
    const box = boxes.find((candidate) => candidate.name === ofY)!
    const key = box.deliver(reply('idle', 0))
    await expect.poll(() => receivedBy.get(key), { timeout: 30_000 }).toBe('y')

    // y stops: its watches stop; x takes its inboxes over at its next cycle and watches all 12 again.
    await workers.get('y')!.stop()
    expect(watched.get('y')!.size).toBe(0)
    await cycle('x')
    expect(watched.get('x')!.size).toBe(12)
    expect(watchCalls.get('x')).toBe(12 + 6) // 12 at first, then the 6 it had given to y
    expect(watchCalls.get('y')).toBe(6)
    await workers.get('x')!.stop()
    expect(watched.get('x')!.size).toBe(0)
    await Promise.all(running)
  })
})
