import { errorMessage } from '../../errors/cam-error.js'
import type { StepContext } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'

/** Keeps the claims of the emails a send step holds alive while it works through them. */
export interface EmailClaimKeeper {
  /** Starts renewing these claims. */
  hold(emailIds: Iterable<string>): void
  /** Stops renewing one (recorded, deferred, given back). */
  drop(emailId: string): void
  /** True when a renewal found the claim gone: another worker took it over. */
  lost(emailId: string): boolean
  /** Renews now (e.g. after one claim turned out lost: others of the batch may be too). */
  refresh(): Promise<void>
  /** Stops renewing (waits for a renewal in flight). */
  stop(): Promise<void>
}

/** Shortest pause between renewals, so that a tiny claim TTL does not flood the store. */
const minimumIntervalMs = 200

/**
 * Renews the held claims every third of the claim TTL, so that a batch sent slowly (a
 * slow provider, a loaded machine, a long batch) is not taken for the work of a crashed
 * worker. A stall longer than the TTL (the event loop blocked) can still let a claim
 * expire; the send step then learns it from the store (a conflict) and never sends or
 * records the email twice.
 */
export function keepEmailClaims(runtime: WorkerRuntime, context: StepContext): EmailClaimKeeper {
  const held = new Set<string>()
  const lostIds = new Set<string>()
  const ttlMs = runtime.config.claimTtlMs
  let renewing: Promise<void> | null = null

  const renew = async () => {
    const ids = [...held]
    if (ids.length === 0) return
    try {
      const renewed = new Set(await context.store.renewEmailClaims({ emailIds: ids, workerId: context.workerId, now: context.clock.now(), claimTtlMs: ttlMs }))
      for (const id of ids) {
        if (renewed.has(id) || !held.has(id)) continue
        held.delete(id)
        lostIds.add(id)
      }
    } catch (error) {
      // The claims stand until they expire; the next renewal tries again.
      runtime.logger.warn('could not renew email claims', { emails: ids.length, error: errorMessage(error) })
    }
  }
  const renewOnce = (): Promise<void> => {
    renewing ??= renew().finally(() => {
      renewing = null
    })
    return renewing
  }
  const timer = setInterval(() => void renewOnce(), Math.max(minimumIntervalMs, Math.floor(ttlMs / 3)))
  timer.unref?.()

  return {
    hold(emailIds) {
      for (const id of emailIds) held.add(id)
    },
    drop(emailId) {
      held.delete(emailId)
    },
    lost(emailId) {
      return lostIds.has(emailId)
    },
    refresh: renewOnce,
    async stop() {
      clearInterval(timer)
      await renewing
    },
  }
}
