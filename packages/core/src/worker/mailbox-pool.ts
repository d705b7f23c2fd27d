import { z } from 'zod'
import type { Campaign, CampaignRule, SendSchedule } from '../domain/campaign.js'
import { campaignRuleSchema, sendScheduleSchema } from '../domain/campaign.js'
import { isEmailAddress } from '../domain/email-address.js'
import type { Lead } from '../domain/lead.js'
import { mailboxLimitOn, type MailboxRampUp, type MailboxSettings, type MailboxState } from '../domain/mailbox.js'
import { containsControlCharacter } from '../domain/plain-text.js'
import type { InboxV1 } from '../ports/inbox-v1.js'
import type { SenderV1 } from '../ports/sender-v1.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { wrapPort } from '../ports/wrap-port.js'
import { isInsideSendWindow, nextSendWindowStart } from '../schedule/send-window.js'
import { utcDayKey } from '../util/day-key.js'
import type { ValidationIssue } from '../errors/validation-error.js'

/** Default daily limit of a pool mailbox: what cold-email guidance gives a warmed-up Workspace or 365 account. */
export const defaultMailboxDailyLimit = 30
/** Default ramp-up of a new pool mailbox: 5 on its first day, 3 more each day. */
export const defaultMailboxRampUp: MailboxRampUp = { start: 5, increment: 3 }
/** Default least time between two sends of one mailbox. */
export const defaultMailboxMinGapMs = 60_000
/** How long a mailbox waits before it is asked again when every candidate was paused. */
const pausedRetryMs = 3_600_000

/**
 * Health rules of a pool mailbox (its own bounce, complaint and block rates over 7 days),
 * checked with the same 95 % confidence bound as campaign rules; the samples are smaller
 * because one mailbox sends a few dozen emails a day.
 */
export const defaultMailboxHealthRules: CampaignRule[] = [
  { metric: 'bounceRate', threshold: 0.05, windowDays: 7, minSample: 20, action: 'pause' },
  { metric: 'blockRate', threshold: 0.05, windowDays: 7, minSample: 20, action: 'pause' },
  { metric: 'complaintRate', threshold: 0.003, windowDays: 7, minSample: 100, action: 'pause' },
]

/** One mailbox of the sending pool, as given to `createCamWorker({ mailboxes })`. */
export interface MailboxConfig {
  /** Stable, unique name (the address is a good one). Leads keep it: do not rename a mailbox in use. */
  name: string
  /** The identity it sends as. */
  from: { email: string; name?: string | undefined; replyTo?: string | undefined }
  /** The adapter that sends as it (e.g. `createSmtpSender` for this account). */
  sender: SenderV1
  /** The adapter that reads it (replies and bounce reports arrive here), when the worker should poll it. */
  inbox?: InboxV1 | undefined
  /** Most emails (all steps) per UTC day once ramped up (default 30). */
  dailyLimit?: number | undefined
  /** Ramp-up from its first send (default 5, +3 per day); `null`: the full limit at once. */
  rampUp?: MailboxRampUp | null | undefined
  /** Least time between two of its sends (default 60 s). */
  minGapMs?: number | undefined
  /** Random extra wait added to the gap, up to this (default: half the gap), so sends do not tick like a clock. */
  gapJitterMs?: number | undefined
  /** Its own send window, on top of the campaign's. */
  schedule?: SendSchedule | undefined
  /** Its health rules (default {@link defaultMailboxHealthRules}). */
  health?: CampaignRule[] | undefined
}

/** A pool mailbox ready for the steps: options checked, defaults applied, its sender wrapped. */
export interface PoolMailbox {
  name: string
  from: { email: string; name?: string; replyTo?: string }
  sender: SenderV1
  inbox: InboxV1 | null
  settings: MailboxSettings
  gapJitterMs: number
  schedule: SendSchedule | null
  health: CampaignRule[]
}

const address = z.string().refine((value) => !containsControlCharacter(value) && isEmailAddress(value), { message: 'expected an email address like ana@acme.io' })
const nonNegativeInteger = (max: number) => z.number().int().min(0).max(max)

