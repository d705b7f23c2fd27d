import type { Lease, LockV1 } from '../ports/lock-v1.js'
import type { MemoryStoreState } from './memory-store-state.js'

/** The memory store's leases, timed by its clock (the "database clock"). */
export function memoryLeaseMethods(state: MemoryStoreState): LockV1 {
  const { leases, clock } = state
  return {
    async acquire({ name, holder, ttlMs }): Promise<Lease | null> {
      const now = clock.now()
      const expiresAt = new Date(now.getTime() + ttlMs)
      const row = leases.get(name)
      if (row && row.holder === holder && row.expiresAt > now) {
        row.expiresAt = expiresAt
        return { name, holder, token: row.token, expiresAt }
      }
      if (row && row.holder !== null && row.expiresAt > now) return null
      const token = (row?.token ?? 0) + 1
      leases.set(name, { holder, token, expiresAt })
      return { name, holder, token, expiresAt }
    },
    async renew(lease, ttlMs) {
      const row = leases.get(lease.name)
      if (!row || row.holder !== lease.holder || row.token !== lease.token) return null
      row.expiresAt = new Date(clock.now().getTime() + ttlMs)
      return { ...lease, expiresAt: row.expiresAt }
    },
    async release(lease) {
      const row = leases.get(lease.name)
      if (!row || row.holder !== lease.holder || row.token !== lease.token) return
      row.holder = null
      row.expiresAt = clock.now()
    },
  }
}
