import type { Campaign, CampaignMetrics, CampaignRule, CampaignRuleMetric } from '@cam/core'
import { formatCount, formatRate, humanize } from '../format.js'
import { html, type SafeHtml } from '../html.js'
import { postForm, segment, type PageContext } from '../page-context.js'

/** A campaign with its lifetime metrics and one metrics window per distinct rule window. */
export interface CampaignSummary {
  campaign: Campaign
  metrics: CampaignMetrics
  /** Metrics per window length (days) the campaign's rules use; 7 is always there. */
  windows: Map<number, CampaignMetrics>
}

/** Loads a campaign's metrics for its lifetime and for each window its pause rules look at. */
export async function loadCampaignSummary(context: PageContext, campaign: Campaign): Promise<CampaignSummary> {
  const lengths = [...new Set([7, ...campaign.rules.map((rule) => rule.windowDays)])]
  const results = await Promise.all(lengths.map((windowDays) => context.client.getCampaignMetrics(campaign.id, { windowDays })))
  const windows = new Map(lengths.map((days, index) => [days, results[index]!]))
  return { campaign, metrics: windows.get(7)!, windows }
}

/** The funnel stages: where each number comes from in `getCampaignMetrics`. */
export const funnelStages = [
  { key: 'leads.queued', label: 'Leads queued', help: 'leads waiting for their first email', read: (m: CampaignMetrics) => m.leads.queued ?? 0 },
  { key: 'lifetime.sent', label: 'Sent', help: 'emails the sender accepted', read: (m: CampaignMetrics) => m.lifetime.counts.sent },
  { key: 'lifetime.delivered', label: 'Delivered', help: 'deliveries the provider reported (webhooks), not bounced since', read: (m: CampaignMetrics) => m.lifetime.counts.delivered },
  { key: 'lifetime.replied', label: 'Replied', help: 'human replies', read: (m: CampaignMetrics) => m.lifetime.counts.replied },
  { key: 'leads.interested', label: 'Interested', help: 'leads whose reply was positive', read: (m: CampaignMetrics) => m.leads.interested ?? 0 },
] as const

/** Compact funnel: five numbers in a row of cells (table) or boxes (campaign page). */
export function funnelCells(metrics: CampaignMetrics): SafeHtml[] {
  return funnelStages.map((stage) => html`<td class="num" data-metric="${stage.key}" title="${stage.help}">${formatCount(stage.read(metrics))}</td>`)
}

/** The funnel as boxes, for one campaign's page. */
export function funnelBoxes(metrics: CampaignMetrics): SafeHtml {
  return html`<div class="funnel">${funnelStages.map(
    (stage) => html`<div class="stage"><div class="value" data-metric="${stage.key}">${formatCount(stage.read(metrics))}</div><div class="label">${stage.label} <span class="muted">· ${stage.help}</span></div></div>`,
  )}</div>`
}

const watchedRates: Array<{ metric: CampaignRuleMetric; label: string }> = [
  { metric: 'bounceRate', label: 'Bounces' },
  { metric: 'complaintRate', label: 'Complaints' },
  { metric: 'unsubscribeRate', label: 'Unsubscribes' },
]

/** The rates the pause rules watch, next to their thresholds. */
export function ruleRates(summary: CampaignSummary): Array<{ metric: CampaignRuleMetric; label: string; rate: number; rule: CampaignRule | null; sent: number; days: number; over: boolean }> {
  const metrics = [...watchedRates.map((entry) => entry.metric), ...summary.campaign.rules.map((rule) => rule.metric).filter((metric) => !watchedRates.some((entry) => entry.metric === metric))]
  return metrics.map((metric) => {
    const rule = summary.campaign.rules.find((candidate) => candidate.metric === metric) ?? null
    const days = rule?.windowDays ?? 7
    const window = (summary.windows.get(days) ?? summary.metrics).window
    const rate = window.rates[metric]
    const sent = window.counts.sent
    return {
      metric,
      label: watchedRates.find((entry) => entry.metric === metric)?.label ?? humanize(metric.replace(/Rate$/, '')),
      rate,
      rule,
      sent,
      days,
      over: rule !== null && rate > rule.threshold && sent >= rule.minSample,
    }
  })
}

/** One rate against its rule: `1.20% / 5.0%` with the window and sample in the tooltip. */
export function rateCell(entry: ReturnType<typeof ruleRates>[number]): SafeHtml {
  const threshold = entry.rule ? html` <span class="muted">/ ${formatRate(entry.rule.threshold)}</span>` : html` <span class="muted small">no rule</span>`
  const title = entry.rule
    ? `last ${entry.days} d: ${entry.sent} sent; pauses above ${formatRate(entry.rule.threshold)} once ${entry.rule.minSample} were sent`
    : `last ${entry.days} d: ${entry.sent} sent; no pause rule`
  return html`<td class="num" title="${title}"><span data-rate="${entry.metric}"${entry.over ? html` class="over"` : ''}>${formatRate(entry.rate)}</span>${threshold}</td>`
}

/** Pause / resume / start, by status. */
export function campaignActions(context: PageContext, campaign: Campaign, returnTo?: string): SafeHtml {
  const path = `/campaigns/${segment(campaign.id)}`
  const options = returnTo ? { returnTo } : {}
  if (campaign.status === 'active') {
    return postForm(context, `${path}/pause`, {
      ...options,
      name: 'pause-campaign',
      fields: html`<input type="text" name="reason" maxlength="500" placeholder="reason (optional)" aria-label="reason">`,
      buttons: html`<button type="submit" class="danger">Pause</button>`,
    })
  }
  if (campaign.status === 'paused') return postForm(context, `${path}/resume`, { ...options, name: 'resume-campaign', buttons: html`<button type="submit" class="primary">Resume</button>` })
  if (campaign.status === 'draft') return postForm(context, `${path}/start`, { ...options, name: 'start-campaign', buttons: html`<button type="submit" class="primary">Start</button>` })
  return html``
}

/** Status with its reason. */
export function statusBadge(campaign: Campaign): SafeHtml {
  return html`<span class="badge ${campaign.status}" data-status="${campaign.status}">${campaign.status}</span>${campaign.statusReason ? html`<div class="muted small">${campaign.statusReason}</div>` : ''}`
}
