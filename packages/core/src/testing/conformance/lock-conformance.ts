import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { LockV1 } from '../../ports/lock-v1.js'
import type { ConformanceTestApi } from './test-api.js'

/** Options of {@link describeLockConformance}. */
export interface LockConformanceOptions {
  /** Suite name, e.g. `postgres`. */
  name: string
  /**
   * Returns a lock to test. Called once per test; it may return a shared instance —
   * every test uses lease names of its own.
   */
  create: () => Promise<LockV1>
  /** Called after each test with what `create` returned. */
  destroy?: (lock: LockV1) => Promise<void>
  /** Lease TTL used by the expiry tests (default 300 ms); raise it for slow stores. */
  shortTtlMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Conformance suite for the {@link LockV1} port: leases with TTL, renew, release and
 * a fencing token that grows on every takeover. Run it with your adapter's factory:
 *
 * ```ts
 * import { describe, it } from 'vitest'
 * import { describeLockConformance } from '@cam/core/testing'
 * describeLockConformance({ describe, it }, { name: 'my-lock', create: async () => createMyLock() })
 * ```
 */
export function describeLockConformance(api: ConformanceTestApi, options: LockConformanceOptions): void {
  const ttl = options.shortTtlMs ?? 300
  const withLock = (body: (lock: LockV1, name: string) => Promise<void>) => async () => {
    const lock = await options.create()
    try {
      await body(lock, `conformance:${randomUUID()}`)
    } finally {
      await options.destroy?.(lock)
    }
  }

  api.describe(`Lock conformance: ${options.name}`, () => {
    api.it(
      'grants a free lease, refuses it to another holder, and re-grants it to its holder with the same token',
      withLock(async (lock, name) => {
        const lease = await lock.acquire({ name, holder: 'worker-a', ttlMs: 10_000 })
        assert.ok(lease, 'a free lease is granted')
        assert.equal(lease.name, name)
        assert.equal(lease.holder, 'worker-a')
        assert.ok(Number.isInteger(lease.token) && lease.token >= 1, 'the fencing token is a positive integer')
        assert.ok(lease.expiresAt instanceof Date)
        assert.equal(await lock.acquire({ name, holder: 'worker-b', ttlMs: 10_000 }), null, 'another holder is refused')
        const again = await lock.acquire({ name, holder: 'worker-a', ttlMs: 20_000 })
        assert.ok(again, 'the holder gets it again')
        assert.equal(again.token, lease.token, 'the token does not change while one holder keeps the lease')
        assert.ok(again.expiresAt.getTime() > lease.expiresAt.getTime(), 'acquiring again extends the lease')
      }),
    )

    api.it(
      'renews a held lease and keeps the token',
      withLock(async (lock, name) => {
        const lease = await lock.acquire({ name, holder: 'worker-a', ttlMs: 1_000 })
        assert.ok(lease)
        const renewed = await lock.renew(lease, 60_000)
        assert.ok(renewed, 'renew succeeds while held')
        assert.equal(renewed.token, lease.token)
        assert.ok(renewed.expiresAt.getTime() > lease.expiresAt.getTime(), 'renew moves the expiry')
        assert.equal(await lock.acquire({ name, holder: 'worker-b', ttlMs: 1_000 }), null)
      }),
    )

    api.it(
      'hands the lease over after release, with a larger token',
      withLock(async (lock, name) => {
        const first = await lock.acquire({ name, holder: 'worker-a', ttlMs: 60_000 })
        assert.ok(first)
        await lock.release(first)
        const second = await lock.acquire({ name, holder: 'worker-b', ttlMs: 60_000 })
        assert.ok(second, 'a released lease can be taken')
        assert.ok(second.token > first.token, 'the fencing token grows on every change of hands')
        assert.equal(await lock.renew(first, 60_000), null, 'the previous holder cannot renew')
        await lock.release(first)
        assert.equal(await lock.acquire({ name, holder: 'worker-c', ttlMs: 60_000 }), null, "a stale release does not free the new holder's lease")
      }),
    )

    api.it(
      'lets another holder take over an expired lease; the old holder learns it at renew',
      withLock(async (lock, name) => {
        const first = await lock.acquire({ name, holder: 'worker-a', ttlMs: ttl })
        assert.ok(first)
        await sleep(ttl + 250)
        const second = await lock.acquire({ name, holder: 'worker-b', ttlMs: 60_000 })
        assert.ok(second, 'an expired lease can be taken over')
        assert.ok(second.token > first.token, 'takeover increments the fencing token')
        assert.equal(await lock.renew(first, 60_000), null, 'the old holder lost the lease')
        assert.equal(await lock.acquire({ name, holder: 'worker-a', ttlMs: 60_000 }), null, 'and cannot take it back while held')
      }),
    )

    api.it(
      'grants a contested lease to exactly one of many concurrent callers',
      withLock(async (lock, name) => {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => lock.acquire({ name, holder: `worker-${i}`, ttlMs: 60_000 })),
        )
        const granted = results.filter((lease) => lease !== null)
        assert.equal(granted.length, 1, 'exactly one caller holds the lease')
      }),
    )

    api.it(
      'keeps leases with different names independent',
      withLock(async (lock, name) => {
        const a = await lock.acquire({ name: `${name}:a`, holder: 'worker-a', ttlMs: 60_000 })
        const b = await lock.acquire({ name: `${name}:b`, holder: 'worker-b', ttlMs: 60_000 })
        assert.ok(a && b, 'two names, two holders')
      }),
    )
  })
}
