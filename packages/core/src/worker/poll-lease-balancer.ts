import { createHash } from 'node:crypto'
import type { StoreV1 } from '../ports/store-v1.js'
import type { Clock } from '../util/clock.js'
import type { Leadership } from './leadership.js'
import type { WorkerConfig } from './worker-config.js'
import type { WorkerRuntime } from './worker-runtime.js'

/** Every poll step's lease is named `cam:poll:<inbox name>`. */
export const pollLeasePrefix = 'cam:poll:'

/**
 * A worker that polls holds a lease `cam:poll-member:<pool>:<worker id>` of its own (nobody
 * else ever asks for it). It shows in the worker's heartbeat (`leases`), which is how the
 * other workers of the same inbox pool count it; a worker that only sends, or that polls
 * another set of inboxes, is not counted.
 */
export const pollMemberLeasePrefix = 'cam:poll-member:'

/**
 * A worker counts as live while its last heartbeat is younger than this many worker
 * intervals, or than the lease TTL when that is longer ({@link pollLivenessWindowMs}).
 * Heartbeats are written once per cycle, so three intervals leave room for a slow cycle.
 */
export const livenessIntervals = 3

/** How long a heartbeat keeps a worker counted as live: `max(livenessIntervals × intervalMs, leaseTtlMs)`. */
export function pollLivenessWindowMs(config: Pick<WorkerConfig, 'intervalMs' | 'leaseTtlMs'>): number {
  return Math.max(livenessIntervals * config.intervalMs, config.leaseTtlMs)
}

/** The most poll leases one worker takes: ⌈inboxes ÷ live workers⌉. */
export function pollLeaseQuota(inboxes: number, liveWorkers: number): number {
  return Math.ceil(inboxes / Math.max(1, liveWorkers))
}

/** What one balancing pass saw and did. */
export interface PollBalance {
  /** Live workers polling the same inboxes, this one included. */
  liveWorkers: number
  /** Poll leases this worker may hold: ⌈inboxes ÷ live workers⌉. */
  quota: number
  /** Poll leases held after the pass. */
  held: number
  /** Leases taken in this pass. */
  acquired: string[]
  /** Surplus leases given up in this pass (least preferred first). */
  released: string[]
}

/** What a {@link PollLeaseBalancer} works with. */
export interface PollLeaseBalancerOptions {
  leadership: Leadership
  store: Pick<StoreV1, 'listHeartbeats'>
  clock: Clock
  workerId: string
  /** The poll lease names this worker serves (`cam:poll:<inbox>`, one per inbox). */
  leaseNames: readonly string[]
  config: Pick<WorkerConfig, 'intervalMs' | 'leaseTtlMs'>
  runtime: Pick<WorkerRuntime, 'logger'>
}

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)]

/**
 * Spreads the poll leases of a pool of inboxes across the live workers that poll it.
 *
 * Once per cycle, before the poll steps, {@link PollLeaseBalancer.balance}:
 * 1. renews this worker's membership lease (so the others count it);
 * 2. counts the live workers of the pool from the heartbeats (`store.listHeartbeats()`):
 *    the others whose heartbeat is younger than {@link pollLivenessWindowMs} and lists a
 *    membership lease of the same pool, plus this one;
 * 3. quota = ⌈inboxes ÷ live workers⌉ ({@link pollLeaseQuota});
 * 4. holding more than the quota (a worker joined): releases the surplus, the inboxes it
 *    prefers least first, so the newcomer can take them at once;
 * 5. holding fewer: takes free leases — those no live worker's heartbeat lists (released
 *    ones, and those of a dead worker, whose leases expire within the TTL) — most
 *    preferred first, never beyond the quota.
 *
 * Preference is rendezvous hashing: a stable score per (worker id, inbox), so each worker
 * gives up and picks the same inboxes every time, which keeps churn low. A worker never
 * holds more than its quota after a pass, and the quotas of the live workers add up to at
 * least the number of inboxes, so every inbox ends up polled.
 */
export class PollLeaseBalancer {
  /** Membership lease of this worker. */
  readonly memberLease: string
  private readonly memberPrefix: string
  private readonly names: string[]
  private readonly scores = new Map<string, number>()
  private last: PollBalance | null = null
  private claimedByPeers = new Set<string>()

  constructor(private readonly options: PollLeaseBalancerOptions) {
    this.names = unique(options.leaseNames)
    const pool = createHash('sha256').update([...this.names].sort().join('\n')).digest('hex').slice(0, 12)
    this.memberPrefix = `${pollMemberLeasePrefix}${pool}:`
    this.memberLease = `${this.memberPrefix}${options.workerId}`
    for (const name of this.names) {
      const digest = createHash('sha256').update(`${options.workerId}\n${name}`).digest()
      this.scores.set(name, digest.readUIntBE(0, 6))
    }
  }

  /** True for the poll leases this balancer hands out (their steps must not acquire them themselves). */
  manages(name: string): boolean {
    return this.scores.has(name)
  }

  /** The last pass, or null before the first. */
  get lastBalance(): PollBalance | null {
    return this.last
  }

  /** Why a poll step whose lease this worker does not hold is skipped. */
  skipReason(name: string): string {
    const balance = this.last
    if (!balance || this.claimedByPeers.has(name) || balance.held < balance.quota) return `lease ${name} is held by another worker`
    return `poll quota reached: this worker polls ${balance.held} of ${this.names.length} inboxes (⌈${this.names.length} ÷ ${balance.liveWorkers} live workers⌉ = ${balance.quota}); lease ${name} is left to another worker`
  }

  /** One balancing pass (see the class). Throws when the store or lock fails; held leases are kept then. */
  async balance(): Promise<PollBalance> {
    const { leadership, store, clock, workerId, config, runtime } = this.options
    await leadership.ensure(this.memberLease)
    const heartbeats = await store.listHeartbeats()
    const since = clock.now().getTime() - pollLivenessWindowMs(config)
    const peers = heartbeats.filter(
      (heartbeat) => heartbeat.workerId !== workerId && heartbeat.lastSeenAt.getTime() > since && heartbeat.leases.some((lease) => lease.startsWith(this.memberPrefix)),
    )
    this.claimedByPeers = new Set(peers.flatMap((peer) => peer.leases))
    const liveWorkers = peers.length + 1
    const quota = pollLeaseQuota(this.names.length, liveWorkers)
    const byPreference = [...this.names].sort((a, b) => this.scores.get(b)! - this.scores.get(a)! || (a < b ? -1 : 1))
    const held = byPreference.filter((name) => leadership.holds(name))
    const released: string[] = []
    const acquired: string[] = []
    // Surplus: give up the least preferred ones.
    while (held.length > quota) {
      const name = held.pop()!
      await leadership.release(name)
      released.push(name)
    }
    if (released.length > 0) runtime.logger.info('poll leases released to rebalance', { released: released.length, quota, liveWorkers })
    for (const name of byPreference) {
      if (held.length >= quota) break
      if (leadership.holds(name) || this.claimedByPeers.has(name)) continue
      if (await leadership.ensure(name)) {
        held.push(name)
        acquired.push(name)
      }
    }
    this.last = { liveWorkers, quota, held: held.length, acquired, released }
    return this.last
  }
}
