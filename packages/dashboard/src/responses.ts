import type { SafeHtml } from './html.js'
import { toHtmlString } from './html.js'

/**
 * The Content-Security-Policy of every page: nothing loads but the dashboard's own
 * stylesheet; no script at all (none is needed), no frames, forms post only to the dashboard.
 */
export const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/** Headers on every answer of the dashboard. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  }
}

/** An HTML page, never cached (it shows live data and carries a CSRF token). */
export function htmlResponse(body: SafeHtml, status = 200, headers: Record<string, string> = {}, method = 'GET'): Response {
  return new Response(method === 'HEAD' ? null : toHtmlString(body), {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...securityHeaders(), ...headers },
  })
}

/** A 303 to a page after an action (POST → redirect → GET). */
export function redirectResponse(location: string): Response {
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store', ...securityHeaders() } })
}

/** A short plain-text answer (405, 404 outside the mount path, 500 before anything rendered). */
export function textResponse(text: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...securityHeaders(), ...headers } })
}
