import type { Campaign } from '../../domain/campaign.js'
import type { Lead } from '../../domain/lead.js'
import type { OutboundEmail } from '../../domain/outbound-email.js'
import { sanitizeText, toSingleLine } from '../../domain/plain-text.js'
import type { OutgoingEmail } from '../../ports/sender-v1.js'
import { compileCampaignTemplates, renderStep, templateContext, type CompiledCampaignTemplates } from '../../templates/campaign-templates.js'
import { createUnsubscribeToken } from '../../unsubscribe/unsubscribe-token.js'
import type { WorkerConfig } from '../worker-config.js'

/** Subject of a threaded follow-up: `Re: <first subject>` (never `Re: Re: …`), on one line. */
export function replySubject(subject: string): string {
  const line = toSingleLine(subject)
  return /^re:/i.test(line) ? line : `Re: ${line}`
}

/** The unsubscribe URL of a lead, when unsubscribe links are configured. */
export function unsubscribeUrl(config: WorkerConfig, lead: Pick<Lead, 'id' | 'emailNormalized'>): string | undefined {
  if (!config.unsubscribe) return undefined
  const token = createUnsubscribeToken({ leadId: lead.id, email: lead.emailNormalized }, config.unsubscribe.secret)
  const url = new URL(config.unsubscribe.url)
  url.searchParams.set('token', token)
  return url.toString()
}

/**
 * Renders an outbound email for its lead: subject (`Re:` for follow-ups without one),
 * bodies, threading headers and RFC 8058 one-click unsubscribe headers.
 * Throws a `ValidationError` when a required template variable is missing.
 *
 * Everything that becomes a header is one line without control characters
 * (`toSingleLine`): the subject (a template may render a line break), the display names and
 * the extra header values; bodies lose control characters but keep their lines. Addresses
 * are passed as stored: they were validated when added, and a sender refuses a bad one.
 * `compiled`: the campaign's parsed templates, when the caller already has them.
 */
export function composeEmail(
  outbound: OutboundEmail,
  lead: Lead,
  campaign: Campaign,
  config: WorkerConfig,
  compiled: CompiledCampaignTemplates = compileCampaignTemplates(campaign.steps),
): OutgoingEmail {
  const link = unsubscribeUrl(config, lead)
  const rendered = renderStep(compiled, outbound.stepIndex, templateContext(lead, campaign, link ? { unsubscribeUrl: link } : {}))
  let subject = rendered.subject === null ? null : toSingleLine(rendered.subject)
  if (subject === null) {
    const first = lead.threadSubject ?? renderStep(compiled, 0, templateContext(lead, campaign)).subject ?? ''
    subject = replySubject(first)
  }
  const headers: Record<string, string> = {}
  if (link && config.unsubscribe) {
    headers['List-Unsubscribe'] = config.unsubscribe.mailto ? `<${link}>, <mailto:${config.unsubscribe.mailto}?subject=unsubscribe>` : `<${link}>`
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  for (const [name, value] of Object.entries(headers)) headers[name] = toSingleLine(value)
  const fromName = toSingleLine(campaign.sender.name ?? '')
  const toName = toSingleLine([lead.firstName, lead.lastName].filter(Boolean).join(' '))
  return {
    from: { email: campaign.sender.email, ...(fromName ? { name: fromName } : {}) },
    to: { email: lead.email, ...(toName ? { name: toName } : {}) },
    ...(campaign.sender.replyTo ? { replyTo: campaign.sender.replyTo } : {}),
    subject,
    text: sanitizeText(rendered.text),
    ...(rendered.html !== null ? { html: sanitizeText(rendered.html) } : {}),
    messageId: outbound.messageId,
    ...(outbound.inReplyTo ? { inReplyTo: outbound.inReplyTo } : {}),
    references: [...outbound.references],
    headers,
    tags: { campaignId: campaign.id, leadId: lead.id, emailId: outbound.id, stepIndex: outbound.stepIndex },
  }
}
