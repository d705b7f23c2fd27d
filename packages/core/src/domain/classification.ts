/**
 * What a message means.
 *
 * - `positive`: interest or a meeting request — a human is alerted.
 * - `question`: asks about price, details, how it works.
 * - `referral`: "not me, talk to …" (with the named address when given).
 * - `negative`: a refusal or objection.
 * - `unsubscribe`: any wish to stop receiving mail (wins over `negative`).
 * - `out_of_office`: an absence notice, maybe with a return date.
 * - `auto_reply`: any other automatic answer (ticket receipts, "we got your message").
 * - `bounce`: a delivery failure notice (see `bounce.type`).
 * - `complaint`: a spam complaint (ARF feedback report).
 * - `unknown`: unsure — low confidence, never a guess reported as certain.
 */
export type ReplyCategory =
  | 'positive'
  | 'question'
  | 'referral'
  | 'negative'
  | 'unsubscribe'
  | 'out_of_office'
  | 'auto_reply'
  | 'bounce'
  | 'complaint'
  | 'unknown'

/** Every reply category. */
export const replyCategories: readonly ReplyCategory[] = [
  'positive',
  'question',
  'referral',
  'negative',
  'unsubscribe',
  'out_of_office',
  'auto_reply',
  'bounce',
  'complaint',
  'unknown',
]

/**
 * Kind of bounce.
 * - `hard`: the address does not exist or no longer accepts mail — suppress it.
 * - `soft`: temporary (mailbox full, timeouts, deferrals).
 * - `block`: policy/reputation/spam rejection; says nothing about the address — counts
 *   against the campaign, the lead is not suppressed.
 */
export type BounceType = 'hard' | 'soft' | 'block'

/** Details of a bounce. */
export interface BounceDetails {
  type: BounceType
  /** Enhanced status code (`5.1.1`) or SMTP reply code (`550`) when known. */
  status: string | null
  /** The remote server's diagnostic text, when known. */
  diagnostic: string | null
  /** The recipient that bounced, when known. */
  recipient: string | null
}

/** What a classifier returns. */
export interface ClassificationResult {
  category: ReplyCategory
  /** 0…1. Below the composer's threshold the next classifier is asked. */
  confidence: number
  /** Why, in words a user can act on ("DSN status 5.1.1 user unknown", "matched 'not interested'"). */
  reason: string
  /** Present when `category` is `bounce`. */
  bounce?: BounceDetails
  /** When an out-of-office sender is back, if the text says so. */
  returnDate?: Date
  /** For `referral`: the address the sender pointed to, when given. */
  referralEmail?: string
  /** Which classifier decided (filled by `composeClassifiers`). */
  classifier?: string
}
