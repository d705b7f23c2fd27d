import type { Campaign, CampaignRule } from '../../domain/campaign.js'
import { utcDayKeyDaysBefore } from '../../util/day-key.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { ensurePoolRegistered } from './mailbox-actions.js'
import { checkMailboxHealth } from './mailbox-health.js'
import { pauseCampaign, ruleBreach } from './rate-rules.js'

/**
 * Step 6 — decide: for each active campaign and rule, pauses the campaign when the
 * rule's rate over its window is above the threshold with 95% confidence (Wilson
 * lower bound) and the window holds at least `minSample` sent emails. The pause and
 * its alert are one atomic store call, so a pause alerts exactly once. With a sending
 * pool, each mailbox is checked against its own health rules the same way and paused
 * alone; a campaign left with no active mailbox is paused.
 */
export function createDecideStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'decide',
    leader: true,
    async run(context) {
      const counts = { evaluated: 0, paused: 0, mailboxesPaused: 0 }
      const campaigns: Campaign[] = await context.store.listCampaigns({ statuses: ['active'] })
      const byWindow = new Map<number, Campaign[]>()
      for (const campaign of campaigns) {
        for (const rule of campaign.rules) {
          const list = byWindow.get(rule.windowDays) ?? []
          if (!list.includes(campaign)) list.push(campaign)
          byWindow.set(rule.windowDays, list)
        }
      }
      const paused = new Set<string>()
      for (const [windowDays, list] of byWindow) {
        const counters = await context.store.getCampaignCounters({
          campaignIds: list.map((c) => c.id),
          sinceDay: utcDayKeyDaysBefore(context.now, windowDays - 1),
        })
        for (const counter of counters) {
          const campaign = list.find((c) => c.id === counter.campaignId)
          if (!campaign || paused.has(campaign.id)) continue
          for (const rule of campaign.rules.filter((r: CampaignRule) => r.windowDays === windowDays)) {
            counts.evaluated++
            const breach = ruleBreach(rule, counter.window)
            if (!breach) continue
            const { rate, lowerBound, sample, reason } = breach
            const result = await pauseCampaign(runtime, context, campaign, reason)
            if (result) {
              counts.paused++
              paused.add(campaign.id)
              runtime.emit('campaign:paused', { campaignId: campaign.id, reason, metric: rule.metric, rate, lowerBound, threshold: rule.threshold, sample })
            }
            break
          }
        }
      }
      // The sending pool: mailboxes paused alone on their own health; campaigns left without one.
      await ensurePoolRegistered(runtime, context.store, context.clock.now())
      const health = await checkMailboxHealth(runtime, context, campaigns.filter((campaign) => !paused.has(campaign.id)))
      counts.mailboxesPaused += health.mailboxesPaused
      counts.paused += health.campaignsPaused
      return counts
    },
  }
}
