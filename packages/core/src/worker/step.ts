import type { Campaign } from '../domain/campaign.js'
import type { CampaignMetrics } from '../domain/metrics.js'
import type { StoreV1 } from '../ports/store-v1.js'
import type { Clock } from '../util/clock.js'
import type { Logger } from '../util/logger.js'
import type { CamEventName, CamEventPayloads } from './cam-events.js'
import type { WorkerConfig } from './worker-config.js'

/** What a step can use. */
export interface StepContext {
  /** The step's start time (from the worker's clock). */
  now: Date
  cycle: number
  workerId: string
  /** The store, wrapped: failures surface as `AdapterError` with the cause. */
  store: StoreV1
  clock: Clock
  config: WorkerConfig
  logger: Logger
  /** Aborted when the worker stops; long steps check it between items. */
  signal: AbortSignal
  /** Emits a worker event (listener errors are contained). */
  emit<K extends CamEventName>(event: K, payload: CamEventPayloads[K]): void
  /** State shared by the steps of one cycle (e.g. metrics for `decide`). */
  shared: CycleState
}

/** State one cycle's steps share. */
export interface CycleState {
  /** Filled by the `metrics` step. */
  metrics?: CampaignMetrics[]
  /** Active campaigns, when a step already loaded them. */
  activeCampaigns?: Campaign[]
  [key: string]: unknown
}

/** Counters a step reports (e.g. `{ sent: 12, failed: 1 }`). */
export type StepCounts = Record<string, number>

/**
 * A named step of the worker's cycle. The seven built-in steps are `send`, `poll`,
 * `process`, `timeouts`, `metrics`, `decide`, `alerts`; hosts add, replace or remove
 * steps with the `steps` hook.
 */
export interface WorkerStep {
  /** Unique name, shown in reports and events. */
  name: string
  /**
   * Leader-only steps run under a lease so only one worker runs them at a time:
   * `true` uses the shared `cam:leader` lease, a string names a lease of its own.
   */
  leader?: boolean | string
  run(context: StepContext): Promise<StepCounts | void>
}

/** Outcome of one step in one cycle. */
export interface StepReport {
  name: string
  status: 'ok' | 'error' | 'skipped'
  durationMs: number
  counts: StepCounts
  /** Error message when `status` is `error`. */
  error?: string
  /** Why it was skipped (e.g. `lease held by another worker`). */
  reason?: string
}

/** Outcome of one cycle. */
export interface CycleReport {
  cycle: number
  startedAt: Date
  durationMs: number
  steps: StepReport[]
}
