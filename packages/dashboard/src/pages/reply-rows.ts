import { overridableCategories, parseRawMessage, type InboundMessage, type Lead } from '@cam/core'
import { formatTime, humanize, truncate } from '../format.js'
import { html, type SafeHtml } from '../html.js'
import { href, postForm, segment, type PageContext } from '../page-context.js'

/** What a reply row shows of the raw message. */
export interface ReadMessage {
  from: string
  subject: string
  text: string
  problems: number
}

/** Sender, subject and the new text (quotes and signatures removed) of a stored raw message. */
export async function readMessage(message: InboundMessage): Promise<ReadMessage> {
  const parsed = await parseRawMessage(message.raw)
  const from = parsed.from ? (parsed.from.name ? `${parsed.from.name} <${parsed.from.address}>` : parsed.from.address) : ''
  const text = parsed.replyText.trim() || parsed.text.trim()
  return { from, subject: parsed.subject, text, problems: parsed.problems.length }
}

/** The leads of `messages`, fetched once each. */
async function leadsOf(context: PageContext, messages: readonly InboundMessage[]): Promise<Map<string, Lead>> {
  const ids = [...new Set(messages.map((message) => message.leadId).filter((id): id is string => id !== null))]
  const leads = await Promise.all(ids.map((id) => context.client.getLead(id)))
  return new Map(leads.filter((lead): lead is Lead => lead !== null).map((lead) => [lead.id, lead]))
}

function overrideForm(context: PageContext, message: InboundMessage): SafeHtml {
  const current = message.classification?.category ?? null
  return postForm(context, `/replies/${segment(message.id)}/classification`, {
    name: 'override-classification',
    fields: html`<select name="category" aria-label="new category">${overridableCategories.map(
      (category) => html`<option value="${category}"${category === current ? ' selected' : ''}>${humanize(category)}</option>`,
    )}</select><input type="text" name="reason" maxlength="500" placeholder="why (optional)" aria-label="reason">`,
    buttons: html`<button type="submit">Reclassify</button>`,
  })
}

/** A table of replies: text, category, confidence, the classifier's reason, the lead and the override form. */
export async function replyRows(context: PageContext, messages: readonly InboundMessage[], options: { showLead: boolean }): Promise<SafeHtml> {
  const [leads, read] = await Promise.all([leadsOf(context, messages), Promise.all(messages.map(readMessage))])
  const rows = messages.map((message, index) => {
    const lead = message.leadId ? leads.get(message.leadId) : undefined
    const classification = message.classification
    const content = read[index]!
    return html`<tr data-reply="${message.id}">
<td class="small">${formatTime(message.receivedAt)}</td>
${options.showLead ? html`<td>${lead ? html`<a href="${href(context, `/leads/${segment(lead.id)}`)}" data-thread-link>${lead.email}</a><div class="muted small">${[lead.firstName, lead.lastName].filter(Boolean).join(' ')}${lead.company ? ` · ${lead.company}` : ''}</div>` : html`<span class="muted">unmatched</span><div class="small muted">${content.from}</div>`}</td>` : ''}
<td><div class="small"><strong>${content.subject || '(no subject)'}</strong></div><div class="reply-text" data-reply-text>${truncate(content.text, 4000) || '(empty)'}</div>${message.note ? html`<div class="small muted">${message.note}</div>` : ''}</td>
<td>${classification ? html`<span class="badge ${classification.category}" data-category="${classification.category}">${humanize(classification.category)}</span>` : html`<span class="muted">—</span>`}</td>
<td class="num" data-confidence>${classification ? `${Math.round(classification.confidence * 100)}%` : ''}</td>
<td class="small">${classification?.reason ?? ''}${classification?.classifier ? html`<div class="muted">by ${classification.classifier}</div>` : ''}</td>
<td>${overrideForm(context, message)}</td></tr>`
  })
  return html`<table data-table="replies"><thead><tr><th>Received</th>${options.showLead ? html`<th>Lead</th>` : ''}<th>Reply</th><th>Category</th><th class="num">Confidence</th><th>Classifier’s reason</th><th>${context.actor.readOnly ? '' : 'Override'}</th></tr></thead><tbody>${rows}</tbody></table>`
}
