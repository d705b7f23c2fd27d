import type { Lead } from '@cam/core'
import { formatTime, truncate } from '../format.js'
import { html } from '../html.js'
import { href, pager, postForm, segment, type PageContext, type PageResult } from '../page-context.js'

/**
 * Emails a worker lost track of while a non-idempotent sender had them (it may or may not
 * have gone out): CAM never resends them by itself. A person decides — it went out (the
 * sequence continues), send it again (same idempotency key), or cancel it.
 */
export async function inDoubtPage(context: PageContext): Promise<PageResult> {
  const campaignId = context.url.searchParams.get('campaign') || null
  const after = context.url.searchParams.get('after') || null
  const [emails, campaigns] = await Promise.all([context.client.listInDoubtEmails(campaignId ?? undefined), context.client.listCampaigns()])
  emails.sort((a, b) => a.id.localeCompare(b.id))
  const start = after === null ? 0 : emails.findIndex((email) => email.id > after)
  const shown = start < 0 ? [] : emails.slice(start, start + context.pageSize)
  const leads = new Map<string, Lead>()
  for (const lead of await Promise.all([...new Set(shown.map((email) => email.leadId))].map((id) => context.client.getLead(id)))) if (lead) leads.set(lead.id, lead)
  const campaignNames = new Map(campaigns.map((campaign) => [campaign.id, campaign.name]))
  const rows = shown.map((email) => {
    const lead = leads.get(email.leadId)
    return html`<tr data-in-doubt="${email.id}"><td>${lead ? html`<a href="${href(context, `/leads/${segment(lead.id)}`)}">${lead.email}</a>` : email.leadId}</td>
<td><a href="${href(context, `/campaigns/${segment(email.campaignId)}`)}">${campaignNames.get(email.campaignId) ?? email.campaignId}</a></td><td class="num">${email.stepIndex + 1}</td>
<td class="small">${email.mailbox ?? ''}</td><td class="small">${formatTime(email.updatedAt)}</td><td class="small">${truncate(email.lastError ?? '', 300)}</td>
<td>${postForm(context, `/in-doubt/${segment(email.id)}/resolve`, {
      name: 'resolve-in-doubt',
      buttons: html`<button type="submit" name="resolution" value="sent" title="It did go out: record it as sent, the sequence continues">It was sent</button>
<button type="submit" name="resolution" value="resend" title="Queue it again with the same idempotency key">Send again</button>
<button type="submit" name="resolution" value="cancel" class="danger" title="Do not send it">Cancel</button>`,
    })}</td></tr>`
  })
  const body = html`<h1>In-doubt emails</h1>
<p class="muted">A worker stopped while a sender that cannot dedupe was sending these; they may have gone out. CAM never resends them on its own. Check the mailbox's Sent folder or the provider's log, then decide.</p>
<div class="card"><table data-table="in-doubt"><thead><tr><th>Lead</th><th>Campaign</th><th class="num">Step</th><th>Mailbox</th><th>Since</th><th>Last error</th><th>Resolve</th></tr></thead><tbody>${rows}</tbody></table>
${shown.length === 0 ? html`<p class="muted">Nothing in doubt.</p>` : ''}
${pager(context, { next: start >= 0 && start + context.pageSize < emails.length ? { after: shown.at(-1)!.id } : null, isFirstPage: after === null, keep: { campaign: campaignId } })}</div>`
  return { title: 'In-doubt emails', section: 'in-doubt', body }
}
