/** Liveness record a worker writes every cycle. */
export interface WorkerHeartbeat {
  workerId: string
  host: string
  pid: number
  startedAt: Date
  lastSeenAt: Date
  cycles: number
  /** Last step error message (secrets never included), null after a clean cycle. */
  lastError: string | null
  /** Leases the worker held at the end of the cycle. */
  leases: string[]
}
