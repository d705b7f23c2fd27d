/**
 * A lease: the right to do leader-only work under `name` until `expiresAt`.
 */
export interface Lease {
  /** Lease name, e.g. `cam:leader` or `cam:poll:inbox`. */
  name: string
  /** Who holds it (the worker id). */
  holder: string
  /**
   * Fencing token. Grows every time the lease changes hands (takeover after expiry,
   * or acquire after release); stays the same while one holder renews.
   */
  token: number
  /** When the lease lapses unless renewed — computed with the store's clock. */
  expiresAt: Date
}

/**
 * Port: leases with a TTL, used so that leader-only steps (poll, timeouts, metrics,
 * decide) run on one worker at a time.
 *
 * Contract (checked by `describeLockConformance`):
 * - Time comes from the store (database clock), never the caller's clock.
 * - `acquire` succeeds when the lease is free, expired, or already held by `holder`.
 * - A holder whose lease expired and was taken over gets `null` from `renew`.
 * - `release` only releases a lease still held with the same token.
 */
export interface LockV1 {
  /** Takes the lease `name` for `holder` for `ttlMs`, or returns null when someone else holds it. */
  acquire(input: { name: string; holder: string; ttlMs: number }): Promise<Lease | null>
  /** Extends a held lease; null when it was lost (expired and taken over, or released). */
  renew(lease: Lease, ttlMs: number): Promise<Lease | null>
  /** Gives the lease up (no-op when it is no longer held with that token). */
  release(lease: Lease): Promise<void>
}