const mailboxSchema = z.object({
  name: z.string().min(1).max(320).refine((value) => !containsControlCharacter(value), { message: 'expected a name without control characters' }),
  from: z.object({ email: address, name: z.string().max(200).optional(), replyTo: address.optional() }),
  sender: z.custom<SenderV1>((value) => typeof (value as Partial<SenderV1> | null)?.send === 'function' && typeof (value as SenderV1).idempotent === 'boolean', {
    error: 'expected a Sender adapter with send() and an idempotent flag',
  }),
  inbox: z.custom<InboxV1>((value) => typeof (value as Partial<InboxV1> | null)?.fetch === 'function' && typeof (value as InboxV1).name === 'string', { error: 'expected an Inbox adapter with a name and fetch()' }).optional(),
  dailyLimit: z.number().int().min(1).max(100_000).default(defaultMailboxDailyLimit),
  rampUp: z.object({ start: z.number().int().min(1).max(100_000), increment: nonNegativeInteger(100_000) }).nullable().default(defaultMailboxRampUp),
  minGapMs: nonNegativeInteger(86_400_000).default(defaultMailboxMinGapMs),
  gapJitterMs: nonNegativeInteger(86_400_000).optional(),
  schedule: sendScheduleSchema.optional(),
  health: z.array(campaignRuleSchema).optional(),
})

/** Checks the pool of `createCamWorker({ mailboxes })`: issues name `mailboxes.<index>.<field>`. */
export function parseMailboxes(input: readonly MailboxConfig[] | undefined, issues: ValidationIssue[]): PoolMailbox[] {
  if (input === undefined) return []
  if (!Array.isArray(input)) {
    issues.push({ path: 'mailboxes', message: 'expected an array of mailboxes' })
    return []
  }
  const pool: PoolMailbox[] = []
  const names = new Set<string>()
  input.forEach((entry, index) => {
    const parsed = mailboxSchema.safeParse(entry)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: ['mailboxes', index, ...issue.path].join('.'), message: issue.message })
      return
    }
    const mailbox = parsed.data
    if (names.has(mailbox.name)) {
      issues.push({ path: `mailboxes.${index}.name`, message: `duplicate mailbox name "${mailbox.name}"` })
      return
    }
    names.add(mailbox.name)
    pool.push({
      name: mailbox.name,
      from: { email: mailbox.from.email, ...(mailbox.from.name ? { name: mailbox.from.name } : {}), ...(mailbox.from.replyTo ? { replyTo: mailbox.from.replyTo } : {}) },
      sender: wrapPort(mailbox.sender, 'sender', 'SEND_RETRYABLE'),
      inbox: mailbox.inbox ?? null,
      settings: { name: mailbox.name, address: mailbox.from.email, dailyLimit: mailbox.dailyLimit, rampUp: mailbox.rampUp, minGapMs: mailbox.minGapMs },
      gapJitterMs: mailbox.gapJitterMs ?? Math.floor(mailbox.minGapMs / 2),
      schedule: (mailbox.schedule as SendSchedule | undefined) ?? null,
      health: (mailbox.health as CampaignRule[] | undefined) ?? defaultMailboxHealthRules,
    })
  })
  return pool
}

/** The mailboxes a campaign may send from: those it names, or the whole pool. */
export function campaignMailboxes(pool: readonly PoolMailbox[], campaign: Campaign): PoolMailbox[] {
  return campaign.mailboxes.length === 0 ? [...pool] : pool.filter((mailbox) => campaign.mailboxes.includes(mailbox.name))
}

/** The outcome of looking for a mailbox for one email. */
export type MailboxChoice = { mailbox: PoolMailbox; day: string } | { mailbox: null; retryAt: Date; reason: string }

