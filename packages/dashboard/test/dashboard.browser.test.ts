/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) over a real
 * HTTP server, on data CAM's worker made in a memory store: every page loads under the CSP
 * without errors, shows the client's numbers, and the actions work by clicking.
 */
import { join } from 'node:path'
import { createMemoryStore } from '@cam/core/testing'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactsDirectory, basicAuthUser, launchBrowser } from './browser.js'
import { startDashboardServer, type DashboardServer } from './dashboard-server.js'
import { hostileReplyText, seedScenario, type Scenario } from './seed-scenario.js'

let scenario: Scenario
let server: DashboardServer
let browser: Browser
let context: BrowserContext
const password = 'correct horse battery staple'
/** Console errors and failed requests of every page, e.g. a CSP violation. */
const problems: string[] = []

function authorize(request: Request) {
  const user = basicAuthUser(request, password)
  if (user) return { actor: user }
  return new Response('Sign in to see the CAM dashboard.', { status: 401, headers: { 'www-authenticate': 'Basic realm="CAM", charset="UTF-8"' } })
}

async function open(path: string, screenshot?: string): Promise<Page> {
  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${path}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`${path}: ${request.url()} failed`))
  const response = await page.goto(`${server.url}${path}`)
  expect(response?.status(), path).toBe(200)
  if (screenshot) await page.screenshot({ path: join(artifactsDirectory, `${screenshot}.png`), fullPage: true })
  return page
}

beforeAll(async () => {
  scenario = await seedScenario(createMemoryStore(), { leads: 14 })
  server = await startDashboardServer({ client: scenario.client, authorize, basePath: '/admin/cam', pageSize: 10 })
  browser = await launchBrowser()
  context = await browser.newContext({ httpCredentials: { username: 'ana@acme.test', password }, viewport: { width: 1360, height: 900 } })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await scenario?.close()
})

