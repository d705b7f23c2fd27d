import { z } from 'zod'
import { emailAddressSchema } from './email-address.js'
import { containsControlCharacter, sanitizeText, toSingleLine } from './plain-text.js'

/** Lifecycle of a campaign. Only `active` campaigns send. */
export type CampaignStatus = 'draft' | 'active' | 'paused' | 'completed'

/** Who the emails come from. */
export interface SenderIdentity {
  /** From address, e.g. `ana@acme.io`. */
  email: string
  /** Display name, e.g. `Ana from Acme`. */
  name?: string
  /** Optional Reply-To address (replies must still reach the polled inbox). */
  replyTo?: string
}

/** One email of the sequence. */
export interface SequenceStep {
  /**
   * Subject template (LiquidJS). Required on the first step; on follow-ups it may be
   * omitted, and the follow-up then goes out as `Re: <first subject>` in the same thread.
   */
  subject?: string
  /** Plain-text body template (LiquidJS), e.g. `Hi {{ firstName | default: "there" }},`. */
  text: string
  /** Optional HTML body template; variables are HTML-escaped when rendered. */
  html?: string
  /**
   * Days to wait after the previous step was sent (for the first step: after the lead
   * was added). Fractions are allowed (`0.5` = 12 hours). The send is then moved to
   * the next moment inside the send schedule.
   */
  delayDays: number
}

/** Days of the week, ISO numbering: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7

/** When emails may go out, in the lead's timezone (or the campaign's when the lead has none). */
export interface SendSchedule {
  /** IANA timezone used for leads without their own, and for the daily cap's day. */
  timezone: string
  /** Allowed weekdays (ISO: 1 = Monday … 7 = Sunday). */
  weekdays: Weekday[]
  /** Window start, local time `HH:MM` (inclusive). */
  startTime: string
  /** Window end, local time `HH:MM` (exclusive). */
  endTime: string
}

/** The event rates the `decide` step watches. */
export type CampaignRuleMetric = 'bounceRate' | 'complaintRate' | 'unsubscribeRate' | 'negativeRate' | 'blockRate'

/**
 * A deliverability rule: pause the campaign when `metric` is, with 95% confidence,
 * above `threshold` over the last `windowDays` days — judged only once at least
 * `minSample` emails were sent in that window.
 */
export interface CampaignRule {
  metric: CampaignRuleMetric
  /** Rate between 0 and 1, e.g. `0.05` for 5%. */
  threshold: number
  /** Window in days (default 7). */
  windowDays: number
  /** Minimum emails sent inside the window before the rule may fire (default 50). */
  minSample: number
  /** What to do: only `pause` is supported today. */
  action: 'pause'
}

/** A stored campaign. */
export interface Campaign {
  id: string
  name: string
  status: CampaignStatus
  sender: SenderIdentity
  steps: SequenceStep[]
  schedule: SendSchedule
  /** Maximum emails started per day (campaign timezone), all steps counted. */
  dailyCap: number
  rules: CampaignRule[]
  /** Days after the last step with no reply before the lead moves to `no_reply`. */
  noReplyTimeoutDays: number
  /** When set, leads that time out are added to this campaign (nurture) as well. */
  nurtureCampaignId: string | null
  /**
   * Names of the worker's pool mailboxes this campaign sends from (each new lead gets the
   * one with the most room; its follow-ups stay on it). Empty: every mailbox of the worker,
   * or the worker's single sender when it has no pool.
   */
  mailboxes: string[]
  /** Why the campaign is paused (set by `decide` or by a human). */
  statusReason: string | null
  createdAt: Date
  updatedAt: Date
}

// 00:00–23:59, plus 24:00 as the end of the day (never 24:01–24:59).
const timeOfDay = z
  .string({ error: 'expected a time of day "HH:MM"' })
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'expected a time of day "HH:MM" (00:00–24:00)' })

/** Validates an IANA timezone name with the runtime's Intl database. */
export function isTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

export const timezoneSchema = z
  .string({ error: 'expected an IANA timezone such as "Europe/Berlin"' })
  .refine(isTimezone, { message: 'expected an IANA timezone such as "Europe/Berlin"' })

export const senderIdentitySchema = z.object({
  email: emailAddressSchema,
  name: z.string().overwrite(toSingleLine).max(200).optional(),
  replyTo: emailAddressSchema.optional(),
})

export const sequenceStepSchema = z.object({
  // Templates keep their lines (a subject is made one line once rendered) but lose control characters.
  subject: z.string().overwrite(sanitizeText).min(1, { message: 'expected a non-empty subject' }).max(998).optional(),
  text: z.string({ error: 'expected the plain-text body template' }).overwrite(sanitizeText).min(1, { message: 'expected a non-empty body' }),
  html: z.string().overwrite(sanitizeText).min(1).optional(),
  delayDays: z.number({ error: 'expected a number of days ≥ 0' }).min(0, { message: 'expected a number of days ≥ 0' }).max(365),
})

