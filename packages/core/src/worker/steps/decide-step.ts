import type { Campaign, CampaignRule, CampaignRuleMetric } from '../../domain/campaign.js'
import type { MetricCounts } from '../../domain/metrics.js'
import { wilsonLowerBound } from '../../decide/rate-confidence.js'
import { utcDayKeyDaysBefore } from '../../util/day-key.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { ensurePoolRegistered } from './mailbox-actions.js'
import { checkMailboxHealth } from './mailbox-health.js'

const ruleCounter: Record<CampaignRuleMetric, keyof MetricCounts> = {
  bounceRate: 'bounced',
  complaintRate: 'complained',
  unsubscribeRate: 'unsubscribed',
  negativeRate: 'negative',
  blockRate: 'blocked',
}

const ruleLabel: Record<CampaignRuleMetric, string> = {
  bounceRate: 'bounce rate',
  complaintRate: 'complaint rate',
  unsubscribeRate: 'unsubscribe rate',
  negativeRate: 'negative reply rate',
  blockRate: 'block rate',
}

const percent = (value: number) => `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`

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
            const sample = counter.window.sent
            if (sample < rule.minSample) continue
            const events = counter.window[ruleCounter[rule.metric]]
            const rate = events / sample
            const lowerBound = wilsonLowerBound(events, sample)
            if (lowerBound <= rule.threshold) continue
            const reason = `${ruleLabel[rule.metric]} ${percent(rate)} over the last ${windowDays} days (${events} of ${sample} sent; 95% lower bound ${percent(lowerBound)}) is above the ${percent(rule.threshold)} threshold`
            const channels = runtime.alertChannels.map((c) => c.name)
            const result = await context.store.transitionCampaign({
              campaignId: campaign.id,
              from: ['active'],
              to: 'paused',
              reason,
              now: context.now,
              ...(runtime.config.alertsEnabled && channels.length > 0
                ? {
                    alert: {
                      channels,
                      alert: {
                        kind: 'campaign_paused',
                        title: `Campaign paused: ${campaign.name}`,
                        campaignId: campaign.id,
                        campaignName: campaign.name,
                        leadId: null,
                        leadEmail: null,
                        leadName: null,
                        category: null,
                        subject: null,
                        excerpt: null,
                        reason,
                        messageId: null,
                      },
                    },
                  }
                : {}),
            })
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
