import { createMemoryStore, createRecordingLogger } from '@cam/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentSecurityPolicy, createDashboard } from '../src/index.js'
import { csrfTokenOf, startDashboardServer, type DashboardServer } from './dashboard-server.js'
import { hostileReplyText, seedScenario, type Scenario } from './seed-scenario.js'

let scenario: Scenario
let server: DashboardServer
const logger = createRecordingLogger()
const secret = 'a-csrf-secret-for-the-tests-0123456789'

/** Bearer tokens of the test: `ana` may act, `viewer` may only look, `mallory` is refused with a 403 of the host's own. */
function authorize(request: Request) {
  const token = request.headers.get('authorization')
  if (token === 'Bearer ana-token') return { actor: 'ana@acme.test' }
  if (token === 'Bearer viewer-token') return { actor: 'viewer@acme.test', readOnly: true }
  if (token === 'Bearer mallory-token') return new Response('forbidden for you', { status: 403 })
  return null
}

const as = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra })

async function page(path: string, token = 'ana-token'): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, { headers: as(token) })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = as('ana-token')): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() })
}

beforeAll(async () => {
  scenario = await seedScenario(createMemoryStore())
  server = await startDashboardServer({ client: scenario.client, authorize, basePath: '/admin/cam', logger, csrfSecret: secret, pageSize: 5 })
})
afterAll(async () => {
  await server.close()
  await scenario.close()
})

describe('access', () => {
  it('answers 401 to a request authorize does not recognise, and shows no data', async () => {
    const answer = await page('/', 'wrong-token')
    expect(answer.status).toBe(401)
    expect(answer.text).not.toContain('Q1 founders')
    expect((await fetch(`${server.url}/replies`)).status).toBe(401)
  })

  it("passes the host's own Response through (403 for someone signed in but not allowed)", async () => {
    const answer = await page('/', 'mallory-token')
    expect(answer.status).toBe(403)
    expect(answer.text).toBe('forbidden for you')
  })

  it('refuses a POST from a read-only actor with 403 and changes nothing', async () => {
    const viewerPage = await page('/', 'viewer-token')
    expect(viewerPage.status).toBe(200)
    expect(viewerPage.text).not.toContain('<form method="post"')
    const response = await post(`/campaigns/${scenario.campaigns.main}/pause`, { _csrf: csrfTokenOf((await page('/')).text) }, as('viewer-token'))
    expect(response.status).toBe(403)
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
  })

  it('answers 500 without details when authorize throws, and logs it', async () => {
    const dashboard = createDashboard({ client: scenario.client, basePath: '/cam', logger, authorize: () => { throw new Error('session store down: password=xyz') } })
    const response = await dashboard(new Request('http://localhost/cam'))
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('password')
    expect(logger.entries.some((line) => line.level === 'error' && String(line.fields?.error).includes('session store down'))).toBe(true)
  })

  it('serves the stylesheet without asking authorize (it holds no data), cached by its hashed name', async () => {
    const home = (await page('/')).text
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(home)![1]!
    expect(href).toMatch(/^\/admin\/cam\/assets\/dashboard-[0-9a-f]{12}\.css$/)
    const css = await fetch(`${server.origin}${href}`)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toContain('immutable')
    expect((await fetch(`${server.url}/assets/other.css`)).status).toBe(404)
  })
})

describe('headers and escaping', () => {
  it('sends a CSP that allows no script and only its own stylesheet, and forbids framing', async () => {
    const answer = await page('/')
    expect(answer.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    expect(contentSecurityPolicy).toContain("default-src 'none'")
    expect(contentSecurityPolicy).toContain("style-src 'self'")
    expect(contentSecurityPolicy).toContain("frame-ancestors 'none'")
    expect(contentSecurityPolicy).not.toContain('unsafe')
    expect(answer.headers.get('x-frame-options')).toBe('DENY')
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i)
  })

  it('escapes stored text: a hostile reply body and a campaign name with markup render as text', async () => {
    const replies = (await page('/replies')).text
    expect(replies).not.toContain('<script>')
    expect(replies).not.toContain('<img src=x')
    expect(replies).toContain('&lt;script&gt;window.__pwned = 1; alert(&quot;xss&quot;)&lt;/script&gt;')
    expect(replies).toContain('&lt;img src=x onerror=&quot;window.__pwned = 2; alert(1)&quot;&gt;')
    expect(replies).toContain('&lt;/td&gt;&lt;/table&gt;&lt;b&gt;bold?&lt;/b&gt;')
    expect(hostileReplyText).toContain('<script>')
    const campaigns = (await page('/')).text
    expect(campaigns).toContain('Q1 founders &lt;outreach&gt;')
    expect(campaigns).not.toContain('Q1 founders <outreach>')
  })
})

