import type { Lease, LockV1 } from '../ports/lock-v1.js'
import type { WorkerRuntime } from './worker-runtime.js'

/**
 * Keeps the leases of leader-only steps: acquires a free or expired lease, renews a
 * held one before each step, and notices (and reports as `lease:lost`) when another
 * worker took it over — the step is then skipped.
 */
export class Leadership {
  private readonly held = new Map<string, Lease>()

  constructor(
    private readonly lock: LockV1,
    private readonly workerId: string,
    private readonly runtime: Pick<WorkerRuntime, 'emit' | 'logger'>,
    private readonly ttlMs: number,
  ) {}

  /** Names of the leases held right now. */
  get names(): string[] {
    return [...this.held.keys()]
  }

  /** True while this worker holds the lease `name` (as of its last acquire or renew). */
  holds(name: string): boolean {
    return this.held.has(name)
  }

  /** How many held leases have a name starting with `prefix`. */
  countHeld(prefix: string): number {
    let count = 0
    for (const name of this.held.keys()) if (name.startsWith(prefix)) count++
    return count
  }

  /** True when this worker holds (or could just take) the lease `name`. */
  async ensure(name: string): Promise<boolean> {
    const lease = this.held.get(name)
    if (lease) {
      const renewed = await this.lock.renew(lease, this.ttlMs)
      if (renewed) {
        this.held.set(name, renewed)
        return true
      }
      this.held.delete(name)
      this.runtime.logger.warn('lease lost; leader work stops on this worker', { lease: name, token: lease.token })
      this.runtime.emit('lease:lost', { name, token: lease.token })
      return false
    }
    const acquired = await this.lock.acquire({ name, holder: this.workerId, ttlMs: this.ttlMs })
    if (!acquired) return false
    this.held.set(name, acquired)
    this.runtime.emit('lease:acquired', { name, token: acquired.token })
    return true
  }

  /**
   * Gives the lease `name` up (when held) so another worker can take it at once. A failed
   * release is logged: the lease then simply expires.
   */
  async release(name: string): Promise<void> {
    const lease = this.held.get(name)
    if (!lease) return
    this.held.delete(name)
    await this.lock.release(lease).catch((error: unknown) => this.runtime.logger.warn('lease release failed; it will expire', { lease: name, error: String(error) }))
  }

  /** Releases every held lease (on stop), ignoring failures: an unreleased lease simply expires. */
  async releaseAll(): Promise<void> {
    const leases = [...this.held.values()]
    this.held.clear()
    await Promise.all(
      leases.map((lease) =>
        this.lock.release(lease).catch((error: unknown) => this.runtime.logger.warn('lease release failed; it will expire', { lease: lease.name, error: String(error) })),
      ),
    )
  }
}
