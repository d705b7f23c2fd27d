import type { CamEventType, NewCamEvent } from '../domain/cam-event.js'
import { anySubscribes } from './webhook-endpoints.js'
import type { WorkerRuntime } from './worker-runtime.js'

/**
 * Whether an endpoint of this worker subscribes to `type`. Steps build an event only
 * then, so a worker without webhooks (or without a subscriber to `email.sent`) pays
 * nothing per email. Every worker of a deployment should be given the same `webhooks`.
 */
export function wantsEvent(runtime: WorkerRuntime, type: CamEventType): boolean {
  return runtime.webhooks.length > 0 && anySubscribes(runtime.webhooks, type)
}

/** The events some endpoint subscribes to, as the store input's `events` (omitted when none). */
export function subscribedEvents(runtime: WorkerRuntime, events: ReadonlyArray<NewCamEvent | null | undefined>): { events?: NewCamEvent[] } {
  const wanted = events.filter((event): event is NewCamEvent => event !== null && event !== undefined && wantsEvent(runtime, event.type))
  return wanted.length > 0 ? { events: wanted } : {}
}