/**
 * Picks and reserves a mailbox for one email, for one run of the send step: a follow-up
 * goes out from its lead's mailbox (the thread stays on it); a first touch from the
 * campaign's mailbox with the most room today (limit with ramp-up, minus what it sent),
 * skipping paused ones, ones outside their own send window and ones that sent less than
 * their gap ago. The reservation in the store is what keeps every limit exact across
 * workers; the states read once per run only order the candidates.
 */
export class MailboxPicker {
  private states: Promise<Map<string, MailboxState>> | null = null

  constructor(
    private readonly store: StoreV1,
    private readonly pool: readonly PoolMailbox[],
    private readonly random: () => number = Math.random,
  ) {}

  /** Read once per run and shared by every lane (one promise, so lanes choosing at once see one map). */
  private stateOf(day: string): Promise<Map<string, MailboxState>> {
    this.states ??= this.store.listMailboxes({ day, names: this.pool.map((mailbox) => mailbox.name) }).then((states) => new Map(states.map((state) => [state.name, state])))
    return this.states
  }

  async choose(campaign: Campaign, lead: Lead, now: Date): Promise<MailboxChoice> {
    const day = utcDayKey(now)
    const states = await this.stateOf(day)
    let candidates: PoolMailbox[]
    if (lead.mailbox !== null) {
      const own = this.pool.find((mailbox) => mailbox.name === lead.mailbox)
      if (!own) return { mailbox: null, retryAt: new Date(now.getTime() + pausedRetryMs), reason: `the thread's mailbox ${lead.mailbox} is not in this worker's pool` }
      candidates = [own]
    } else {
      const room = (mailbox: PoolMailbox) => {
        const state = states.get(mailbox.name)
        return mailboxLimitOn(mailbox.settings, state?.firstSendDay ?? null, day) - (state?.sentOnDay ?? 0)
      }
      candidates = campaignMailboxes(this.pool, campaign).sort((a, b) => room(b) - room(a) || (a.name < b.name ? -1 : 1))
    }
    if (candidates.length === 0) return { mailbox: null, retryAt: new Date(now.getTime() + pausedRetryMs), reason: `campaign "${campaign.name}" names no mailbox of this worker's pool` }
    let earliest: Date | null = null
    const reasons = new Set<string>()
    const later = (at: Date) => {
      if (earliest === null || at < earliest) earliest = at
    }
    for (const mailbox of candidates) {
      const state = states.get(mailbox.name)
      if (state?.status === 'paused') {
        reasons.add('paused')
        continue
      }
      if (mailbox.schedule && !isInsideSendWindow(now, mailbox.schedule, mailbox.schedule.timezone)) {
        reasons.add('outside its send window')
        later(nextSendWindowStart(now, mailbox.schedule, mailbox.schedule.timezone))
        continue
      }
      const limit = mailboxLimitOn(mailbox.settings, state?.firstSendDay ?? null, day)
      const gap = mailbox.settings.minGapMs + Math.floor(this.random() * (mailbox.gapJitterMs + 1))
      // Counted before the store answers, so that lanes choosing at the same time spread out.
      if (state) state.sentOnDay++
      const reservation = await this.store.reserveMailboxSend({ mailbox: mailbox.name, day, limit, minGapMs: gap, now })
      if (reservation.reserved) {
        if (state) {
          state.firstSendDay ??= day
          state.lastSentAt = now
        }
        return { mailbox, day }
      }
      if (state) state.sentOnDay--
      reasons.add(reservation.reason === 'limit' ? 'at its daily limit' : reservation.reason === 'gap' ? 'within its gap between sends' : reservation.reason)
      if (reservation.reason === 'paused' && state) state.status = 'paused'
      if (reservation.reason === 'gap' && reservation.availableAt) later(reservation.availableAt)
      if (reservation.reason === 'limit') later(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000))
    }
    const retryAt = earliest ?? new Date(now.getTime() + pausedRetryMs)
    const which = lead.mailbox !== null ? `its thread's mailbox ${lead.mailbox}` : `every mailbox of campaign "${campaign.name}"`
    return { mailbox: null, retryAt, reason: `${which}: ${[...reasons].join(', ')}` }
  }
}
