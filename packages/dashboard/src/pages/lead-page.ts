import { formatTime, humanize } from '../format.js'
import { html } from '../html.js'
import { HttpProblem } from '../http-problem.js'
import { href, segment, type PageContext, type PageResult } from '../page-context.js'
import { replyRows } from './reply-rows.js'

/** One lead and its thread: our emails, step by step, and the prospect's replies where the client can list them. */
export async function leadPage(context: PageContext, leadId: string): Promise<PageResult> {
  const lead = await context.client.getLead(leadId)
  if (!lead) throw new HttpProblem(404, 'No such lead.')
  const [campaign, emails] = await Promise.all([context.client.getCampaign(lead.campaignId), context.client.listLeadEmails(lead.id)])
  // The lead's replies, newest first.
  const replies = await context.client.listReplies({ leadId: lead.id, limit: context.pageSize })
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ')
  const emailRows = emails
    .sort((a, b) => a.stepIndex - b.stepIndex)
    .map(
      (email) => html`<tr data-email="${email.id}"><td class="num">${email.stepIndex + 1}</td><td><span class="badge ${email.status}">${humanize(email.status)}</span></td><td>${email.subject ?? ''}</td>
<td class="small">${email.status === 'sent' ? formatTime(email.sentAt) : `scheduled ${formatTime(email.scheduledAt)}`}</td><td class="small">${email.mailbox ?? ''}</td><td class="small">${email.lastError ?? ''}</td><td class="small muted">${email.messageId}</td></tr>`,
    )
  const body = html`<h1>${name || lead.email} <span class="badge ${lead.state}">${humanize(lead.state)}</span></h1>
<div class="card"><dl class="facts"><dt>Email</dt><dd>${lead.email}</dd><dt>Company</dt><dd>${lead.company ?? '—'}</dd>
<dt>Campaign</dt><dd>${campaign ? html`<a href="${href(context, `/campaigns/${segment(campaign.id)}`)}">${campaign.name}</a>` : lead.campaignId}</dd>
<dt>State</dt><dd>${humanize(lead.state)}${lead.stateReason ? html` <span class="muted">— ${lead.stateReason}</span>` : ''}</dd>
<dt>Next step</dt><dd>${lead.nextStepIndex + 1}${lead.resumeAt ? html` <span class="muted">(resumes ${formatTime(lead.resumeAt)})</span>` : ''}</dd>
<dt>Last sent</dt><dd>${formatTime(lead.lastSentAt)}</dd></dl></div>
<h2>Our emails</h2><div class="card"><table data-table="thread-emails"><thead><tr><th class="num">Step</th><th>Status</th><th>Subject</th><th>When</th><th>Mailbox</th><th>Last error</th><th>Message-ID</th></tr></thead><tbody>${emailRows}</tbody></table>
${emails.length === 0 ? html`<p class="muted">Nothing scheduled yet.</p>` : ''}</div>
<h2>Replies</h2><div class="card">${replies.length > 0 ? await replyRows(context, replies, { showLead: false }) : html`<p class="muted">No reply from this lead among the campaign's latest 1,000.</p>`}</div>`
  return { title: name || lead.email, section: 'campaigns', body }
}
