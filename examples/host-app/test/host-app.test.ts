import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { Webhook } from 'svix'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStore, migrate, type PostgresStore } from '@cam/adapter-postgres'
import { createCamClient, createUnsubscribeToken, type Lead } from '@cam/core'

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const secret = 'host-app-test-secret-0123456789'
const schema = `host_app_${randomUUID().replace(/-/g, '').slice(0, 12)}`
/** A Resend webhook signing secret as Resend (Svix) makes them: `whsec_` and 24 random bytes in base64. */
const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`
const dashboardPassword = `dashboard-${randomUUID()}`

/** POSTs a Resend event to the app the way Resend's webhook provider (Svix) does, signed with `secret`. */
async function postResendEvent(baseUrl: string, event: unknown, secret: string, msgId = `msg_${randomUUID().replace(/-/g, '')}`): Promise<Response> {
  const payload = JSON.stringify(event)
  const timestamp = new Date()
  return fetch(`${baseUrl}/webhooks/resend`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': msgId,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(msgId, timestamp, payload),
    },
    body: payload,
  })
}

describe('host-app example', () => {
  let child: ChildProcess
  let baseUrl: string
  let store: PostgresStore
  let dir: string
  let lead: Lead
  let output = ''

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cam-host-app-'))
    await migrate({ connectionString: databaseUrl, schema })
    store = createPostgresStore({ connectionString: databaseUrl, schema })
    const client = createCamClient({ store })
    const campaign = await client.createCampaign({
      name: 'Host app campaign',
      sender: { email: 'ana@sender.example' },
      steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }} — unsubscribe: {{ unsubscribeUrl }}', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    lead = (await client.addLeads(campaign.id, [{ email: 'lee@prospect.example', firstName: 'Lee' }])).addedLeads[0]!
    await client.startCampaign(campaign.id)
    child = spawn(process.execPath, ['--import', 'tsx', new URL('../src/main.ts', import.meta.url).pathname], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CAM_DB_SCHEMA: schema,
        PORT: '0',
        CAM_UNSUBSCRIBE_SECRET: secret,
        CAM_UNSUBSCRIBE_URL: 'http://127.0.0.1:9/unsubscribe',
        CAM_INTERVAL_MS: '500',
        CAM_OUTBOX_DIR: join(dir, 'outbox'),
        CAM_MAILDIR: join(dir, 'Maildir'),
        RESEND_WEBHOOK_SECRET: webhookSecret,
        CAM_DASHBOARD_PASSWORD: dashboardPassword,
        CAM_DASHBOARD_CSRF_SECRET: 'host-app-dashboard-csrf-secret-0123456789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host app did not start:\n${output}`)), 30_000)
      const check = () => {
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        } else setTimeout(check, 50)
      }
      check()
    })
  })

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
    await store.close?.()
    const pool = new pg.Pool({ connectionString: databaseUrl })
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
    await rm(dir, { recursive: true, force: true })
  })

  it('reports health from the worker heartbeat and serves campaign metrics', async () => {
    await expect.poll(async () => (await fetch(`${baseUrl}/health`)).status, { timeout: 20_000 }).toBe(200)
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as { status: string; cycles: number }
    expect(health.status).toBe('ok')
    expect(health.cycles).toBeGreaterThanOrEqual(1)
    await expect.poll(async () => (await readdir(join(dir, 'outbox')).catch(() => [])).length, { timeout: 20_000 }).toBe(1)
    const metrics = (await (await fetch(`${baseUrl}/metrics`)).json()) as { campaigns: Array<{ name: string; lifetime: { counts: { sent: number } } }> }
    expect(metrics.campaigns.find((c) => c.name === 'Host app campaign')?.lifetime.counts.sent).toBe(1)
    expect((await fetch(`${baseUrl}/campaigns/00000000-0000-0000-0000-000000000000/metrics`)).status).toBe(404)
    // A sending pool registered by a worker (here: straight in the store) shows up with its usage and limit.
    const mailboxName = `pool-${randomUUID()}@sender.example`
    await store.registerMailboxes({ mailboxes: [{ name: mailboxName, address: mailboxName, dailyLimit: 30, rampUp: { start: 5, increment: 3 }, minGapMs: 60_000 }], now: new Date() })
    const withPool = (await (await fetch(`${baseUrl}/metrics`)).json()) as { mailboxes: Array<{ name: string; status: string; limitToday: number; sentOnDay: number; rampDay: number }> }
    expect(withPool.mailboxes.find((mailbox) => mailbox.name === mailboxName)).toMatchObject({ status: 'active', limitToday: 5, sentOnDay: 0, rampDay: 0 })
  })

  it('GET shows a confirmation page and never unsubscribes; POST (RFC 8058 one-click) does', async () => {
    const token = createUnsubscribeToken({ leadId: lead.id, email: lead.emailNormalized }, secret)
    const page = await fetch(`${baseUrl}/unsubscribe?token=${encodeURIComponent(token)}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<form method="post"')
    expect(await store.getSuppression(lead.emailNormalized)).toBeNull()
    const post = await fetch(`${baseUrl}/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(post.status).toBe(200)
    expect(await post.text()).toContain('lee@prospect.example will not receive these emails again')
    expect((await store.getSuppression(lead.emailNormalized))?.reason).toBe('unsubscribe')
    expect((await store.getLead(lead.id))?.state).toBe('unsubscribed')
    const forged = await fetch(`${baseUrl}/unsubscribe?token=${encodeURIComponent(token.slice(0, -3))}abc`, { method: 'POST', body: '' })
    expect(forged.status).toBe(400)
    const injected = await fetch(`${baseUrl}/unsubscribe?token=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E`)
    expect(await injected.text()).not.toContain('<script>')
  })

  it('POST /webhooks/resend applies a signed bounce and refuses a forged event with 401', async () => {
    const client = createCamClient({ store })
    const campaign = await client.createCampaign({
      name: 'Webhook campaign',
      sender: { email: 'ana@sender.example' },
      steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }} — unsubscribe: {{ unsubscribeUrl }}', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    const kim = (await client.addLeads(campaign.id, [{ email: 'kim@prospect.example', firstName: 'Kim' }])).addedLeads[0]!
    await client.startCampaign(campaign.id)
    // The running worker sends it; the sender's id is what Resend's events name as `email_id`.
    await expect.poll(async () => (await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })).length, { timeout: 20_000 }).toBe(1)
    const [email] = await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    const bounced = {
      type: 'email.bounced',
      created_at: new Date().toISOString(),
      data: {
        email_id: email!.providerId,
        created_at: new Date().toISOString(),
        from: 'ana@sender.example',
        to: ['kim@prospect.example'],
        subject: 'Hello Kim',
        bounce: { type: 'Permanent', subType: 'General', message: '550 5.1.1 The email account that you tried to reach does not exist.' },
      },
    }

    // Signed with another secret: refused, nothing applied.
    const forged = await postResendEvent(baseUrl, bounced, `whsec_${randomBytes(24).toString('base64')}`)
    expect(forged.status).toBe(401)
    expect((await store.getLead(kim.id))?.state).not.toBe('bounced')
    expect(await store.getSuppression(kim.emailNormalized)).toBeNull()

    const genuine = await postResendEvent(baseUrl, bounced, webhookSecret, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W')
    expect(genuine.status).toBe(200)
    expect(await genuine.json()).toEqual({ status: 'applied' })
    expect((await store.getLead(kim.id))?.state).toBe('bounced')
    expect((await store.getSuppression(kim.emailNormalized))?.reason).toBe('hard_bounce')

    // Resend retries a message with the same svix-id: acknowledged, applied once.
    const retried = await postResendEvent(baseUrl, bounced, webhookSecret, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W')
    expect(retried.status).toBe(200)
    expect(await retried.json()).toEqual({ status: 'duplicate' })
    expect(await store.listDeliveryEvents({ campaignId: campaign.id })).toHaveLength(1)
    expect((await client.getCampaignMetrics(campaign.id)).lifetime.counts.hardBounced).toBe(1)

    expect((await fetch(`${baseUrl}/webhooks/resend`)).status).toBe(405)
    expect(output).toContain('/webhooks/resend')
    expect(output).not.toContain(webhookSecret.slice('whsec_'.length)) // the secret is never logged
  })

  it('serves the dashboard at /admin/cam behind HTTP Basic auth, and its actions', async () => {
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })
    const anonymous = await fetch(`${baseUrl}/admin/cam`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic')
    expect((await fetch(`${baseUrl}/admin/cam`, { headers: basic('ops', 'wrong') })).status).toBe(401)
    const page = await fetch(`${baseUrl}/admin/cam`, { headers: basic('ops', dashboardPassword) })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Host app campaign')
    // Pause from the dashboard: a form POST with its token, logged with the user name.
    const campaignId = /data-campaign="([^"]+)"/.exec(html)![1]!
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1]!
    const paused = await fetch(`${baseUrl}/admin/cam/campaigns/${campaignId}/pause`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...basic('ops', dashboardPassword), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, reason: 'checking the list' }).toString(),
    })
    expect(paused.status).toBe(303)
    expect((await createCamClient({ store }).getCampaign(campaignId))!.status).toBe('paused')
    await expect.poll(() => output, { timeout: 5_000 }).toContain('"actor":"ops"')
    expect(output).not.toContain(dashboardPassword)
    await createCamClient({ store }).resumeCampaign(campaignId)
  })

  it('shuts down gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('"message":"stopped"')
    const heartbeats = await store.listHeartbeats()
    expect(heartbeats.length).toBe(1)
  })
})