describe('CSRF and state changes', () => {
  const pausePath = () => `/campaigns/${scenario.campaigns.main}/pause`

  it('refuses a POST without a token with 403 and changes nothing', async () => {
    const response = await post(pausePath(), { reason: 'no token' })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('did not come from this dashboard')
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
    expect(logger.entries.some((line) => line.message.includes('CSRF') && line.fields?.actor === 'ana@acme.test')).toBe(true)
  })

  it("refuses another actor's token, a forged one and one from another secret", async () => {
    const other = createDashboard({ client: scenario.client, basePath: '/admin/cam', authorize: () => ({ actor: 'ana@acme.test' }), csrfSecret: 'another-secret-of-at-least-32-chars!!' })
    const foreign = csrfTokenOf(await (await other(new Request('http://localhost/admin/cam'))).text())
    const anaToken = csrfTokenOf((await page('/')).text)
    for (const token of [foreign, 'v1.1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'garbage']) {
      expect((await post(pausePath(), { _csrf: token })).status).toBe(403)
    }
    // Ana's token, posted by another actor of a dashboard with the same secret: tied to who it was issued to.
    const bob = createDashboard({ client: scenario.client, basePath: '/admin/cam', authorize: () => ({ actor: 'bob@acme.test' }), csrfSecret: secret })
    const asBob = await bob(new Request(`http://localhost/admin/cam${pausePath()}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: anaToken }).toString() }))
    expect(asBob.status).toBe(403)
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
  })

  it('refuses a cross-site POST even with a valid token (Sec-Fetch-Site, Origin)', async () => {
    const token = csrfTokenOf((await page('/')).text)
    expect((await post(pausePath(), { _csrf: token }, as('ana-token', { 'sec-fetch-site': 'cross-site' }))).status).toBe(403)
    expect((await post(pausePath(), { _csrf: token }, as('ana-token', { 'sec-fetch-site': 'same-site' }))).status).toBe(403)
    expect((await post(pausePath(), { _csrf: token }, as('ana-token', { origin: 'https://evil.example' }))).status).toBe(403)
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
  })

  it('never changes state on GET: action paths are not pages', async () => {
    expect((await page(pausePath())).status).toBe(404)
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
  })

  it('pauses with a valid token from the same origin, redirects back with a notice and logs who did it', async () => {
    const token = csrfTokenOf((await page('/')).text)
    const response = await post(pausePath(), { _csrf: token, _return: '/admin/cam/', reason: 'too many bounces' }, as('ana-token', { 'sec-fetch-site': 'same-origin', origin: server.origin }))
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/cam/?notice=campaign-paused')
    const campaign = (await scenario.client.getCampaign(scenario.campaigns.main))!
    expect(campaign.status).toBe('paused')
    expect(campaign.statusReason).toBe('too many bounces (by ana@acme.test in the dashboard)')
    const line = logger.entries.find((entry) => entry.message === 'dashboard action' && entry.fields?.action === 'campaign.pause')
    expect(line?.fields).toEqual({ actor: 'ana@acme.test', action: 'campaign.pause', target: scenario.campaigns.main })
    expect(JSON.stringify(logger.entries)).not.toContain(token)
    const resumed = await post(`/campaigns/${scenario.campaigns.main}/resume`, { _csrf: token })
    expect(resumed.status).toBe(303)
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
  })

  it('redirects only inside the dashboard (no open redirect through _return)', async () => {
    const token = csrfTokenOf((await page('/')).text)
    for (const target of ['//evil.example/x', 'https://evil.example/', '/elsewhere', '/admin/camera', '/\\evil.example']) {
      const response = await post(`/campaigns/${scenario.campaigns.main}/pause`, { _csrf: token, _return: target })
      expect(response.headers.get('location')).toBe('/admin/cam?notice=campaign-paused')
      await post(`/campaigns/${scenario.campaigns.main}/resume`, { _csrf: token })
    }
  })

  it('answers a bad form with 400 naming the field, and a client validation error with its field', async () => {
    const token = csrfTokenOf((await page('/suppressions')).text)
    const missing = await post('/suppressions', { _csrf: token, email: 'x@example.com', _return: '/admin/cam/suppressions' })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('reason: expected a value')
    const invalid = await post('/suppressions', { _csrf: token, email: 'not an address', reason: 'test', _return: '/admin/cam/suppressions' })
    expect(invalid.status).toBe(400)
    expect(await invalid.text()).toMatch(/email: /)
    const category = await post(`/replies/${scenario.messages.negative}/classification`, { _csrf: token, category: 'bounce' })
    expect(category.status).toBe(400)
    expect(await category.text()).toContain('category: expected one of positive')
  })

  it('answers 415 to a POST that is not a form and 413 to an oversized one', async () => {
    const token = csrfTokenOf((await page('/')).text)
    const json = await fetch(`${server.url}${pausePath()}`, { method: 'POST', headers: { ...as('ana-token'), 'content-type': 'application/json' }, body: JSON.stringify({ _csrf: token }) })
    expect(json.status).toBe(415)
    const big = await post(pausePath(), { _csrf: token, reason: 'x'.repeat(20_000) })
    expect(big.status).toBe(413)
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
  })
})
