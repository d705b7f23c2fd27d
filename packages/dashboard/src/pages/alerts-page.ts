import type { Alert, AlertDelivery } from '@cam/core'
import { formatTime, humanize, truncate } from '../format.js'
import { html, type SafeHtml } from '../html.js'
import { href, pager, segment, type PageContext, type PageResult } from '../page-context.js'

function deliveryList(deliveries: readonly AlertDelivery[]): SafeHtml {
  if (deliveries.length === 0) return html`<span class="muted small">no channel</span>`
  return html`<ul class="small" data-deliveries>${deliveries.map(
    (delivery) => html`<li data-channel="${delivery.channel}"><strong>${delivery.channel}</strong> <span class="badge ${delivery.status}">${delivery.status}</span>
${delivery.status === 'delivered' ? formatTime(delivery.deliveredAt) : `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}, next ${formatTime(delivery.nextAttemptAt)}`}${delivery.lastError ? html`<div class="muted">${truncate(delivery.lastError, 300)}</div>` : ''}</li>`,
  )}</ul>`
}

/**
 * Alerts (positive replies, paused campaigns and mailboxes, in-doubt emails), newest first,
 * each with its delivery per channel: delivered when, or attempts, next try and last error.
 */
export async function alertsPage(context: PageContext): Promise<PageResult> {
  const campaignId = context.url.searchParams.get('campaign') || null
  const before = context.url.searchParams.get('before') || null
  // One page and one more, to know whether there is a next page.
  const alerts = await context.client.listAlerts({ ...(campaignId ? { campaignId } : {}), newestFirst: true, limit: context.pageSize + 1, ...(before ? { after: before } : {}) })
  const shown = alerts.slice(0, context.pageSize)
  const deliveries = await Promise.all(shown.map((alert) => context.client.listAlertDeliveries({ alertId: alert.id })))
  const rows = shown.map(
    (alert: Alert, index) => html`<tr data-alert="${alert.id}"><td class="small">${formatTime(alert.createdAt)}</td><td><span class="badge">${humanize(alert.kind)}</span>${alert.category ? html` <span class="badge ${alert.category}">${humanize(alert.category)}</span>` : ''}</td>
<td><strong>${alert.title}</strong>${alert.excerpt ? html`<div class="reply-text">${truncate(alert.excerpt, 600)}</div>` : ''}${alert.reason ? html`<div class="small muted">${alert.reason}</div>` : ''}</td>
<td class="small">${alert.campaignId ? html`<a href="${href(context, `/campaigns/${segment(alert.campaignId)}`)}">${alert.campaignName ?? alert.campaignId}</a>` : ''}${alert.leadId ? html`<div><a href="${href(context, `/leads/${segment(alert.leadId)}`)}">${alert.leadEmail ?? alert.leadId}</a></div>` : ''}</td>
<td>${deliveryList(deliveries[index]!)}</td></tr>`,
  )
  const body = html`<h1>Alerts</h1>
${campaignId ? html`<p class="small"><a href="${href(context, '/alerts')}">Show every campaign</a></p>` : ''}
<div class="card"><table data-table="alerts"><thead><tr><th>Raised</th><th>Kind</th><th>Alert</th><th>About</th><th>Delivery per channel</th></tr></thead><tbody>${rows}</tbody></table>
${shown.length === 0 ? html`<p class="muted">No alert.</p>` : ''}
${pager(context, { next: alerts.length > context.pageSize ? { before: shown.at(-1)!.id } : null, isFirstPage: before === null, keep: { campaign: campaignId }, nextLabel: 'Older' })}</div>`
  return { title: 'Alerts', section: 'alerts', body }
}
