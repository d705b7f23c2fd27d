/**
 * A mailbox of a sending pool: an identity a team owns (a Google Workspace or Microsoft 365
 * account, any SMTP host) that CAM sends from. Its sender (and inbox) adapters are given to
 * the worker in code; the store keeps what every worker must agree on — its settings as
 * last registered, whether it is paused, how many emails it started per day, when it last
 * sent — never credentials.
 */
export type MailboxStatus = 'active' | 'paused'

/** Ramp-up of a new mailbox: `start` emails on its first sending day, `increment` more each day after, up to the daily limit. */
export interface MailboxRampUp {
  start: number
  increment: number
}

/** What the store keeps of a mailbox's configuration (registered by the worker on start). */
export interface MailboxSettings {
  /** Stable name, unique in the pool (e.g. the address). Leads and emails refer to it. */
  name: string
  /** The address it sends as. */
  address: string
  /** Most emails (all steps) started per day once ramped up. */
  dailyLimit: number
  /** Null: the full limit from the first day. */
  rampUp: MailboxRampUp | null
  /** Least time between two sends from it. */
  minGapMs: number
}

/** A mailbox as the store reports it for one day. */
export interface MailboxState extends MailboxSettings {
  status: MailboxStatus
  /** Why it is paused (health, authentication), null when active. */
  statusReason: string | null
  /** UTC day key of its first send, null before it (ramp-up counts from it). */
  firstSendDay: string | null
  /** Emails started on the requested day. */
  sentOnDay: number
  lastSentAt: Date | null
  updatedAt: Date
}

const dayMs = 86_400_000

/**
 * The mailbox's limit on `day` (UTC `YYYY-MM-DD`): with a ramp-up, `start + increment ×
 * days since its first send`, never above `dailyLimit`; the first day counts as day 0
 * (also before any send).
 */
export function mailboxLimitOn(settings: Pick<MailboxSettings, 'dailyLimit' | 'rampUp'>, firstSendDay: string | null, day: string): number {
  if (!settings.rampUp) return settings.dailyLimit
  return Math.min(settings.dailyLimit, settings.rampUp.start + settings.rampUp.increment * mailboxRampDay(firstSendDay, day))
}

/** Days since the mailbox's first send (0 on that day and before it). */
export function mailboxRampDay(firstSendDay: string | null, day: string): number {
  if (firstSendDay === null) return 0
  return Math.max(0, Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${firstSendDay}T00:00:00Z`)) / dayMs))
}
