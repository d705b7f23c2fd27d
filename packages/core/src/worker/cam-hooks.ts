import type { Campaign } from '../domain/campaign.js'
import type { ClassificationResult } from '../domain/classification.js'
import type { Lead } from '../domain/lead.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { ParsedMessage } from '../mime/parsed-message.js'
import type { OutgoingEmail } from '../ports/sender-v1.js'
import type { WorkerStep } from './step.js'

/** Input of the `beforeSend` hook. */
export interface BeforeSendInput {
  email: OutgoingEmail
  outbound: OutboundEmail
  lead: Lead
  campaign: Campaign
}

/**
 * What `beforeSend` may return:
 * - nothing: send as rendered;
 * - `{ email }`: send this (altered) email instead;
 * - `{ veto: reason }`: do not send; the email fails permanently with the reason;
 * - `{ veto: reason, retryAt }`: do not send now; try again at `retryAt`.
 */
export type BeforeSendResult = void | undefined | { email: OutgoingEmail } | { veto: string; retryAt?: Date }

/** Input of the `classification` hook. */
export interface ClassificationHookInput {
  message: ParsedMessage
  classification: ClassificationResult
  lead: Lead | null
  campaign: Campaign | null
}

/**
 * Typed hooks. A hook that throws is reported (`hook:error`) and the worker goes on
 * as if the hook were absent (for `beforeSend`: the email is retried later).
 */
export interface CamHooks {
  /** Veto or alter an email before it is sent. */
  beforeSend?: (input: BeforeSendInput) => BeforeSendResult | Promise<BeforeSendResult>
  /** Override a classification (return a new one) or keep it (return nothing). */
  classification?: (input: ClassificationHookInput) => ClassificationResult | void | Promise<ClassificationResult | void>
  /**
   * Shape the pipeline: receives the default steps in order, returns the steps to run.
   * Add (`[...steps, myStep]`), replace (`steps.map(s => s.name === 'alerts' ? mine : s)`)
   * or remove (`steps.filter(s => s.name !== 'timeouts')`) named steps.
   */
  steps?: (defaults: WorkerStep[]) => WorkerStep[]
}
