import { formatTime, truncate } from '../format.js'
import { html } from '../html.js'
import { pager, postForm, segment, type PageContext, type PageResult } from '../page-context.js'
import { readMessage } from './reply-rows.js'

/** Messages whose processing kept failing, set aside so the rest flow; each can be put back in the queue. */
export async function quarantinePage(context: PageContext): Promise<PageResult> {
  const after = context.url.searchParams.get('after') || null
  const messages = await context.client.listQuarantinedMessages({ limit: context.pageSize + 1, ...(after ? { after } : {}) })
  const shown = messages.slice(0, context.pageSize)
  const read = await Promise.all(shown.map(readMessage))
  const rows = shown.map((message, index) => {
    const content = read[index]!
    return html`<tr data-quarantined="${message.id}"><td class="small">${formatTime(message.receivedAt)}</td><td class="small">${message.inbox}<div class="muted">${message.sourceKey}</div></td>
<td><div class="small">${content.from}</div><strong class="small">${content.subject || '(no subject)'}</strong><div class="reply-text">${truncate(content.text, 800)}</div></td>
<td class="num">${message.failures}</td><td class="small">${truncate(message.lastError ?? '', 500)}</td>
<td>${postForm(context, `/quarantine/${segment(message.id)}/retry`, { name: 'retry-message', buttons: html`<button type="submit">Retry</button>` })}</td></tr>`
  })
  const body = html`<h1>Quarantined messages</h1>
<p class="muted">Processing these failed again and again (a bug, or a message nothing can read). They are set aside so the others flow; retry one after a fix and it goes back in the queue with a fresh budget of attempts.</p>
<div class="card"><table data-table="quarantine"><thead><tr><th>Received</th><th>Inbox</th><th>Message</th><th class="num">Failures</th><th>Last error</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${shown.length === 0 ? html`<p class="muted">Nothing quarantined.</p>` : ''}
${pager(context, { next: messages.length > context.pageSize ? { after: shown.at(-1)!.id } : null, isFirstPage: after === null })}</div>`
  return { title: 'Quarantine', section: 'quarantine', body }
}
