import { createMemoryStore } from '@cam/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csrfTokenOf, startDashboardServer, type DashboardServer } from './dashboard-server.js'
import { seedScenario, type Scenario } from './seed-scenario.js'

let scenario: Scenario
let server: DashboardServer
const pageSize = 3

async function page(path: string): Promise<string> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: 'Bearer t' } })
  expect(response.status, path).toBe(200)
  return response.text()
}

async function post(path: string, fields: Record<string, string>): Promise<Response> {
  const token = csrfTokenOf(await page('/'))
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: 'Bearer t', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  })
}

/** `data-<name>="<key>">value<` pairs of a page. */
function attributeValues(text: string, name: string): Map<string, string> {
  return new Map([...text.matchAll(new RegExp(`data-${name}="([^"]+)"[^>]*>([^<]*)<`, 'g'))].map((match) => [match[1]!, match[2]!]))
}

/** Row ids (`data-<name>="id"`) in page order. */
function rowIds(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`<tr data-${name}="([^"]+)"`, 'g'))].map((match) => match[1]!)
}

function nextLink(text: string): string | null {
  const match = /<a href="([^"]+)" data-pager="next">/.exec(text)
  return match ? match[1]!.replaceAll('&amp;', '&').slice('/cam'.length) : null
}

beforeAll(async () => {
  scenario = await seedScenario(createMemoryStore(), { leads: 14 })
  server = await startDashboardServer({ client: scenario.client, authorize: (request) => (request.headers.get('authorization') === 'Bearer t' ? { actor: 'tester' } : null), basePath: '/cam', pageSize })
})
afterAll(async () => {
  await server.close()
  await scenario.close()
})

