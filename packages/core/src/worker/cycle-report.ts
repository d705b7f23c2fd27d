/** Counters a step reports (e.g. `{ sent: 12, failed: 1 }`). */
export type StepCounts = Record<string, number>

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
  /** What a human should know about the outcome (e.g. `outside the send window until Mon 09:00 Europe/Berlin`). */
  notes?: string[]
}

/** Outcome of one cycle. */
export interface CycleReport {
  cycle: number
  startedAt: Date
  durationMs: number
  steps: StepReport[]
}
