import type { Campaign } from '../../domain/campaign.js'
import { utcDayKey, utcDayKeyDaysBefore } from '../../util/day-key.js'
import { campaignMailboxes } from '../mailbox-pool.js'
import type { StepContext } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { pauseMailbox } from './mailbox-actions.js'
import { pauseCampaign, ruleBreach } from './rate-rules.js'

/**
 * The decide step's part for the sending pool: each active mailbox whose own bounce,
 * block or complaint rate over its window is above a health rule's threshold with 95 %
 * confidence (and at least `minSample` sent) is paused alone, with one alert; then a
 * campaign left with no active mailbox is paused, with one alert, until one is resumed.
 */
export async function checkMailboxHealth(runtime: WorkerRuntime, context: StepContext, campaigns: Campaign[]): Promise<{ mailboxesPaused: number; campaignsPaused: number }> {
  const result = { mailboxesPaused: 0, campaignsPaused: 0 }
  if (runtime.pool.length === 0) return result
  const windows = [...new Set(runtime.pool.flatMap((mailbox) => mailbox.health.map((rule) => rule.windowDays)))]
  const states = new Map((await context.store.listMailboxes({ day: utcDayKey(context.now), names: runtime.pool.map((mailbox) => mailbox.name) })).map((state) => [state.name, state]))
  for (const windowDays of windows) {
    const counters = await context.store.getMailboxCounters({ names: runtime.pool.map((mailbox) => mailbox.name), sinceDay: utcDayKeyDaysBefore(context.now, windowDays - 1) })
    for (const counter of counters) {
      const mailbox = runtime.pool.find((candidate) => candidate.name === counter.mailbox)
      const state = states.get(counter.mailbox)
      if (!mailbox || state?.status !== 'active') continue
      for (const rule of mailbox.health.filter((candidate) => candidate.windowDays === windowDays)) {
        const breach = ruleBreach(rule, counter.window)
        if (!breach) continue
        const reason = `its ${breach.reason}`
        if (await pauseMailbox(runtime, context, mailbox.name, `${mailbox.from.email}: ${reason}`)) result.mailboxesPaused++
        state.status = 'paused'
        break
      }
    }
  }
  // A campaign with no active mailbox left cannot send: pause it (once) so a human sees why.
  // The states read above, with the pauses of this run applied: no second read.
  const active = new Set([...states.values()].filter((state) => state.status === 'active').map((state) => state.name))
  for (const campaign of campaigns) {
    const own = campaignMailboxes(runtime.pool, campaign)
    if (own.length === 0 || own.some((mailbox) => active.has(mailbox.name))) continue
    const reason = `no healthy mailbox left: ${own.map((mailbox) => mailbox.name).join(', ')} ${own.length === 1 ? 'is' : 'are'} paused`
    if (await pauseCampaign(runtime, context, campaign, reason)) {
      result.campaignsPaused++
      runtime.logger.warn('campaign paused: no healthy mailbox left', { campaignId: campaign.id })
    }
  }
  return result
}
