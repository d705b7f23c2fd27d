import { errorMessage } from '../errors/cam-error.js'
import type { InboxV1, InboxWatch } from '../ports/inbox-v1.js'
import type { WorkerRuntime } from './worker-runtime.js'

/** Watches started at once at most (an IMAP watch opens a connection each). */
export const watchStartConcurrency = 16

/** What {@link InboxWatches} works with. */
export interface InboxWatchesOptions {
  /** The worker's inboxes (wrapped); those without `watch()` are never watched. */
  inboxes: readonly InboxV1[]
  /** Called when a watched inbox reports new mail (the worker wakes up). */
  onNewMail: () => void
  workerId: string
  runtime: Pick<WorkerRuntime, 'logger' | 'emit'>
}

/**
 * The push watches (IMAP IDLE) and connections of a worker, following its poll leases:
 * `sync(names, { watch })` starts a watch for each named inbox not yet watched (when `watch`)
 * and stops the others; an inbox this worker polled before but no longer holds is closed
 * (`close()`: its fetch connection too). So a worker keeps connections open only for the
 * inboxes it polls. Calls run one after another; a watch that cannot start is reported
 * once (`worker:error`, during `watch <inbox>`) and tried again at the next `sync`.
 */
export class InboxWatches {
  private readonly inboxes: Map<string, InboxV1>
  private readonly active = new Map<string, InboxWatch>()
  /** Inboxes held at the last sync: their connections may be open. */
  private readonly held = new Set<string>()
  private readonly failing = new Set<string>()
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly options: InboxWatchesOptions) {
    this.inboxes = new Map(options.inboxes.map((inbox) => [inbox.name, inbox]))
  }

  /** Names of the inboxes watched right now. */
  get watching(): string[] {
    return [...this.active.keys()]
  }

  /**
   * `names`: the inboxes whose poll lease this worker holds now. With `watch`, watches exactly
   * those (the ones that support `watch()`), else none; closes the inboxes no longer held.
   * Resolves once done.
   */
  sync(names: Iterable<string>, options: { watch: boolean }): Promise<void> {
    const held = new Set([...names].filter((name) => this.inboxes.has(name)))
    const wanted = options.watch ? new Set([...held].filter((name) => typeof this.inboxes.get(name)!.watch === 'function')) : new Set<string>()
    return this.enqueue(async () => {
      for (const name of this.failing) if (!wanted.has(name)) this.failing.delete(name)
      const stale = [...this.active.keys()].filter((name) => !wanted.has(name))
      await Promise.all(stale.map((name) => this.stopOne(name)))
      const released = [...this.held].filter((name) => !held.has(name))
      this.held.clear()
      for (const name of held) this.held.add(name)
      await Promise.all(released.map((name) => this.closeOne(name)))
      const missing = [...wanted].filter((name) => !this.active.has(name))
      for (let index = 0; index < missing.length; index += watchStartConcurrency) {
        await Promise.all(missing.slice(index, index + watchStartConcurrency).map((name) => this.startOne(name)))
      }
    })
  }

  /** Stops every watch (worker stop; the worker closes every inbox itself). */
  stopAll(): Promise<void> {
    return this.enqueue(async () => {
      this.held.clear()
      this.failing.clear()
      await Promise.all([...this.active.keys()].map((name) => this.stopOne(name)))
    })
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async startOne(name: string): Promise<void> {
    const inbox = this.inboxes.get(name)!
    const { logger, emit } = this.options.runtime
    try {
      const watch = await inbox.watch!({
        onNewMail: this.options.onNewMail,
        onError: (error) => logger.warn('inbox watch error', { inbox: name, error: errorMessage(error) }),
      })
      this.active.set(name, watch)
      this.failing.delete(name)
    } catch (error) {
      if (this.failing.has(name)) return
      this.failing.add(name)
      logger.warn('inbox watch unavailable; polling only', { inbox: name, error: errorMessage(error) })
      emit('worker:error', { workerId: this.options.workerId, error, during: `watch ${name}` })
    }
  }

  private async closeOne(name: string): Promise<void> {
    try {
      await this.inboxes.get(name)!.close?.()
    } catch (error) {
      this.options.runtime.logger.warn('inbox close failed', { inbox: name, error: errorMessage(error) })
    }
  }

  private async stopOne(name: string): Promise<void> {
    const watch = this.active.get(name)
    this.active.delete(name)
    await watch?.stop().catch((error: unknown) => this.options.runtime.logger.warn('inbox watch stop failed', { inbox: name, error: errorMessage(error) }))
  }
}
