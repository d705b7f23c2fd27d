import { leadStates, type Lead, type LeadState, type MetricCounts } from '@cam/core'
import { formatCount, formatRate, formatTime, humanize } from '../format.js'
import { html, type SafeHtml } from '../html.js'
import { href, pager, segment, type PageContext, type PageResult } from '../page-context.js'
import { barChart } from '../svg-chart.js'
import { HttpProblem } from '../http-problem.js'
import { campaignActions, funnelBoxes, loadCampaignSummary, rateCell, ruleRates, statusBadge } from './campaign-summary.js'

const chartDays = [7, 30, 90] as const

function leadName(lead: Lead): string {
  return [lead.firstName, lead.lastName].filter(Boolean).join(' ')
}

/** Replies of one day by category; "other" is the human replies that are neither positive, negative nor unsubscribes. */
function replySeries(counts: MetricCounts): { positive: number; negative: number; unsubscribe: number; other: number; outOfOffice: number } {
  const other = Math.max(0, counts.replied - counts.positive - counts.negative - counts.unsubscribed)
  return { positive: counts.positive, negative: counts.negative, unsubscribe: counts.unsubscribed, other, outOfOffice: counts.outOfOffice }
}

async function dailyCharts(context: PageContext, campaignId: string): Promise<SafeHtml> {
  const requested = Number(context.url.searchParams.get('days') ?? 30)
  const days = (chartDays as readonly number[]).includes(requested) ? requested : 30
  const daily = await context.client.getCampaignDailyMetrics(campaignId, { days })
  const labels = daily.map((entry) => entry.day)
  const replies = daily.map((entry) => replySeries(entry.counts))
  const choices = chartDays.map((choice) => html`<a href="${href(context, `/campaigns/${segment(campaignId)}`, { days: choice })}"${choice === days ? html` class="current"` : ''}>${choice} days</a>`)
  const rows = daily.map(
    (entry, index) =>
      html`<tr data-day="${entry.day}"><td>${entry.day}</td><td class="num" data-daily="sent">${entry.counts.sent}</td><td class="num" data-daily="bounced">${entry.counts.bounced}</td><td class="num" data-daily="replied">${entry.counts.replied}</td><td class="num">${replies[index]!.positive}</td><td class="num">${replies[index]!.negative}</td><td class="num">${replies[index]!.unsubscribe}</td><td class="num">${replies[index]!.outOfOffice}</td></tr>`,
  )
  return html`<div class="filters">${choices}</div>
<div class="grid"><div>${barChart({
    name: 'sent-bounced',
    title: `Emails sent and bounced per day, last ${days} days (UTC)`,
    days: labels,
    series: [
      { key: 'sent', label: 'sent', color: '#2f5fd0', values: daily.map((entry) => entry.counts.sent) },
      { key: 'bounced', label: 'bounced', color: '#c0392b', values: daily.map((entry) => entry.counts.bounced) },
    ],
  })}</div><div>${barChart({
    name: 'replies',
    title: `Replies per day by category, last ${days} days (UTC)`,
    days: labels,
    stacked: true,
    series: [
      { key: 'positive', label: 'positive', color: '#27ae60', values: replies.map((entry) => entry.positive) },
      { key: 'negative', label: 'negative', color: '#8e44ad', values: replies.map((entry) => entry.negative) },
      { key: 'unsubscribe', label: 'unsubscribe', color: '#e67e22', values: replies.map((entry) => entry.unsubscribe) },
      { key: 'other', label: 'other replies', color: '#95a5a6', values: replies.map((entry) => entry.other) },
      { key: 'out_of_office', label: 'out of office', color: '#f1c40f', values: replies.map((entry) => entry.outOfOffice) },
    ],
  })}</div></div>
<details><summary class="small muted">The numbers as a table</summary><table data-table="daily"><thead><tr><th>Day</th><th class="num">Sent</th><th class="num">Bounced</th><th class="num">Replied</th><th class="num">Positive</th><th class="num">Negative</th><th class="num">Unsubscribe</th><th class="num">Out of office</th></tr></thead><tbody>${rows}</tbody></table></details>`
}

