/**
 * The same dashboard on the PostgreSQL store (a fresh schema on DATABASE_URL), in Chromium:
 * the numbers shown are the client's, keyset paging and an action work on the real database.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { createPostgresStore, migrate, type PostgresStore } from '@cam/adapter-postgres'
import pg from 'pg'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactsDirectory, launchBrowser } from './browser.js'
import { startDashboardServer, type DashboardServer } from './dashboard-server.js'
import { seedScenario, type Scenario } from './seed-scenario.js'

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `cam_test_dashboard_${randomUUID().slice(0, 8)}`
let store: PostgresStore
let scenario: Scenario
let server: DashboardServer
let browser: Browser
let context: BrowserContext

beforeAll(async () => {
  await migrate({ connectionString: databaseUrl, schema })
  store = createPostgresStore({ connectionString: databaseUrl, schema })
  scenario = await seedScenario(store, { leads: 14 })
  server = await startDashboardServer({ client: scenario.client, authorize: () => ({ actor: 'ops@acme.test' }), basePath: '/cam', pageSize: 4 })
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await scenario?.close()
  await store?.close?.()
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin.end()
})

describe('the dashboard on PostgreSQL, in Chromium', () => {
  it("shows the client's funnel and the replies newest first, paged by keyset", async () => {
    const page = await context.newPage()
    await page.goto(`${server.url}/`)
    const metrics = await scenario.client.getCampaignMetrics(scenario.campaigns.main)
    const row = page.locator(`tr[data-campaign="${scenario.campaigns.main}"]`)
    expect(await row.locator('[data-metric="lifetime.sent"]').innerText()).toBe(String(metrics.lifetime.counts.sent))
    expect(await row.locator('[data-metric="lifetime.replied"]').innerText()).toBe(String(metrics.lifetime.counts.replied))
    expect(await row.locator('[data-metric="leads.interested"]').innerText()).toBe(String(metrics.leads.interested ?? 0))
    await page.screenshot({ path: join(artifactsDirectory, 'postgres-campaigns.png'), fullPage: true })

    await page.goto(`${server.url}/replies`)
    const replies = await scenario.client.listReplies({ limit: 100 })
    const ids = async () => page.locator('tr[data-reply]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-reply')))
    const seen = await ids()
    await page.locator('a[data-pager="next"]').click()
    expect(page.url()).toContain(`before=${seen.at(-1)}`)
    seen.push(...(await ids()))
    expect(seen).toEqual(replies.map((message) => message.id))
    await page.close()
  })

  it('retries the quarantined message by clicking, on the real database', async () => {
    const page = await context.newPage()
    await page.goto(`${server.url}/quarantine`)
    await page.locator(`tr[data-quarantined="${scenario.messages.poison}"] button`).click()
    await page.waitForURL(/notice=message-retried/)
    expect(await scenario.client.listQuarantinedMessages()).toEqual([])
    expect(await page.locator('tr[data-quarantined]').count()).toBe(0)
    await page.close()
  })
})