describe('pages', () => {
  it('show the funnel and rates of getCampaignMetrics on the campaigns page and the campaign page', async () => {
    const metrics = await scenario.client.getCampaignMetrics(scenario.campaigns.main)
    const expected = {
      'leads.queued': metrics.leads.queued ?? 0,
      'lifetime.sent': metrics.lifetime.counts.sent,
      'lifetime.delivered': metrics.lifetime.counts.delivered,
      'lifetime.replied': metrics.lifetime.counts.replied,
      'leads.interested': metrics.leads.interested ?? 0,
    }
    expect(expected['lifetime.sent']).toBeGreaterThan(0)
    expect(expected['leads.interested']).toBeGreaterThan(0)
    const list = await page('/')
    const row = list.slice(list.indexOf(`data-campaign="${scenario.campaigns.main}"`))
    const rowHtml = row.slice(0, row.indexOf('</tr>'))
    const shownInList = attributeValues(rowHtml, 'metric')
    const one = attributeValues(await page(`/campaigns/${scenario.campaigns.main}`), 'metric')
    for (const [key, value] of Object.entries(expected)) {
      expect(Number(shownInList.get(key)), key).toBe(value)
      expect(Number(one.get(key)), key).toBe(value)
    }
    const rates = attributeValues(rowHtml, 'rate')
    expect(rates.get('unsubscribeRate')).toBe(`${(metrics.window.rates.unsubscribeRate * 100).toFixed(2)}%`)
  })

  it('shows the daily series of getCampaignDailyMetrics in the charts table and two SVG charts', async () => {
    const text = await page(`/campaigns/${scenario.campaigns.main}?days=7`)
    const daily = await scenario.client.getCampaignDailyMetrics(scenario.campaigns.main, { days: 7 })
    expect(text.match(/<svg class="chart"/g)).toHaveLength(2)
    const sent = [...text.matchAll(/data-daily="sent">(\d+)</g)].map((match) => Number(match[1]))
    expect(sent).toEqual(daily.map((entry) => entry.counts.sent))
    expect(sent.reduce((a, b) => a + b, 0)).toBe((await scenario.client.getCampaignMetrics(scenario.campaigns.main)).lifetime.counts.sent)
  })

  it('counts leads by state as the metrics do, and pages the leads by keyset', async () => {
    const metrics = await scenario.client.getCampaignMetrics(scenario.campaigns.main)
    const first = await page(`/campaigns/${scenario.campaigns.main}`)
    const counts = attributeValues(first, 'lead-count')
    for (const [state, count] of Object.entries(metrics.leads)) expect(Number(counts.get(state)), state).toBe(count)
    const seen: string[] = []
    let text = first
    for (let guard = 0; guard < 10; guard++) {
      const ids = rowIds(text, 'lead')
      expect(ids.length).toBeLessThanOrEqual(pageSize)
      seen.push(...ids)
      const next = nextLink(text)
      if (!next) break
      expect(next).toMatch(/after=/)
      expect(next).not.toMatch(/offset|page=/)
      text = await page(next)
    }
    const all = await scenario.client.listLeads({ campaignId: scenario.campaigns.main, limit: 1000 })
    expect(seen).toEqual(all.map((lead) => lead.id))
  })

  it('lists replies newest first, filters them by category and pages with before', async () => {
    const all = await scenario.client.listReplies({ limit: 1000 })
    const first = await page('/replies')
    const seen = rowIds(first, 'reply')
    expect(seen).toEqual(all.slice(0, pageSize).map((message) => message.id))
    const next = nextLink(first)
    expect(next).toBe(`/replies?before=${seen.at(-1)}`)
    seen.push(...rowIds(await page(next!), 'reply'))
    expect(seen).toEqual(all.slice(0, 2 * pageSize).map((message) => message.id))
    const positives = await page('/replies?category=positive')
    const expected = await scenario.client.listReplies({ category: 'positive' })
    expect(rowIds(positives, 'reply')).toEqual(expected.map((message) => message.id))
    expect(positives).toContain('Sounds interesting')
    expect(positives).not.toContain('Not interested, thanks.')
    // The quoted history is cut from the text shown; confidence and the classifier's reason are there.
    expect(positives).not.toContain('quick question about your outreach')
    expect(positives).toContain(`${Math.round(expected[0]!.classification!.confidence * 100)}%`)
    expect(positives).toContain(expected[0]!.classification!.reason.replaceAll("'", '&#39;').replaceAll('"', '&quot;'))
  })

  it("links each reply to its lead's thread, which lists our emails and the reply", async () => {
    const replies = await page('/replies?category=negative')
    const link = /href="\/cam(\/leads\/[^"]+)" data-thread-link/.exec(replies)![1]!
    const thread = await page(link)
    const lead = (await scenario.client.getLead(link.split('/').at(-1)!))!
    expect(rowIds(thread, 'email')).toHaveLength((await scenario.client.listLeadEmails(lead.id)).length)
    expect(rowIds(thread, 'reply')).toEqual([scenario.messages.negative])
  })

  it('shows alerts with their delivery per channel', async () => {
    const text = await page('/alerts')
    const alerts = await scenario.client.listAlerts()
    const newestFirst = [...alerts].reverse()
    expect(rowIds(text, 'alert')).toEqual(newestFirst.slice(0, pageSize).map((alert) => alert.id))
    expect(alerts.length).toBeGreaterThan(1)
    // Older alerts by keyset: the page after a given alert holds the ones created before it.
    const older = await page(`/alerts?before=${encodeURIComponent(newestFirst[0]!.id)}`)
    expect(rowIds(older, 'alert')).toEqual(newestFirst.slice(1, 1 + pageSize).map((alert) => alert.id))
    const deliveries = await scenario.client.listAlertDeliveries()
    expect(deliveries.length).toBeGreaterThan(0)
    expect(text).toContain('data-channel="slack"')
    for (const status of new Set(deliveries.map((delivery) => delivery.status))) expect(text).toContain(`class="badge ${status}"`)
  })

  it('shows workers with their leases, and mailboxes with sent today against the limit', async () => {
    const workers = await scenario.client.listWorkers()
    const text = await page('/workers')
    expect(rowIds(text, 'worker')).toEqual(workers.map((worker) => worker.workerId))
    for (const lease of workers[0]!.leases) expect(text).toContain(lease)
    const mailboxes = await scenario.client.listMailboxes()
    const mailboxPage = await page('/mailboxes')
    expect(rowIds(mailboxPage, 'mailbox')).toEqual(mailboxes.map((mailbox) => mailbox.name))
    expect([...mailboxPage.matchAll(/data-mailbox-metric="lifetime.sent">(\d+)</g)].map((match) => Number(match[1]))).toEqual(mailboxes.map((mailbox) => mailbox.lifetime.counts.sent))
  })

  it('searches and pages the suppression list by keyset', async () => {
    const all = await scenario.client.listSuppressions({ limit: 1000 })
    expect(all.length).toBeGreaterThan(pageSize)
    const first = await page('/suppressions')
    const seen = rowIds(first, 'suppression')
    expect(seen).toEqual(all.slice(0, pageSize).map((entry) => entry.email))
    seen.push(...rowIds(await page(nextLink(first)!), 'suppression'))
    expect(seen).toEqual(all.map((entry) => entry.email).slice(0, seen.length))
    expect(rowIds(await page('/suppressions?search=BLOCKED.test'), 'suppression')).toEqual(['manual-one@blocked.test', 'manual-two@blocked.test'])
  })
})