async function leadsByState(context: PageContext, campaignId: string, counts: Partial<Record<string, number>>): Promise<SafeHtml> {
  const requested = context.url.searchParams.get('state')
  const state: LeadState | null = requested !== null && (leadStates as readonly string[]).includes(requested) ? (requested as LeadState) : null
  const after = context.url.searchParams.get('after') ?? undefined
  const leads = await context.client.listLeads({ campaignId, ...(state ? { states: [state] } : {}), limit: context.pageSize + 1, ...(after ? { after } : {}) })
  const shown = leads.slice(0, context.pageSize)
  const total = Object.values(counts).reduce<number>((sum, value) => sum + (value ?? 0), 0)
  const path = `/campaigns/${segment(campaignId)}`
  const chips = [
    html`<a href="${href(context, path)}"${state === null ? html` class="current"` : ''}>all <span data-lead-count="all">${formatCount(total)}</span></a>`,
    ...leadStates
      .filter((candidate) => (counts[candidate] ?? 0) > 0)
      .map((candidate) => html`<a href="${href(context, path, { state: candidate })}"${candidate === state ? html` class="current"` : ''}>${humanize(candidate)} <span data-lead-count="${candidate}">${formatCount(counts[candidate])}</span></a>`),
  ]
  const rows = shown.map(
    (lead) => html`<tr data-lead="${lead.id}"><td><a href="${href(context, `/leads/${segment(lead.id)}`)}">${lead.email}</a></td><td>${leadName(lead)}</td><td>${lead.company ?? ''}</td>
<td><span class="badge ${lead.state}">${humanize(lead.state)}</span></td><td class="small">${lead.stateReason ?? ''}</td><td class="num">${lead.nextStepIndex}</td><td class="small">${formatTime(lead.lastSentAt)}</td></tr>`,
  )
  return html`<div class="filters">${chips}</div>
<table data-table="leads"><thead><tr><th>Email</th><th>Name</th><th>Company</th><th>State</th><th>Why</th><th class="num">Steps sent</th><th>Last sent</th></tr></thead><tbody>${rows}</tbody></table>
${shown.length === 0 ? html`<p class="muted">No lead${state ? ` in state ${humanize(state)}` : ''}.</p>` : ''}
${pager(context, { next: leads.length > context.pageSize ? { after: shown.at(-1)!.id } : null, isFirstPage: after === undefined, keep: { state } })}`
}

/** One campaign: definition, funnel, rates against the pause rules, daily charts and its leads by state. */
export async function campaignPage(context: PageContext, campaignId: string): Promise<PageResult> {
  const campaign = await context.client.getCampaign(campaignId)
  if (!campaign) throw new HttpProblem(404, 'No such campaign.')
  const summary = await loadCampaignSummary(context, campaign)
  const { metrics } = summary
  const rates = ruleRates(summary)
  const lifetime = metrics.lifetime
  const body = html`<h1>${campaign.name} ${statusBadge(campaign)}</h1>
<div class="card"><div class="grid"><dl class="facts">
<dt>Sender</dt><dd>${campaign.sender.name ? `${campaign.sender.name} <${campaign.sender.email}>` : campaign.sender.email}</dd>
<dt>Steps</dt><dd>${campaign.steps.length}</dd><dt>Daily cap</dt><dd>${formatCount(campaign.dailyCap)}</dd>
<dt>Send window</dt><dd>${campaign.schedule.startTime}–${campaign.schedule.endTime} ${campaign.schedule.timezone}</dd>
<dt>Mailboxes</dt><dd>${campaign.mailboxes.length > 0 ? campaign.mailboxes.join(', ') : 'all of the worker’s'}</dd><dt>Created</dt><dd>${formatTime(campaign.createdAt)}</dd></dl>
<div>${campaignActions(context, campaign)}
<p class="small"><a href="${href(context, '/replies', { campaign: campaign.id })}">Replies of this campaign</a> · <a href="${href(context, '/in-doubt', { campaign: campaign.id })}">In-doubt emails</a> · <a href="${href(context, '/alerts', { campaign: campaign.id })}">Alerts</a></p></div></div></div>
<h2>Funnel</h2>${funnelBoxes(metrics)}
<h2>Rates</h2><div class="card"><table data-table="rates"><thead><tr><th>Rate</th><th class="num">Rule window / threshold</th><th class="num">Lifetime</th><th>Rule</th></tr></thead><tbody>${rates.map(
    (entry) => html`<tr><td>${entry.label}</td>${rateCell(entry)}<td class="num" data-lifetime-rate="${entry.metric}">${formatRate(lifetime.rates[entry.metric])}</td>
<td class="small muted">${entry.rule ? `pause above ${formatRate(entry.rule.threshold)} over ${entry.rule.windowDays} d, once ${entry.rule.minSample} sent` : 'no pause rule'}</td></tr>`,
  )}</tbody></table>
<p class="small muted">Lifetime: ${formatCount(lifetime.counts.sent)} sent, ${formatCount(lifetime.counts.bounced)} bounced (${formatCount(lifetime.counts.hardBounced)} hard), ${formatCount(lifetime.counts.complained)} complaints, ${formatCount(lifetime.counts.unsubscribed)} unsubscribes, ${formatCount(lifetime.counts.failed)} failed.</p></div>
<h2>Over time</h2><div class="card">${await dailyCharts(context, campaign.id)}</div>
<h2>Leads</h2><div class="card">${await leadsByState(context, campaign.id, metrics.leads)}</div>`
  return { title: campaign.name, section: 'campaigns', body }
}
