import { webhookDeliveryStatuses, type WebhookDeliveryStatus } from '@cam/core'
import { formatTime, truncate } from '../format.js'
import { html } from '../html.js'
import { href, pager, postForm, segment, type PageContext, type PageResult } from '../page-context.js'

/**
 * Outbound webhooks: the endpoints the workers registered (enable one that answered 410,
 * disable one by hand) and their deliveries by status — by default the dead letters, each
 * with its event, attempts and last error, and a replay button (same event, same
 * `webhook-id`, a fresh give-up time). Oldest first, paged by `after`.
 */
export async function webhooksPage(context: PageContext): Promise<PageResult> {
  const requested = context.url.searchParams.get('status')
  const status: WebhookDeliveryStatus = requested !== null && (webhookDeliveryStatuses as readonly string[]).includes(requested) ? (requested as WebhookDeliveryStatus) : 'dead'
  const after = context.url.searchParams.get('after') || null
  const [deliveries, endpoints] = await Promise.all([
    context.client.listWebhookDeliveries({ status, limit: context.pageSize + 1, ...(after ? { after } : {}) }),
    context.client.listWebhookEndpoints(),
  ])
  const shown = deliveries.slice(0, context.pageSize)
  const endpointRows = endpoints.map((endpoint) => {
    const path = `/webhooks/endpoints/${segment(endpoint.name)}`
    const action =
      endpoint.status === 'enabled'
        ? postForm(context, `${path}/disable`, { name: 'disable-endpoint', fields: html`<input type="text" name="reason" maxlength="500" placeholder="reason (optional)" aria-label="reason">`, buttons: html`<button type="submit" class="danger">Disable</button>` })
        : postForm(context, `${path}/enable`, { name: 'enable-endpoint', buttons: html`<button type="submit" class="primary">Enable</button>` })
    return html`<tr data-endpoint="${endpoint.name}"><td><strong>${endpoint.name}</strong><div class="small muted">${endpoint.url}</div></td>
<td class="small">${endpoint.events === '*' ? 'every event' : endpoint.events.join(', ')}</td>
<td><span class="badge ${endpoint.status === 'enabled' ? 'ok' : 'bad'}">${endpoint.status}</span>${endpoint.statusReason ? html`<div class="small muted">${endpoint.statusReason}</div>` : ''}</td><td>${action}</td></tr>`
  })
  const chips = webhookDeliveryStatuses.map(
    (candidate) => html`<a href="${href(context, '/webhooks', { status: candidate })}"${candidate === status ? html` class="current"` : ''} data-filter="${candidate}">${candidate === 'dead' ? 'dead letters' : candidate}</a>`,
  )
  const rows = shown.map(({ delivery, event }) => {
    return html`<tr data-webhook-delivery="${delivery.id}"><td class="small">${formatTime(event.occurredAt)}</td><td><code>${event.type}</code><div class="small muted">${event.id}</div></td>
<td>${delivery.endpoint}</td><td class="small">${event.leadId ? html`<a href="${href(context, `/leads/${segment(event.leadId)}`)}">lead</a>` : ''}${event.campaignId ? html` <a href="${href(context, `/campaigns/${segment(event.campaignId)}`)}">campaign</a>` : ''}</td>
<td class="num">${delivery.attempts}</td><td class="small">${truncate(delivery.lastError ?? '', 300)}</td>
<td class="small">${delivery.status === 'dead' ? `dead ${formatTime(delivery.deadAt)}` : delivery.status === 'delivered' ? `delivered ${formatTime(delivery.deliveredAt)}` : `next ${formatTime(delivery.nextAttemptAt)}`}</td>
<td>${delivery.status === 'dead' ? postForm(context, `/webhooks/deliveries/${segment(delivery.id)}/replay`, { name: 'replay-delivery', buttons: html`<button type="submit">Replay</button>` }) : ''}</td></tr>`
  })
  const body = html`<h1>Webhooks</h1>
<h2>Endpoints</h2><div class="card"><table data-table="webhook-endpoints"><thead><tr><th>Endpoint</th><th>Events</th><th>Status</th><th></th></tr></thead><tbody>${endpointRows}</tbody></table>
${endpoints.length === 0 ? html`<p class="muted">No endpoint: give the worker a <code>webhooks</code> option.</p>` : ''}</div>
<h2>Deliveries</h2><div class="filters">${chips}</div>
<div class="card"><table data-table="webhook-deliveries"><thead><tr><th>Occurred</th><th>Event</th><th>Endpoint</th><th>About</th><th class="num">Attempts</th><th>Last error</th><th>State</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${shown.length === 0 ? html`<p class="muted">${status === 'dead' ? 'No dead letter.' : `No ${status} delivery.`}</p>` : ''}
${pager(context, { next: deliveries.length > context.pageSize ? { after: shown.at(-1)!.delivery.id } : null, isFirstPage: after === null, keep: { status } })}</div>
<p class="muted small">A dead letter kept failing longer than its endpoint's give-up time. Replaying sends the same event under the same <code>webhook-id</code> (receivers dedupe by it), due now, with a fresh give-up time.</p>`
  return { title: 'Webhooks', section: 'webhooks', body }
}