describe('webhooks', () => {
  it('lists the dead letters oldest first, paged by keyset, and the endpoints', async () => {
    const dead = await scenario.client.listWebhookDeliveries({ status: 'dead', limit: 1000 })
    expect(dead.length).toBeGreaterThan(pageSize)
    const first = await page('/webhooks')
    const seen = rowIds(first, 'webhook-delivery')
    expect(seen).toEqual(dead.slice(0, pageSize).map((entry) => entry.delivery.id))
    expect(first).toContain('HTTP 503')
    expect(first).toContain('data-endpoint="crm"')
    seen.push(...rowIds(await page(nextLink(first)!), 'webhook-delivery'))
    expect(seen).toEqual(dead.slice(0, 2 * pageSize).map((entry) => entry.delivery.id))
    expect(rowIds(await page('/webhooks?status=delivered'), 'webhook-delivery')).toEqual([])
  })

  it('replays a dead letter and disables and enables an endpoint', async () => {
    const [dead] = await scenario.client.listWebhookDeliveries({ status: 'dead', limit: 1 })
    const response = await post(`/webhooks/deliveries/${dead!.delivery.id}/replay`, { _return: '/cam/webhooks' })
    expect(response.headers.get('location')).toBe('/cam/webhooks?notice=webhook-replayed')
    const pending = await scenario.client.listWebhookDeliveries({ status: 'pending', limit: 1000 })
    expect(pending.map((entry) => entry.delivery.id)).toContain(dead!.delivery.id)
    expect((await post(`/webhooks/deliveries/${dead!.delivery.id}/replay`, {})).status).toBe(409) // not dead any more
    await post('/webhooks/endpoints/crm/disable', { reason: 'receiver migrating' })
    const [disabled] = await scenario.client.listWebhookEndpoints()
    expect(disabled).toMatchObject({ status: 'disabled', statusReason: 'receiver migrating (by tester in the dashboard)' })
    await post('/webhooks/endpoints/crm/enable', {})
    expect((await scenario.client.listWebhookEndpoints())[0]!.status).toBe('enabled')
  })
})

describe('actions over HTTP', () => {
  it('retries a quarantined message', async () => {
    expect(rowIds(await page('/quarantine'), 'quarantined')).toEqual([scenario.messages.poison])
    const response = await post(`/quarantine/${scenario.messages.poison}/retry`, { _return: '/cam/quarantine' })
    expect(response.headers.get('location')).toBe('/cam/quarantine?notice=message-retried')
    expect(await scenario.client.listQuarantinedMessages()).toEqual([])
    expect(await page('/quarantine?notice=message-retried')).toContain('Message put back in the queue.')
  })

  it('adds and removes a suppression with a reason', async () => {
    await post('/suppressions', { email: 'New.Person@Example.com', reason: 'asked by phone' })
    const entry = await scenario.client.getSuppression('new.person@example.com')
    expect(entry?.reason).toBe('manual')
    expect(entry?.source).toBe('dashboard, tester: asked by phone')
    await post('/suppressions/remove', { email: 'new.person@example.com', reason: 'added by mistake' })
    expect(await scenario.client.getSuppression('new.person@example.com')).toBeNull()
  })

  it('pauses and resumes a mailbox', async () => {
    const [mailbox] = await scenario.client.listMailboxes()
    await post(`/mailboxes/${encodeURIComponent(mailbox!.name)}/pause`, { reason: 'auth broken' })
    expect((await scenario.client.listMailboxes({ names: [mailbox!.name] }))[0]!.status).toBe('paused')
    await post(`/mailboxes/${encodeURIComponent(mailbox!.name)}/resume`, {})
    expect((await scenario.client.listMailboxes({ names: [mailbox!.name] }))[0]!.status).toBe('active')
  })

  it('shows a conflict on the page it came from (409) and an unknown id as 404', async () => {
    const response = await post(`/campaigns/${scenario.campaigns.draft}/pause`, { _return: `/cam/campaigns/${scenario.campaigns.draft}` })
    expect(response.status).toBe(409)
    const text = await response.text()
    expect(text).toContain('role="alert"')
    expect(text).toMatch(/is draft; it can become paused only from active/)
    expect(text).toContain('<h1>Draft campaign') // the campaign's page, with the error on top
    expect((await scenario.client.getCampaign(scenario.campaigns.draft))!.status).toBe('draft')
    expect((await post('/campaigns/no-such-campaign/pause', {})).status).toBe(404)
  })
})
