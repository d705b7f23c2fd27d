import { mailboxLimitOn, mailboxRampDay, type MailboxState } from '../domain/mailbox.js'
import { metricRates, type MetricPeriod } from '../domain/metrics.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { utcDayKey, utcDayKeyDaysBefore } from '../util/day-key.js'

/** One pool mailbox as an operator sees it: today's usage against its limit, ramp-up, health and state. */
export interface MailboxMetrics extends MailboxState {
  /** UTC day the usage is for. */
  day: string
  /** Its limit today (ramp-up applied). */
  limitToday: number
  /** Days since its first send (0 before it). */
  rampDay: number
  lifetime: MetricPeriod
  /** The last `windowDays` days (including today): what its health rules look at. */
  window: MetricPeriod & { days: number }
}

/** Every registered mailbox (or those named) with today's usage and its counters and rates. */
export async function computeMailboxMetrics(store: StoreV1, now: Date, options: { windowDays: number; names?: string[] }): Promise<MailboxMetrics[]> {
  const day = utcDayKey(now)
  const states = await store.listMailboxes({ day, ...(options.names ? { names: options.names } : {}) })
  if (states.length === 0) return []
  const counters = await store.getMailboxCounters({ names: states.map((state) => state.name), sinceDay: utcDayKeyDaysBefore(now, options.windowDays - 1) })
  return states.map((state) => {
    const counter = counters.find((candidate) => candidate.mailbox === state.name)!
    return {
      ...state,
      day,
      limitToday: mailboxLimitOn(state, state.firstSendDay, day),
      rampDay: mailboxRampDay(state.firstSendDay, day),
      lifetime: { counts: counter.lifetime, rates: metricRates(counter.lifetime) },
      window: { counts: counter.window, rates: metricRates(counter.window), days: options.windowDays },
    }
  })
}
