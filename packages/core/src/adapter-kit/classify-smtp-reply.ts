import { bounceReasonFor, statusFromText } from '../classifier/classify-bounce.js'
import type { BounceReason, BounceType } from '../domain/classification.js'

/** What an SMTP reply or a provider's diagnostic says about a failed delivery. */
export interface SmtpReplyVerdict {
  /** Why it failed (see `BounceReason`). */
  reason: BounceReason
  /** The bounce type that follows (a 4xx reply is never hard). */
  type: BounceType
  /** The enhanced status code (`5.1.1`) or reply code (`550`) found in the text, when any. */
  status: string | null
}

/**
 * Reads an SMTP reply (`550 5.1.1 <bob@…>: User unknown`) or a provider's diagnostic the
 * way the rule classifier reads a DSN's Diagnostic-Code: status codes first, then the
 * wording of each bounce reason in every built-in language. For a sender adapter that sees
 * the receiving server's answer during the send (a refused `RCPT TO`) and must say whether
 * it is a refusal of the address (`hard`), of the sender (`block`), or neither.
 *
 * @example
 * classifySmtpReply('550 5.7.1 Client host blocked using zen.spamhaus.org')
 * // → { reason: 'blocked', type: 'block', status: '5.7.1' }
 */
export function classifySmtpReply(reply: string): SmtpReplyVerdict {
  const status = statusFromText(reply)
  const { reason, type } = bounceReasonFor({ status, diagnostic: reply, notice: '', delayed: false })
  return { reason, type, status }
}
