import { AlertDeliveryError, type Alert, type AlertChannel, type AlertDeliveryOptions } from '@cam/core'

/** Options of {@link createTeamsAlerts}. */
export interface TeamsAlertsOptions {
  /** The incoming webhook URL (a secret: it is never put in errors or logs). */
  webhookUrl: string
  /** Channel name for CAM's delivery bookkeeping (default `teams`). */
  name?: string
  /** Link back to the host app for a lead, e.g. `(alert) => https://crm.example/leads/${alert.leadId}`. */
  link?: (alert: Alert) => string | null
  /** Request timeout (default 10 s). */
  timeoutMs?: number
}

/** Longest reply excerpt put in a card (Teams rejects payloads over ~28 KB). */
const excerptLimit = 2_000

/**
 * Escapes text for a MessageCard field, which Teams renders as HTML plus Markdown:
 * HTML special characters become entities, and Markdown link brackets become entities
 * too, so an attacker cannot disguise a link (`[Approve](https://evil)`).
 */
export function escapeCardText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\[/g, '&#91;')
    .replace(/\]/g, '&#93;')
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text
}

/** Builds the MessageCard for an alert; every attacker-controlled field is escaped. */
export function teamsCard(alert: Alert, link: string | null): Record<string, unknown> {
  const facts = [
    alert.campaignName ? { name: 'Campaign', value: escapeCardText(alert.campaignName) } : null,
    alert.leadEmail ? { name: 'Lead', value: escapeCardText(alert.leadName ? `${alert.leadName} <${alert.leadEmail}>` : alert.leadEmail) } : null,
    alert.subject ? { name: 'Subject', value: escapeCardText(alert.subject) } : null,
    alert.reason ? { name: 'Why', value: escapeCardText(alert.reason) } : null,
  ].filter((fact) => fact !== null)
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: escapeCardText(cut(alert.title, 200)),
    themeColor: alert.kind === 'campaign_paused' || alert.kind === 'mailbox_paused' ? 'D83B01' : '0076D7',
    title: escapeCardText(cut(alert.title, 300)),
    sections: [{ facts, ...(alert.excerpt ? { text: escapeCardText(cut(alert.excerpt, excerptLimit)) } : {}) }],
    ...(link ? { potentialAction: [{ '@type': 'OpenUri', name: 'Open in the app', targets: [{ os: 'default', uri: link }] }] } : {}),
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/**
 * A CAM `AlertChannel` for a Microsoft Teams-style incoming webhook, written only
 * against the published `@cam/core` port. Resolves once the webhook answered 2xx;
 * 429 → retry after `Retry-After`; 400/403/404/410 → permanent (the webhook is gone
 * or misconfigured); anything else → retry with backoff.
 */
export function createTeamsAlerts(options: TeamsAlertsOptions): AlertChannel {
  let url: URL
  try {
    url = new URL(options.webhookUrl)
  } catch {
    throw new TypeError('webhookUrl: expected an https URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname))) {
    throw new TypeError('webhookUrl: expected an https URL')
  }
  const timeoutMs = options.timeoutMs ?? 10_000
  return {
    name: options.name ?? 'teams',
    async deliver(alert: Alert, deliveryOptions: AlertDeliveryOptions) {
      const link = options.link?.(alert) ?? null
      const safeLink = link && /^https?:\/\//.test(link) ? link : null
      let response: Response
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': deliveryOptions.idempotencyKey },
          body: JSON.stringify(teamsCard(alert, safeLink)),
          signal: deliveryOptions.signal ? AbortSignal.any([deliveryOptions.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        // The URL is a secret: name the host only.
        throw new AlertDeliveryError(`teams webhook (${url.host}) unreachable: ${error instanceof Error ? error.name : 'network error'}`, { cause: error })
      }
      const body = (await response.text()).slice(0, 200)
      if (response.ok) return
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'))
        throw new AlertDeliveryError(`teams webhook rate limited (HTTP 429)`, wait === undefined ? {} : { retryAfterMs: wait })
      }
      const permanent = [400, 401, 403, 404, 410].includes(response.status)
      throw new AlertDeliveryError(`teams webhook answered HTTP ${response.status}: ${body}`, { permanent })
    },
  }
}
