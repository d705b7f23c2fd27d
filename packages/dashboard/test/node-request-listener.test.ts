import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCamClient } from '@cam/core'
import { createMemoryStore } from '@cam/core/testing'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { createDashboard, toNodeRequestListener } from '../src/index.js'
import { csrfTokenOf } from './dashboard-server.js'

let server: Server | null = null
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function setup() {
  const client = createCamClient({ store: createMemoryStore() })
  const campaign = await client.createCampaign({ name: 'Bridge', sender: { email: 'ana@acme.test' }, steps: [{ subject: 'Hi', text: 'Hi', delayDays: 0 }] })
  await client.startCampaign(campaign.id)
  const dashboard = createDashboard({ client, basePath: '/admin/cam', authorize: () => ({ actor: 'ops' }) })
  return { client, campaign, dashboard }
}

async function pause(origin: string, campaignId: string): Promise<Response> {
  const token = csrfTokenOf(await (await fetch(`${origin}/admin/cam`)).text())
  return fetch(`${origin}/admin/cam/campaigns/${campaignId}/pause`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ _csrf: token, reason: 'from express' }).toString(),
  })
}

describe('toNodeRequestListener', () => {
  it('serves the dashboard under an Express mount path (originalUrl), with or without express.urlencoded()', async () => {
    for (const parse of [false, true]) {
      const { client, campaign, dashboard } = await setup()
      const app = express()
      if (parse) app.use(express.urlencoded({ extended: false }))
      app.use('/admin/cam', toNodeRequestListener(dashboard))
      app.get('/', (_request, response) => void response.send('the host app'))
      const origin = await listen(app)
      expect(await (await fetch(`${origin}/`)).text()).toBe('the host app')
      const page = await fetch(`${origin}/admin/cam`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Bridge')
      const response = await pause(origin, campaign.id)
      expect(response.status, `express.urlencoded: ${parse}`).toBe(303)
      expect(response.headers.get('location')).toBe('/admin/cam?notice=campaign-paused')
      expect((await client.getCampaign(campaign.id))!.statusReason).toBe('from express (by ops in the dashboard)')
      server!.closeAllConnections()
      await new Promise<void>((resolve) => server!.close(() => resolve()))
      server = null
    }
  })

  it('answers 413 to a body over the form limit without reading it all, and never throws into the host', async () => {
    const { client, campaign, dashboard } = await setup()
    const origin = await listen(toNodeRequestListener(dashboard))
    const big = await fetch(`${origin}/admin/cam/campaigns/${campaign.id}/pause`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=' + 'x'.repeat(1_000_000) }).catch((error: unknown) => error)
    // A 413 (or, when the client is still sending as the server closes, a reset connection); never a 303.
    if (big instanceof Response) expect(big.status).toBe(413)
    expect((await client.getCampaign(campaign.id))!.status).toBe('active')
    const failing = await listen(toNodeRequestListener(async () => Promise.reject(new Error('handler exploded'))))
    const answer = await fetch(`${failing}/anything`)
    expect(answer.status).toBe(500)
    expect(await answer.text()).toBe('internal error')
  })
})
