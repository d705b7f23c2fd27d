import { html } from '../html.js'
import { href, pager, segment, type PageContext, type PageResult } from '../page-context.js'
import { campaignActions, funnelCells, funnelStages, loadCampaignSummary, rateCell, ruleRates, statusBadge } from './campaign-summary.js'

const statusOrder = { active: 0, paused: 1, draft: 2, completed: 3 } as const

/**
 * Every campaign: status, funnel, the rates the pause rules watch next to their thresholds,
 * and pause/resume. Campaigns are few (tens), so the store returns them all; the page shows
 * `pageSize` of them at a time, by keyset on the id (`after`), and computes metrics only for those.
 */
export async function campaignsPage(context: PageContext): Promise<PageResult> {
  const after = context.url.searchParams.get('after')
  const all = (await context.client.listCampaigns()).sort((a, b) => statusOrder[a.status] - statusOrder[b.status] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  const start = after === null ? 0 : all.findIndex((campaign) => campaign.id === after) + 1
  const shown = all.slice(start, start + context.pageSize)
  const summaries = await Promise.all(shown.map((campaign) => loadCampaignSummary(context, campaign)))
  const hasMore = start + context.pageSize < all.length
  const rows = summaries.map((summary) => {
    const rates = ruleRates(summary).slice(0, 3)
    return html`<tr data-campaign="${summary.campaign.id}">
<td><a href="${href(context, `/campaigns/${segment(summary.campaign.id)}`)}">${summary.campaign.name}</a></td>
<td>${statusBadge(summary.campaign)}</td>${funnelCells(summary.metrics)}${rates.map(rateCell)}
<td>${campaignActions(context, summary.campaign)}</td></tr>`
  })
  const body = html`<h1>Campaigns</h1>
<div class="card">${
    all.length === 0
      ? html`<p class="muted">No campaign yet. Create one with <code>client.createCampaign(…)</code>.</p>`
      : html`<table data-table="campaigns"><thead><tr><th>Campaign</th><th>Status</th>${funnelStages.map((stage) => html`<th class="num" title="${stage.help}">${stage.label}</th>`)}
<th class="num" title="last 7 days (or the rule's window) against the pause threshold">Bounce rate</th><th class="num">Complaint rate</th><th class="num">Unsubscribe rate</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>`
  }
${pager(context, { next: hasMore ? { after: shown.at(-1)!.id } : null, isFirstPage: after === null })}</div>
<p class="muted small">Rates are over each pause rule's window (7 days by default) and turn red when above a rule's threshold on at least its minimum sample; the decide step pauses the campaign once the rate is above it with 95% confidence.</p>`
  return { title: 'Campaigns', section: 'campaigns', body }
}
