/** Why an address must never be emailed again. */
export type SuppressionReason = 'unsubscribe' | 'hard_bounce' | 'complaint' | 'manual'

/** An address no campaign may email again. */
export interface Suppression {
  /** Normalised address. */
  email: string
  reason: SuppressionReason
  /** Free text: where it came from (message id, API caller, …). */
  source: string | null
  createdAt: Date
}
