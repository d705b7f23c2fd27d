import { formatTime, humanize } from '../format.js'
import { html } from '../html.js'
import { href, pager, postForm, type PageContext, type PageResult } from '../page-context.js'

/** The suppression list: search, add with a reason, remove with a reason. */
export async function suppressionsPage(context: PageContext): Promise<PageResult> {
  const search = (context.url.searchParams.get('search') ?? '').trim().slice(0, 320)
  const after = context.url.searchParams.get('after') || null
  const found = await context.client.listSuppressions({ ...(search ? { search } : {}), limit: context.pageSize + 1, ...(after ? { after } : {}) })
  const entries = found.slice(0, context.pageSize)
  const more = found.length > context.pageSize
  const rows = entries.map(
    (entry) => html`<tr data-suppression="${entry.email}"><td>${entry.email}</td><td><span class="badge">${humanize(entry.reason)}</span></td><td class="small">${entry.source ?? ''}</td><td class="small">${formatTime(entry.createdAt)}</td>
<td>${postForm(context, '/suppressions/remove', {
      name: 'remove-suppression',
      fields: html`<input type="hidden" name="email" value="${entry.email}"><input type="text" name="reason" required maxlength="500" placeholder="why (required)" aria-label="reason for removing">`,
      buttons: html`<button type="submit" class="danger">Remove</button>`,
    })}</td></tr>`,
  )
  const body = html`<h1>Suppression list</h1>
<p class="muted">No campaign emails these addresses again (unsubscribes, hard bounces, complaints and manual entries).</p>
<div class="card"><form method="get" class="stack" action="${href(context, '/suppressions')}"><label>Search addresses<input type="search" name="search" value="${search}" maxlength="320" placeholder="part of an address"></label><button type="submit">Search</button></form></div>
${postForm(context, '/suppressions', {
  name: 'add-suppression',
  layout: 'stack',
  fields: html`<label>Address<input type="email" name="email" required maxlength="320"></label><label>Reason<input type="text" name="reason" required maxlength="500" placeholder="e.g. asked by phone"></label>`,
  buttons: html`<button type="submit" class="primary">Add to the list</button>`,
})}
<div class="card"><table data-table="suppressions"><thead><tr><th>Address</th><th>Reason</th><th>Source</th><th>Added</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${entries.length === 0 ? html`<p class="muted">${search ? 'No address matches.' : 'The list is empty.'}</p>` : ''}
${pager(context, { next: more ? { after: entries.at(-1)!.email } : null, isFirstPage: after === null, keep: { search } })}</div>`
  return { title: 'Suppressions', section: 'suppressions', body }
}
