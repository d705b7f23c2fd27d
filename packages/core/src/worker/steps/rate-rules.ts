import type { Campaign, CampaignRule, CampaignRuleMetric } from '../../domain/campaign.js'
import type { NewAlert } from '../../domain/alert.js'
import type { MetricCounts } from '../../domain/metrics.js'
import { wilsonLowerBound } from '../../decide/rate-confidence.js'
import type { StepContext } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { randomUUID } from 'node:crypto'
import type { NewCamEvent } from '../../domain/cam-event.js'
import { alertRaisedEvent, campaignStatusEvent } from '../../policy/cam-event-builders.js'
import { subscribedEvents, wantsEvent } from '../subscribed-events.js'

/** The counter each rule metric divides by `sent`. */
export const ruleCounter: Record<CampaignRuleMetric, keyof MetricCounts> = {
  bounceRate: 'bounced',
  complaintRate: 'complained',
  unsubscribeRate: 'unsubscribed',
  negativeRate: 'negative',
  blockRate: 'blocked',
}

/** Each rule metric in words. */
export const ruleLabel: Record<CampaignRuleMetric, string> = {
  bounceRate: 'bounce rate',
  complaintRate: 'complaint rate',
  unsubscribeRate: 'unsubscribe rate',
  negativeRate: 'negative reply rate',
  blockRate: 'block rate',
}

const percent = (value: number) => `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`

/** A rule a window of counts breaks: its rate is above the threshold with 95 % confidence, on at least `minSample` sent. */
export interface RuleBreach {
  rate: number
  lowerBound: number
  sample: number
  /** e.g. `bounce rate 9.0% over the last 7 days (9 of 100 sent; 95% lower bound 4.8%) is above the 5.0% threshold`. */
  reason: string
}

/** The breach of `rule` by `window` (counts over the rule's window), or null when it holds or the sample is too small. */
export function ruleBreach(rule: CampaignRule, window: MetricCounts): RuleBreach | null {
  const sample = window.sent
  if (sample < rule.minSample) return null
  const events = window[ruleCounter[rule.metric]]
  const rate = events / sample
  const lowerBound = wilsonLowerBound(events, sample)
  if (lowerBound <= rule.threshold) return null
  const reason = `${ruleLabel[rule.metric]} ${percent(rate)} over the last ${rule.windowDays} days (${events} of ${sample} sent; 95% lower bound ${percent(lowerBound)}) is above the ${percent(rule.threshold)} threshold`
  return { rate, lowerBound, sample, reason }
}

/** An alert CAM raises about itself (a pause), not about a reply. */
export function systemAlert(kind: 'campaign_paused' | 'mailbox_paused', title: string, reason: string, campaign: Campaign | null = null): NewAlert {
  return {
    kind,
    title,
    campaignId: campaign?.id ?? null,
    campaignName: campaign?.name ?? null,
    leadId: null,
    leadEmail: null,
    leadName: null,
    category: null,
    subject: null,
    excerpt: null,
    reason,
    messageId: null,
  }
}

/**
 * The alert to create with a transition, when alerts are on and the worker has channels
 * or a webhook endpoint subscribes to `alert.raised` (then with the id its event names).
 */
export function alertForChannels(runtime: WorkerRuntime, alert: NewAlert, now: Date): { alert?: { alert: NewAlert; channels: string[] }; events?: NewCamEvent[] } {
  const channels = runtime.alertChannels.map((channel) => channel.name)
  const raised = runtime.config.alertsEnabled && wantsEvent(runtime, 'alert.raised')
  if (!runtime.config.alertsEnabled || (channels.length === 0 && !raised)) return {}
  if (!raised) return { alert: { alert, channels } }
  const withId = { ...alert, id: randomUUID() }
  return { alert: { alert: withId, channels }, events: [alertRaisedEvent(withId, now)] }
}

/** Pauses an active campaign with its alert in one store call; false when it was not active (nothing happens twice). */
export async function pauseCampaign(runtime: WorkerRuntime, context: Pick<StepContext, 'store' | 'now'>, campaign: Campaign, reason: string): Promise<boolean> {
  const { events: alertEvents = [], ...alert } = alertForChannels(runtime, systemAlert('campaign_paused', `Campaign paused: ${campaign.name}`, reason, campaign), context.now)
  const moved = await context.store.transitionCampaign({
    campaignId: campaign.id,
    from: ['active'],
    to: 'paused',
    reason,
    now: context.now,
    ...alert,
    ...subscribedEvents(runtime, [campaignStatusEvent('campaign.paused', campaign, reason, context.now), ...alertEvents]),
  })
  return moved !== null
}
