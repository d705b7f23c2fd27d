import type { Campaign } from '../domain/campaign.js'
import type { ClassificationResult } from '../domain/classification.js'
import type { Lead } from '../domain/lead.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { ParsedMessage } from '../mime/parsed-message.js'

/** What a classifier knows besides the message. */
export interface ClassificationContext {
  /** The lead the message was matched to, when found. */
  lead: Lead | null
  campaign: Campaign | null
  /** The outbound email it answers, when matched by Message-ID. */
  outboundEmail: OutboundEmail | null
  /** Current time (the worker's clock); relative dates resolve against the message date. */
  now: Date
}

/**
 * Port: decides what a message means.
 *
 * Must not throw for odd input (return `unknown` with low confidence instead); a throw
 * is reported and the message is retried next cycle.
 */
export interface ClassifierV1 {
  /** Name recorded with each classification, e.g. `rules`. */
  readonly name: string
  classify(message: ParsedMessage, context: ClassificationContext): Promise<ClassificationResult>
}