describe('the dashboard in Chromium', () => {
  it('shows the funnel of getCampaignMetrics on the campaigns page, styled, without any console error', async () => {
    const page = await open('/', 'campaigns')
    const metrics = await scenario.client.getCampaignMetrics(scenario.campaigns.main)
    const row = page.locator(`tr[data-campaign="${scenario.campaigns.main}"]`)
    const cell = (key: string) => row.locator(`[data-metric="${key}"]`).innerText()
    expect(await cell('lifetime.sent')).toBe(String(metrics.lifetime.counts.sent))
    expect(await cell('lifetime.replied')).toBe(String(metrics.lifetime.counts.replied))
    expect(await cell('lifetime.delivered')).toBe(String(metrics.lifetime.counts.delivered))
    expect(await cell('leads.interested')).toBe(String(metrics.leads.interested ?? 0))
    expect(await cell('leads.queued')).toBe(String(metrics.leads.queued ?? 0))
    // The stylesheet applied (served by the dashboard under its CSP): the header is dark.
    expect(await page.locator('header.top').evaluate((element) => (globalThis as unknown as { getComputedStyle(node: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor)).toBe('rgb(23, 32, 54)')
    await page.close()
    expect(problems).toEqual([])
  })

  it("shows one campaign's funnel, daily charts and leads by state as the client counts them", async () => {
    const page = await open(`/campaigns/${scenario.campaigns.main}?days=7`, 'campaign')
    const metrics = await scenario.client.getCampaignMetrics(scenario.campaigns.main)
    expect(await page.locator('.funnel [data-metric="lifetime.sent"]').innerText()).toBe(String(metrics.lifetime.counts.sent))
    expect(await page.locator('svg.chart').count()).toBe(2)
    expect(await page.locator('figure[data-chart="sent-bounced"] rect[fill="#2f5fd0"]').count()).toBeGreaterThan(0)
    for (const [state, count] of Object.entries(metrics.leads)) expect(await page.locator(`[data-lead-count="${state}"]`).innerText()).toBe(String(count))
    await page.close()
    expect(problems).toEqual([])
  })

  it('loads every other page without errors and saves a screenshot of each', async () => {
    const positive = (await scenario.client.listReplies({ category: 'positive' })).find((message) => message.id === scenario.messages.positive)!
    for (const [path, name] of [
      ['/replies', 'replies'],
      ['/alerts', 'alerts'],
      ['/in-doubt', 'in-doubt'],
      ['/quarantine', 'quarantine'],
      ['/suppressions', 'suppressions'],
      ['/mailboxes', 'mailboxes'],
      ['/workers', 'workers'],
      ['/webhooks', 'webhooks'],
      [`/leads/${positive.leadId}`, 'lead'],
    ] as const) {
      const page = await open(path, name)
      expect(await page.locator('h1').count()).toBe(1)
      await page.close()
    }
    expect(problems).toEqual([])
  })

  it('renders a hostile reply body inert: no dialog, no script run, no element created, the text visible', async () => {
    const page = await open('/replies')
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    const cell = page.locator(`tr[data-reply="${scenario.messages.hostile}"] [data-reply-text]`)
    expect(await cell.innerText()).toContain('<script>window.__pwned = 1; alert("xss")</script>')
    expect(await cell.innerText()).toContain('<img src=x onerror="window.__pwned = 2; alert(1)">')
    expect(hostileReplyText).toContain('<img src=x')
    expect(await cell.locator('script, img, b').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(0)
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    // The table around it is intact: the injected </td></table> closed nothing.
    expect(await page.locator('table[data-table="replies"] > tbody > tr').count()).toBe((await scenario.client.listReplies({ limit: 10 })).length)
    expect(dialogs).toEqual([])
    await page.close()
  })

  it('resolves in-doubt emails by clicking: send again, and it was sent', async () => {
    const [resend, sent] = scenario.inDoubt
    expect(scenario.inDoubt).toHaveLength(2)
    const page = await open('/in-doubt')
    await page.locator(`tr[data-in-doubt="${resend}"] button[value="resend"]`).click()
    await page.waitForURL(/notice=email-resolved-resend/)
    expect(await page.locator('.notice').innerText()).toContain('Queued to be sent again')
    await page.locator(`tr[data-in-doubt="${sent}"] button[value="sent"]`).click()
    await page.waitForURL(/notice=email-resolved-sent/)
    const emails = await Promise.all([resend, sent].map(async (id) => (await scenario.client.listInDoubtEmails()).find((email) => email.id === id)))
    expect(emails).toEqual([undefined, undefined])
    const lead = await scenario.client.listLeads({ campaignId: scenario.campaigns.main, limit: 1000 })
    const allEmails = (await Promise.all(lead.map((entry) => scenario.client.listLeadEmails(entry.id)))).flat()
    expect(allEmails.find((email) => email.id === resend)?.status).toBe('queued')
    expect(allEmails.find((email) => email.id === sent)?.status).toBe('sent')
    expect(await page.locator('tr[data-in-doubt]').count()).toBe(0)
    await page.close()
  })

  it('overrides a classification by choosing a category and clicking Reclassify; the policy runs', async () => {
    const before = (await scenario.client.listReplies({ limit: 100 })).find((message) => message.id === scenario.messages.negative)!
    expect(before.classification?.category).toBe('negative')
    const page = await open('/replies?category=negative')
    const row = page.locator(`tr[data-reply="${scenario.messages.negative}"]`)
    await row.locator('select[name="category"]').selectOption('positive')
    await row.locator('input[name="reason"]').fill('they called back and want a demo')
    await row.locator('button', { hasText: 'Reclassify' }).click()
    await page.waitForURL(/notice=reply-reclassified/)
    const after = (await scenario.client.listReplies({ limit: 100 })).find((message) => message.id === scenario.messages.negative)!
    expect(after.classification?.category).toBe('positive')
    expect(after.classification?.reason).toContain('ana@acme.test')
    expect((await scenario.client.getLead(after.leadId!))!.state).toBe('interested')
    await page.close()
  })

  it('replays a dead webhook delivery by clicking; the next cycle delivers it to the receiver', async () => {
    const [dead] = await scenario.client.listWebhookDeliveries({ status: 'dead', limit: 1 })
    const page = await open('/webhooks')
    await page.locator(`tr[data-webhook-delivery="${dead!.delivery.id}"] button`, { hasText: 'Replay' }).click()
    await page.waitForURL(/notice=webhook-replayed/)
    expect(await page.locator(`tr[data-webhook-delivery="${dead!.delivery.id}"]`).count()).toBe(0)
    scenario.receiver.answer(() => ({ status: 200 }))
    await scenario.worker.runOnce()
    expect(scenario.receiver.accepted.map((entry) => entry.id)).toContain(dead!.event.id)
    const after = await scenario.client.listWebhookDeliveries({ status: 'delivered', limit: 1000 })
    expect(after.map((entry) => entry.delivery.id)).toContain(dead!.delivery.id)
    await page.close()
  })

  it('refuses a form posted without its CSRF token with 403, and changes nothing', async () => {
    const page = await open('/')
    const form = page.locator(`tr[data-campaign="${scenario.campaigns.main}"] form[data-form="pause-campaign"]`)
    await form.locator('input[name="_csrf"]').evaluate((input) => input.remove())
    const [response] = await Promise.all([page.waitForResponse((candidate) => candidate.request().method() === 'POST'), form.locator('button').click()])
    expect(response.status()).toBe(403)
    expect(await page.locator('.error').innerText()).toContain('did not come from this dashboard')
    expect((await scenario.client.getCampaign(scenario.campaigns.main))!.status).toBe('active')
    await page.close()
  })

  it('answers 401 to a browser without credentials, and 401 to a wrong password', async () => {
    const wrong = `Basic ${Buffer.from('ana@acme.test:wrong').toString('base64')}`
    for (const headers of [undefined, { authorization: wrong }]) {
      const stranger = await browser.newContext(headers ? { extraHTTPHeaders: headers } : {})
      const page = await stranger.newPage()
      // The host's 401 carries a Basic challenge; a browser with nothing to answer it stops there.
      const [response] = await Promise.all([page.waitForResponse((candidate) => candidate.url().endsWith('/admin/cam/replies')), page.goto(`${server.url}/replies`).catch(() => null)])
      expect(response.status()).toBe(401)
      expect(response.headers()['www-authenticate']).toContain('Basic')
      expect(await response.text()).not.toContain('Sounds interesting')
      await stranger.close()
    }
  })
})
