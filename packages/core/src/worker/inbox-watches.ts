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
 * The push watches (IMAP IDLE) of a worker, following its poll leases: `sync(names)` starts
 * a watch for each named inbox not yet watched and stops the others, so a worker keeps open
 * connections only for the inboxes it polls. Calls run one after another; a watch that
 * cannot start is reported once (`worker:error`, during `watch <inbox>`) and tried again at
 * the next `sync`.
 */
export class InboxWatches {
  private readonly inboxes: Map<string, InboxV1>
  private readonly active = new Map<string, InboxWatch>()
  private readonly failing = new Set<string>()
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly options: InboxWatchesOptions) {
    this.inboxes = new Map(options.inboxes.filter((inbox) => typeof inbox.watch === 'function').map((inbox) => [inbox.name, inbox]))
  }

  /** Names of the inboxes watched right now. */
  get watching(): string[] {
    return [...this.active.keys()]
  }

  /** Watches exactly the inboxes named (those that support `watch()`); resolves once done. */
  sync(names: Iterable<string>): Promise<void> {
    const wanted = new Set([...names].filter((name) => this.inboxes.has(name)))
    return this.enqueue(async () => {
      for (const name of this.failing) if (!wanted.has(name)) this.failing.delete(name)
      const stale = [...this.active.keys()].filter((name) => !wanted.has(name))
      await Promise.all(stale.map((name) => this.stopOne(name)))
      const missing = [...wanted].filter((name) => !this.active.has(name))
      for (let index = 0; index < missing.length; index += watchStartConcurrency) {
        await Promise.all(missing.slice(index, index + watchStartConcurrency).map((name) => this.startOne(name)))
      }
    })
  }

  /** Stops every watch (worker stop). */
  stopAll(): Promise<void> {
    return this.sync([])
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

  private async stopOne(name: string): Promise<void> {
    const watch = this.active.get(name)
    this.active.delete(name)
    await watch?.stop().catch((error: unknown) => this.options.runtime.logger.warn('inbox watch stop failed', { inbox: name, error: errorMessage(error) }))
  }
}
