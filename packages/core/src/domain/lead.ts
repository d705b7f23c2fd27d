import { z } from 'zod'
import { emailAddressSchema } from './email-address.js'
import { timezoneSchema } from './campaign.js'
import { containsControlCharacter, sanitizeText, toSingleLine } from './plain-text.js'

/**
 * Where a lead is in its campaign.
 *
 * - `queued`: added, first email not sent yet.
 * - `active`: at least one email sent, more steps to come.
 * - `paused`: out of office; the next email waits until `resumeAt`.
 * - `completed`: every step sent; waiting for a reply until the no-reply timeout.
 * - `replied`: a human replied (question, referral or anything not clearly positive/negative).
 * - `interested`: a positive reply — a human has been alerted.
 * - `not_interested`: a refusal.
 * - `unsubscribed`: asked to stop (or complained); the address is suppressed everywhere.
 * - `bounced`: the address bounced (hard) or the receiving server blocked us.
 * - `no_reply`: the sequence ended and the timeout passed without a reply.
 * - `failed`: the sender rejected an email permanently; see the email's `lastError`.
 */
export type LeadState =
  | 'queued'
  | 'active'
  | 'paused'
  | 'completed'
  | 'replied'
  | 'interested'
  | 'not_interested'
  | 'unsubscribed'
  | 'bounced'
  | 'no_reply'
  | 'failed'

/** Every lead state, in lifecycle order. */
export const leadStates: readonly LeadState[] = [
  'queued',
  'active',
  'paused',
  'completed',
  'replied',
  'interested',
  'not_interested',
  'unsubscribed',
  'bounced',
  'no_reply',
  'failed',
]

/** States in which the lead may still receive sequence emails. */
export const sendableLeadStates: readonly LeadState[] = ['queued', 'active', 'paused']

/**
 * States of a lead the campaign still follows and who has not answered: in sequence
 * ({@link sendableLeadStates}) or waiting for a reply after the last step (`completed`).
 * A suppression (unsubscribe, hard bounce, complaint) ends such a lead.
 */
export const openLeadStates: readonly LeadState[] = [...sendableLeadStates, 'completed']

/** A lead of one campaign. The same person in two campaigns is two leads. */
export interface Lead {
  id: string
  campaignId: string
  /** Address as given. */
  email: string
  /** Lower-cased, trimmed address: the identity used for dedupe, matching and suppression. */
  emailNormalized: string
  firstName: string | null
  lastName: string | null
  company: string | null
  /** Custom template variables (string values). */
  variables: Record<string, string>
  /** IANA timezone of the lead; the campaign's is used when null. */
  timezone: string | null
  state: LeadState
  /** Human-readable reason of the last transition, e.g. `reply classified negative`. */
  stateReason: string | null
  /** Index of the next step to send (equals the number of steps sent). */
  nextStepIndex: number
  /** When an out-of-office lead's sequence resumes. */
  resumeAt: Date | null
  /** Last time an email of the sequence was sent to this lead. */
  lastSentAt: Date | null
  /** Once the sequence has ended: when the lead times out to `no_reply`. */
  replyDeadlineAt: Date | null
  /** Subject of the first email, used for `Re:` follow-ups. */
  threadSubject: string | null
  /** The pool mailbox its first email went out from: its follow-ups go out from it too (null before, or without a pool). */
  mailbox: string | null
  createdAt: Date
  updatedAt: Date
}

/** A lead name or company: one line, sanitised (see `toSingleLine`), at most `maxLength` characters. */
const singleLineField = (maxLength: number) => z.string().overwrite(toSingleLine).max(maxLength)

/**
 * A lead as given to `client.addLeads`. Text is sanitised, not refused: names and company
 * become one line without control characters (`toSingleLine`), variable values keep their
 * lines but lose control characters (`sanitizeText`), lone surrogates become U+FFFD. An
 * address or a variable name holding a control character is refused.
 */
export const leadInputSchema = z.object({
  email: emailAddressSchema,
  firstName: singleLineField(200).optional(),
  lastName: singleLineField(200).optional(),
  company: singleLineField(300).optional(),
  timezone: timezoneSchema.optional(),
  variables: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform((value) => sanitizeText(String(value))))
    .check((context) => {
      if (Object.keys(context.value).some(containsControlCharacter)) {
        context.issues.push({ code: 'custom', input: context.value, message: 'expected variable names without control characters' })
      }
    })
    .optional(),
})

/** What a host passes to add a lead. */
export type LeadInput = z.input<typeof leadInputSchema>

/** A validated lead, ready to be stored. */
export interface NewLead {
  email: string
  emailNormalized: string
  firstName: string | null
  lastName: string | null
  company: string | null
  variables: Record<string, string>
  timezone: string | null
}
