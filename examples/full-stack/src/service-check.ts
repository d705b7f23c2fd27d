/** The outcome of checking one service. */
export interface ServiceCheck {
  service: string
  ok: boolean
  /** What was found (never a secret). */
  detail: string
  /** More lines printed under the first, indented (e.g. one per pool mailbox). Never secrets. */
  lines?: string[]
}
