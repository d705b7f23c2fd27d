import type { PageContext, PageResult } from './page-context.js'
import { alertsPage } from './pages/alerts-page.js'
import { campaignPage } from './pages/campaign-page.js'
import { campaignsPage } from './pages/campaigns-page.js'
import { inDoubtPage } from './pages/in-doubt-page.js'
import { leadPage } from './pages/lead-page.js'
import { mailboxesPage } from './pages/mailboxes-page.js'
import { quarantinePage } from './pages/quarantine-page.js'
import { repliesPage } from './pages/replies-page.js'
import { suppressionsPage } from './pages/suppressions-page.js'
import { webhooksPage } from './pages/webhooks-page.js'
import { workersPage } from './pages/workers-page.js'

/** A page: rendered for GET and HEAD. */
export type Page = (context: PageContext, params: string[]) => Promise<PageResult>

// One path segment: anything but a slash (decoded, at most 320 characters, no control character).
const id = '([^/]+)'

/** GET pages, by path under the base path. */
export const pageRoutes: Array<{ pattern: RegExp; page: Page }> = [
  { pattern: /^\/$/, page: (context) => campaignsPage(context) },
  { pattern: new RegExp(`^/campaigns/${id}$`), page: (context, [campaignId]) => campaignPage(context, campaignId!) },
  { pattern: new RegExp(`^/leads/${id}$`), page: (context, [leadId]) => leadPage(context, leadId!) },
  { pattern: /^\/replies$/, page: (context) => repliesPage(context) },
  { pattern: /^\/alerts$/, page: (context) => alertsPage(context) },
  { pattern: /^\/in-doubt$/, page: (context) => inDoubtPage(context) },
  { pattern: /^\/quarantine$/, page: (context) => quarantinePage(context) },
  { pattern: /^\/suppressions$/, page: (context) => suppressionsPage(context) },
  { pattern: /^\/mailboxes$/, page: (context) => mailboxesPage(context) },
  { pattern: /^\/workers$/, page: (context) => workersPage(context) },
  { pattern: /^\/webhooks$/, page: (context) => webhooksPage(context) },
]

/** POST actions, by path under the base path → key in `actions.ts`. */
export const actionRoutes: Array<{ pattern: RegExp; action: string }> = [
  { pattern: new RegExp(`^/campaigns/${id}/pause$`), action: 'campaign.pause' },
  { pattern: new RegExp(`^/campaigns/${id}/resume$`), action: 'campaign.resume' },
  { pattern: new RegExp(`^/campaigns/${id}/start$`), action: 'campaign.start' },
  { pattern: new RegExp(`^/in-doubt/${id}/resolve$`), action: 'email.resolve' },
  { pattern: new RegExp(`^/quarantine/${id}/retry$`), action: 'message.retry' },
  { pattern: new RegExp(`^/replies/${id}/classification$`), action: 'reply.reclassify' },
  { pattern: /^\/suppressions$/, action: 'suppression.add' },
  { pattern: /^\/suppressions\/remove$/, action: 'suppression.remove' },
  { pattern: new RegExp(`^/mailboxes/${id}/pause$`), action: 'mailbox.pause' },
  { pattern: new RegExp(`^/mailboxes/${id}/resume$`), action: 'mailbox.resume' },
  { pattern: new RegExp(`^/webhooks/deliveries/${id}/replay$`), action: 'webhook.replay' },
  { pattern: new RegExp(`^/webhooks/endpoints/${id}/enable$`), action: 'webhook-endpoint.enable' },
  { pattern: new RegExp(`^/webhooks/endpoints/${id}/disable$`), action: 'webhook-endpoint.disable' },
]

/** Decoded path parameters, or null when one is malformed, too long or holds a control character. */
export function decodeParams(match: RegExpExecArray): string[] | null {
  const params: string[] = []
  for (const encoded of match.slice(1)) {
    let value: string
    try {
      value = decodeURIComponent(encoded ?? '')
    } catch {
      return null
    }
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (value.length === 0 || value.length > 320 || /[\u0000-\u001f\u007f]/.test(value)) return null
    params.push(value)
  }
  return params
}
