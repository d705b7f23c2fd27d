import { createHash, timingSafeEqual } from 'node:crypto'
import type { DashboardAuthorize } from '@cam/dashboard'

const challenge = () =>
  new Response('Sign in to see the CAM dashboard.', { status: 401, headers: { 'www-authenticate': 'Basic realm="CAM dashboard", charset="UTF-8"', 'content-type': 'text/plain; charset=utf-8' } })

/**
 * The dashboard's access check for this example: HTTP Basic authentication with one shared
 * password (`CAM_DASHBOARD_PASSWORD`), compared in constant time; the user name the person
 * types is the actor the dashboard logs with each action. A real app would check its own
 * sessions or SSO here and return `{ actor: user.email }`.
 */
export function basicAuthAuthorize(password: string): DashboardAuthorize {
  const expected = createHash('sha256').update(password).digest()
  return (request) => {
    const header = request.headers.get('authorization') ?? ''
    if (!header.startsWith('Basic ')) return challenge()
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const user = colon > 0 ? decoded.slice(0, colon).trim() : ''
    // Hashing first makes both sides the same length, so the comparison leaks nothing.
    const given = createHash('sha256').update(colon > 0 ? decoded.slice(colon + 1) : '').digest()
    if (user === '' || !timingSafeEqual(given, expected)) return challenge()
    return { actor: user.slice(0, 200) }
  }
}
