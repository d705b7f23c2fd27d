import type { AlertChannelV1 } from '../ports/alert-channel-v1.js'
import type { ClassifierV1 } from '../ports/classifier-v1.js'
import type { InboxV1 } from '../ports/inbox-v1.js'
import type { SenderV1 } from '../ports/sender-v1.js'
import type { CamHooks } from './cam-hooks.js'
import type { CamEventName, CamEventPayloads } from './cam-events.js'
import type { WorkerConfig } from './worker-config.js'
import type { Logger } from '../util/logger.js'
import { errorMessage } from '../errors/cam-error.js'
import type { PoolMailbox } from './mailbox-pool.js'
import type { WebhookTarget } from './webhook-endpoints.js'

/** What the built-in steps are created with (adapters already wrapped). */
export interface WorkerRuntime {
  inboxes: InboxV1[]
  sender: SenderV1 | null
  /** The sending pool (empty: campaigns send as themselves through `sender`). */
  pool: PoolMailbox[]
  classifier: ClassifierV1
  alertChannels: AlertChannelV1[]
  /** Outbound webhook endpoints (empty: no events are built). */
  webhooks: WebhookTarget[]
  hooks: CamHooks
  config: WorkerConfig
  logger: Logger
  emit<K extends CamEventName>(event: K, payload: CamEventPayloads[K]): void
}

/**
 * Runs a hook; a hook that throws is reported as `hook:error` and `fallback` is
 * returned, so a buggy hook never kills the cycle.
 */
export async function runHook<T>(runtime: WorkerRuntime, hook: string, call: () => T | Promise<T>, fallback: T): Promise<{ value: T; failed: boolean }> {
  try {
    return { value: await call(), failed: false }
  } catch (error) {
    runtime.logger.error('hook failed', { hook, error: errorMessage(error) })
    runtime.emit('hook:error', { hook, error })
    return { value: fallback, failed: true }
  }
}
