import { formatCount, formatRate, formatTime } from '../format.js'
import { html } from '../html.js'
import { postForm, segment, type PageContext, type PageResult } from '../page-context.js'

/** The sending pool: usage against today's limit, ramp-up, the rates its health rules watch, pause/resume. */
export async function mailboxesPage(context: PageContext): Promise<PageResult> {
  const mailboxes = await context.client.listMailboxes()
  const rows = mailboxes.map((mailbox) => {
    const path = `/mailboxes/${segment(mailbox.name)}`
    const action =
      mailbox.status === 'active'
        ? postForm(context, `${path}/pause`, { name: 'pause-mailbox', fields: html`<input type="text" name="reason" maxlength="500" placeholder="reason (optional)" aria-label="reason">`, buttons: html`<button type="submit" class="danger">Pause</button>` })
        : postForm(context, `${path}/resume`, { name: 'resume-mailbox', buttons: html`<button type="submit" class="primary">Resume</button>` })
    return html`<tr data-mailbox="${mailbox.name}"><td><strong>${mailbox.name}</strong><div class="small muted">${mailbox.address}</div></td>
<td><span class="badge ${mailbox.status}">${mailbox.status}</span>${mailbox.statusReason ? html`<div class="small muted">${mailbox.statusReason}</div>` : ''}</td>
<td class="num"><span data-mailbox-metric="sentOnDay">${formatCount(mailbox.sentOnDay)}</span> / ${formatCount(mailbox.limitToday)}</td><td class="num">${mailbox.rampDay}</td>
<td class="num">${formatRate(mailbox.window.rates.bounceRate)}</td><td class="num">${formatRate(mailbox.window.rates.complaintRate)}</td><td class="num">${formatRate(mailbox.window.rates.blockRate)}</td>
<td class="num" data-mailbox-metric="lifetime.sent">${formatCount(mailbox.lifetime.counts.sent)}</td><td class="small">${formatTime(mailbox.lastSentAt)}</td><td>${action}</td></tr>`
  })
  const body = html`<h1>Mailboxes</h1>
<div class="card"><table data-table="mailboxes"><thead><tr><th>Mailbox</th><th>Status</th><th class="num">Sent today / limit</th><th class="num">Ramp day</th><th class="num">Bounce rate (7 d)</th><th class="num">Complaint rate (7 d)</th><th class="num">Block rate (7 d)</th><th class="num">Sent, lifetime</th><th>Last sent</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${mailboxes.length === 0 ? html`<p class="muted">No sending pool: the workers send through a single sender.</p>` : ''}</div>
<p class="muted small">Pausing a mailbox moves its new leads to the others; its threads wait for it. Today is the UTC day.</p>`
  return { title: 'Mailboxes', section: 'mailboxes', body }
}
