import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** How long a form stays valid: a page left open over a working day still posts. */
const tokenLifetimeSeconds = 24 * 3600
/** Clock skew tolerated between replicas sharing a secret. */
const futureToleranceSeconds = 300

/**
 * Stateless CSRF tokens: `v1.<issued-at>.<HMAC-SHA256(secret, actor, issued-at)>` in a hidden
 * field of every form. A token proves the form was rendered by this dashboard for this actor
 * within the last 24 hours; a page on another site cannot read it (same-origin policy), so it
 * cannot forge a post. Tied to the actor, a token leaked by one person is useless to another.
 */
export interface CsrfTokens {
  issue(actor: string, now?: Date): string
  verify(actor: string, token: string | null | undefined, now?: Date): boolean
}

/** Tokens keyed by `secret` (random per process when null). */
export function createCsrfTokens(secret: string | null): CsrfTokens {
  const key = secret ?? randomBytes(32).toString('base64url')
  const mac = (actor: string, issuedAt: number) => createHmac('sha256', key).update(`cam-dashboard-csrf\n${actor}\n${issuedAt}`).digest()
  return {
    issue(actor, now = new Date()) {
      const issuedAt = Math.floor(now.getTime() / 1000)
      return `v1.${issuedAt}.${mac(actor, issuedAt).toString('base64url')}`
    },
    verify(actor, token, now = new Date()) {
      if (typeof token !== 'string' || token.length > 200) return false
      const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token)
      if (!match) return false
      const issuedAt = Number(match[1])
      const age = Math.floor(now.getTime() / 1000) - issuedAt
      if (age > tokenLifetimeSeconds || age < -futureToleranceSeconds) return false
      const given = Buffer.from(match[2]!, 'base64url')
      const expected = mac(actor, issuedAt)
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
  }
}

/**
 * The browser's word on where a POST comes from, checked on top of the token:
 * `Sec-Fetch-Site` (every current browser sends it) must be `same-origin`; otherwise an
 * `Origin` header must name the request's own host or a trusted origin. A request with
 * neither (curl, an old browser) relies on the token alone. Returns why it is refused, or null.
 */
export function crossSiteRefusal(request: Request, trustedOrigins: readonly string[]): string | null {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin') return `Sec-Fetch-Site is ${site}`
  const origin = request.headers.get('origin')
  if (origin === null) return null
  if (trustedOrigins.includes(origin)) return null
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    return 'the Origin header is not a URL'
  }
  // The host only: a proxy that ends TLS hands the app http:// URLs for https:// pages.
  return originHost === new URL(request.url).host ? null : 'the Origin header names another site'
}
