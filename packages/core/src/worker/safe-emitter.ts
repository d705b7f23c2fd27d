import { EventEmitter } from 'eventemitter3'
import type { Logger } from '../util/logger.js'
import { errorMessage } from '../errors/cam-error.js'
import type { CamEventName, CamEventPayloads } from './cam-events.js'

/** A typed listener of one event. */
export type CamListener<K extends CamEventName> = (payload: CamEventPayloads[K]) => void | Promise<void>

/** Subscribe/unsubscribe side of the worker's events. */
export interface CamEventSource {
  on<K extends CamEventName>(event: K, listener: CamListener<K>): this
  once<K extends CamEventName>(event: K, listener: CamListener<K>): this
  off<K extends CamEventName>(event: K, listener: CamListener<K>): this
}

type AnyListener = (payload: unknown) => void

/**
 * Typed events on eventemitter3 whose listeners cannot break the worker: a listener
 * that throws (or rejects) is reported as `listener:error` and logged, and the other
 * listeners still run.
 */
export class SafeEmitter {
  private readonly emitter = new EventEmitter()
  private readonly wrappers = new Map<string, Map<unknown, AnyListener>>()

  constructor(private readonly logger: Logger) {}

  on<K extends CamEventName>(event: K, listener: CamListener<K>, once = false): void {
    const wrapper: AnyListener = (payload) => {
      if (once) this.off(event, listener)
      try {
        const result = listener(payload as CamEventPayloads[K])
        if (result instanceof Promise) result.catch((error: unknown) => this.reportListenerError(event, error))
      } catch (error) {
        this.reportListenerError(event, error)
      }
    }
    let byListener = this.wrappers.get(event)
    if (!byListener) this.wrappers.set(event, (byListener = new Map()))
    if (byListener.has(listener)) return
    byListener.set(listener, wrapper)
    this.emitter.on(event, wrapper)
  }

  off<K extends CamEventName>(event: K, listener: CamListener<K>): void {
    const wrapper = this.wrappers.get(event)?.get(listener)
    if (!wrapper) return
    this.wrappers.get(event)?.delete(listener)
    this.emitter.off(event, wrapper)
  }

  emit<K extends CamEventName>(event: K, payload: CamEventPayloads[K]): void {
    this.emitter.emit(event, payload)
  }

  listenerCount(event: CamEventName): number {
    return this.emitter.listenerCount(event)
  }

  private reportListenerError(event: string, error: unknown): void {
    this.logger.error('event listener failed', { event, error: errorMessage(error) })
    if (event !== 'listener:error') this.emit('listener:error', { event, error })
  }
}
