import type { StoreV1 } from '../ports/store-v1.js'
import type { Clock } from '../util/clock.js'
import type { Logger } from '../util/logger.js'
import type { CamEventName, CamEventPayloads } from './cam-events.js'
import type { StepCounts } from './cycle-report.js'
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
  /** State shared by the steps of one cycle (custom steps may use it). */
  shared: CycleState
  /**
   * Adds a line a human should read to this step's report (`StepReport.notes`) and logs it
   * at info level — e.g. why nothing was sent.
   */
  note(message: string): void
}

/** State the steps of one cycle share (for custom steps: the built-in steps share nothing through it). */
export interface CycleState {
  [key: string]: unknown
}

/**
 * A named step of the worker's cycle. The eight built-in steps are `send`, `poll`,
 * `process`, `timeouts`, `metrics`, `decide`, `alerts`, `webhooks`; hosts add, replace or
 * remove steps with the `steps` hook.
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
