import { html, type SafeHtml } from './html.js'
import { href, type PageContext, type PageResult } from './page-context.js'
import { stylesheetFileName } from './stylesheet.js'

/** Messages shown after an action (the redirect carries a code, never free text). */
export const notices = {
  'campaign-paused': 'Campaign paused.',
  'campaign-resumed': 'Campaign resumed.',
  'campaign-started': 'Campaign started.',
  'email-resolved-sent': 'Marked as sent: the sequence continues.',
  'email-resolved-resend': 'Queued to be sent again (same idempotency key).',
  'email-resolved-cancel': 'Email cancelled.',
  'message-retried': 'Message put back in the queue.',
  'reply-reclassified': 'Classification changed; CAM applied its policy for the new category.',
  'suppression-added': 'Address added to the suppression list.',
  'suppression-exists': 'The address was already on the suppression list.',
  'suppression-removed': 'Address removed from the suppression list.',
  'suppression-absent': 'The address was not on the suppression list.',
  'mailbox-paused': 'Mailbox paused.',
  'mailbox-resumed': 'Mailbox resumed.',
  'webhook-replayed': 'Delivery queued again: same event, same webhook-id, due now.',
  'webhook-endpoint-enabled': 'Endpoint enabled: its waiting deliveries resume.',
  'webhook-endpoint-disabled': 'Endpoint disabled: its deliveries wait until it is enabled again.',
} as const

/** Code of a message in {@link notices}. */
export type NoticeCode = keyof typeof notices

function navigation(): Array<{ section: string; label: string; path: string }> {
  return [
    { section: 'campaigns', label: 'Campaigns', path: '/' },
    { section: 'replies', label: 'Replies', path: '/replies' },
    { section: 'alerts', label: 'Alerts', path: '/alerts' },
    { section: 'in-doubt', label: 'In doubt', path: '/in-doubt' },
    { section: 'quarantine', label: 'Quarantine', path: '/quarantine' },
    { section: 'suppressions', label: 'Suppressions', path: '/suppressions' },
    { section: 'mailboxes', label: 'Mailboxes', path: '/mailboxes' },
    { section: 'workers', label: 'Workers', path: '/workers' },
    { section: 'webhooks', label: 'Webhooks', path: '/webhooks' },
  ]
}

/** The whole document around a page: head (stylesheet only, no script), navigation, notice, body. */
export function renderDocument(context: PageContext, page: PageResult, extra: { error?: string | undefined } = {}): SafeHtml {
  const code = context.url.searchParams.get('notice')
  const notice = code !== null && Object.hasOwn(notices, code) ? notices[code as NoticeCode] : null
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><link rel="icon" href="data:,"><title>${page.title} · CAM</title>
<link rel="stylesheet" href="${href(context, `/assets/${stylesheetFileName}`)}"></head>
<body><header class="top"><a class="brand" href="${href(context, '/')}">CAM</a><nav>${navigation().map(
    (item) => html`<a href="${href(context, item.path)}"${item.section === page.section ? html` class="current" aria-current="page"` : ''}>${item.label}</a>`,
  )}</nav><span class="actor">${context.actor.actor}${context.actor.readOnly ? ' (read only)' : ''}</span></header>
<main>${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}${extra.error ? html`<p class="error" role="alert">${extra.error}</p>` : ''}${page.body}</main></body></html>`
}

/** A minimal document for answers without a signed-in actor (401, errors before auth). */
export function renderBareDocument(basePath: string, title: string, message: string): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title} · CAM</title>
<link rel="stylesheet" href="${href({ basePath }, `/assets/${stylesheetFileName}`)}"></head>
<body><main><h1>${title}</h1><p>${message}</p></main></body></html>`
}
