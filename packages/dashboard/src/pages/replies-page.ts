import { replyCategories, type ReplyCategory } from '@cam/core'
import { humanize } from '../format.js'
import { html } from '../html.js'
import { href, pager, type PageContext, type PageResult } from '../page-context.js'
import { replyRows } from './reply-rows.js'

/** Processed replies, newest first, filtered by category and campaign, paged by `before` (the last id of the previous page). */
export async function repliesPage(context: PageContext): Promise<PageResult> {
  const query = context.url.searchParams
  const requested = query.get('category')
  const category = requested !== null && (replyCategories as readonly string[]).includes(requested) ? (requested as ReplyCategory) : null
  const campaignId = query.get('campaign') || null
  const before = query.get('before') || null
  const [messages, campaigns] = await Promise.all([
    context.client.listReplies({ ...(category ? { category } : {}), ...(campaignId ? { campaignId } : {}), limit: context.pageSize + 1, ...(before ? { before } : {}) }),
    context.client.listCampaigns(),
  ])
  const shown = messages.slice(0, context.pageSize)
  const chips = [
    html`<a href="${href(context, '/replies', { campaign: campaignId })}"${category === null ? html` class="current"` : ''}>all</a>`,
    ...replyCategories.map((candidate) => html`<a href="${href(context, '/replies', { category: candidate, campaign: campaignId })}"${candidate === category ? html` class="current"` : ''} data-filter="${candidate}">${humanize(candidate)}</a>`),
  ]
  const campaign = campaignId ? campaigns.find((candidate) => candidate.id === campaignId) : undefined
  const body = html`<h1>Replies${campaign ? html` <span class="muted">· ${campaign.name}</span>` : ''}</h1>
<div class="filters">${chips}</div>
${campaignId ? html`<p class="small"><a href="${href(context, '/replies', { category })}">Show every campaign</a></p>` : ''}
<div class="card">${shown.length > 0 ? await replyRows(context, shown, { showLead: true }) : html`<p class="muted">No reply${category ? ` classified ${humanize(category)}` : ''}.</p>`}
${pager(context, { next: messages.length > context.pageSize ? { before: shown.at(-1)!.id } : null, isFirstPage: before === null, keep: { category, campaign: campaignId }, nextLabel: 'Older' })}</div>
<p class="muted small">The text shown is what the prospect wrote now: CAM's reply extraction removes quoted history, “On … wrote:” headers and signatures. Reclassifying applies CAM's policy as if the classifier had said the new category (stop or resume the sequence, suppress, alert).</p>`
  return { title: 'Replies', section: 'replies', body }
}