export const sendScheduleSchema = z
  .object({
    timezone: timezoneSchema,
    weekdays: z
      .array(
        z
          .number({ error: 'expected a weekday number 1 (Monday) … 7 (Sunday)' })
          .int({ message: 'expected a weekday number 1 (Monday) … 7 (Sunday)' })
          .min(1, { message: 'expected a weekday number 1 (Monday) … 7 (Sunday)' })
          .max(7, { message: 'expected a weekday number 1 (Monday) … 7 (Sunday)' })
          .transform((day) => day as Weekday),
        { error: 'expected weekdays as numbers 1 (Monday) … 7 (Sunday)' },
      )
      .min(1, { message: 'expected at least one weekday' }),
    startTime: timeOfDay,
    endTime: timeOfDay,
  })
  .refine((s) => s.startTime < s.endTime, { message: 'expected startTime before endTime', path: ['endTime'] })

export const campaignRuleSchema = z.object({
  metric: z.enum(['bounceRate', 'complaintRate', 'unsubscribeRate', 'negativeRate', 'blockRate']),
  threshold: z.number().gt(0, { message: 'expected a rate between 0 and 1' }).lt(1, { message: 'expected a rate between 0 and 1' }),
  windowDays: z.number().int().min(1).max(365).default(7),
  minSample: z.number().int().min(1).default(50),
  action: z.literal('pause').default('pause'),
})

/** The default deliverability rules: pause on bounces > 5%, complaints > 0.3%, unsubscribes > 5%. */
export const defaultCampaignRules: CampaignRule[] = [
  { metric: 'bounceRate', threshold: 0.05, windowDays: 7, minSample: 50, action: 'pause' },
  { metric: 'complaintRate', threshold: 0.003, windowDays: 7, minSample: 200, action: 'pause' },
  { metric: 'unsubscribeRate', threshold: 0.05, windowDays: 7, minSample: 50, action: 'pause' },
]

/**
 * Input accepted by `client.createCampaign`. Text is sanitised, not refused: the name and
 * the sender name become one line without control characters (`toSingleLine`), step
 * templates lose control characters (`sanitizeText`); lone surrogates become U+FFFD.
 */
export const campaignInputSchema = z.object({
  name: z.string({ error: 'expected a campaign name' }).overwrite(toSingleLine).min(1, { message: 'expected a non-empty name' }).max(200),
  sender: senderIdentitySchema,
  steps: z
    .array(sequenceStepSchema, { error: 'expected an array of sequence steps' })
    .min(1, { message: 'expected at least one step' })
    .max(20)
    .refine((steps) => steps[0]?.subject !== undefined, { message: 'the first step needs a subject', path: [0, 'subject'] }),
  schedule: sendScheduleSchema.default({
    timezone: 'UTC',
    weekdays: [1, 2, 3, 4, 5],
    startTime: '09:00',
    endTime: '17:00',
  }),
  dailyCap: z.number().int().min(1, { message: 'expected a daily cap ≥ 1' }).max(100_000).default(50),
  rules: z.array(campaignRuleSchema).default(defaultCampaignRules),
  noReplyTimeoutDays: z.number().min(0).max(365).default(14),
  nurtureCampaignId: z
    .string()
    .min(1)
    .refine((id) => !containsControlCharacter(id), { message: 'expected a campaign id without control characters' })
    .nullable()
    .default(null),
  mailboxes: z
    .array(
      z
        .string({ error: 'expected a mailbox name' })
        .min(1, { message: 'expected a mailbox name' })
        .max(320)
        .refine((name) => !containsControlCharacter(name), { message: 'expected a mailbox name without control characters' }),
      { error: 'expected an array of mailbox names' },
    )
    .max(1000)
    .refine((names) => new Set(names).size === names.length, { message: 'expected each mailbox once' })
    .default([]),
})

/** What a host passes to create a campaign (defaults filled in for omitted fields). */
export type CampaignInput = z.input<typeof campaignInputSchema>

/** A validated campaign definition, before the store gives it an id. */
export type NewCampaign = Omit<Campaign, 'id' | 'status' | 'statusReason' | 'createdAt' | 'updatedAt'>

/** Fields `client.updateCampaign` may change. */
export const campaignPatchSchema = campaignInputSchema.partial()

/** Partial update accepted by `client.updateCampaign`. */
export type CampaignPatch = z.input<typeof campaignPatchSchema>
