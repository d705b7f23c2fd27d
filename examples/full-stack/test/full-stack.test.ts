import { execFile, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { ImapFlow } from 'imapflow'
import pg from 'pg'
import { Webhook } from 'svix'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStore, migrate, type PostgresStore } from '@cam/adapter-postgres'
import { createCamClient } from '@cam/core'
import { startDovecot, type DovecotServer } from '../../../packages/adapter-imap/test/support/dovecot-server.js'
import { startResendApiServer, type ResendApiServer } from '../../../packages/adapter-resend/test/resend-api-server.js'
import { startSlackApiServer, type SlackApiServer } from '../../../packages/adapter-slack/test/slack-api-server.js'

const run = promisify(execFile)
const main = new URL('../src/main.ts', import.meta.url).pathname
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `full_stack_${randomUUID().replace(/-/g, '').slice(0, 12)}`
/** A webhook signing secret as Resend (Svix) makes them: `whsec_` and 24 random bytes in base64. */
const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`

/** POSTs a Resend event the way Resend's webhook provider (Svix) does, signed with `secret`. */
async function postResendEvent(url: string, event: unknown, secret: string): Promise<Response> {
  const msgId = `msg_${randomUUID().replace(/-/g, '')}`
  const payload = JSON.stringify(event)
  const timestamp = new Date()
  return fetch(url, {
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

async function runMain(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('full-stack example', () => {
  let dovecot: DovecotServer
  let resend: ResendApiServer
  let slack: SlackApiServer
  let store: PostgresStore
  let env: Record<string, string>

  beforeAll(async () => {
    ;[dovecot, resend, slack] = await Promise.all([startDovecot(), startResendApiServer({ rateLimit: false }), startSlackApiServer()])
    env = {
      DATABASE_URL: databaseUrl,
      CAM_DB_SCHEMA: schema,
      IMAP_HOST: dovecot.host,
      IMAP_PORT: String(dovecot.port),
      IMAP_SECURE: 'false',
      IMAP_USER: dovecot.user,
      IMAP_PASSWORD: dovecot.password,
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
      CAM_INTERVAL_MS: '300',
    }
    await migrate({ connectionString: databaseUrl, schema })
    store = createPostgresStore({ connectionString: databaseUrl, schema })
  })

  afterAll(async () => {
    await store?.close?.()
    const pool = new pg.Pool({ connectionString: databaseUrl })
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
    await Promise.all([dovecot?.dispose(), resend?.close(), slack?.close()])
  })

  it('lists every missing or bad variable in one message, without echoing secrets', async () => {
    const result = await runMain({ RESEND_API_KEY: 're_super_secret_value', DATABASE_URL: 'mysql://root:hunter2@db/x', IMAP_PORT: 'ninety' })
    expect(result.code).toBe(2)
    for (const name of ['DATABASE_URL', 'IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD', 'IMAP_PORT']) expect(result.stderr).toContain(name)
    expect(result.stderr).not.toContain('hunter2')
    expect(result.stderr).not.toContain('re_super_secret_value')
  })

  it('--check verifies every service and sends nothing', async () => {
    const webhookSecret = newWebhookSecret()
    const result = await runMain({ ...env, RESEND_WEBHOOK_SECRET: webhookSecret, CAM_PUBLIC_URL: 'https://cam.acme.example/' }, '--check')
    expect(result.stdout).toMatch(/✓ PostgreSQL\s+server 15/)
    expect(result.stdout).toMatch(new RegExp(`✓ IMAP\\s+${dovecot.user}@127\\.0\\.0\\.1:${dovecot.port}; INBOX: 0 messages; IDLE supported`))
    expect(result.stdout).toMatch(/✓ Resend\s+API key accepted; domains: cam-test\.example \(verified\)/)
    expect(result.stdout).toMatch(/✓ Slack webhook\s+webhook is live/)
    expect(result.stdout).toMatch(
      /✓ Resend webhook\s+signing secret well-formed; the worker serves POST \/webhooks\/resend on 127\.0\.0\.1:3000 — in Resend → Webhooks, point the endpoint at https:\/\/cam\.acme\.example\/webhooks\/resend/,
    )
    expect(result.stdout + result.stderr).not.toContain(webhookSecret.slice('whsec_'.length))
    expect(result.stdout).toContain('Nothing was sent.')
    expect(result.code).toBe(0)
    expect(resend.emails).toHaveLength(0)
    expect(slack.messages).toHaveLength(0)
  })

  it('--check says what is wrong with a malformed RESEND_WEBHOOK_SECRET without printing it; start refuses it', async () => {
    const short = `whsec_${randomBytes(16).toString('base64')}`
    const cases = [
      { secret: 're_live_0123456789abcdefghij', problem: /RESEND_WEBHOOK_SECRET looks like a Resend API key \(re_…\), not a webhook signing secret/ },
      { secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', problem: /RESEND_WEBHOOK_SECRET does not start with whsec_: copy the signing secret/ },
      { secret: 'whsec_MfKQ9r8G-KYqrTwj_UPD8ILPZIo2LaLaSwABCDEF', problem: /RESEND_WEBHOOK_SECRET has characters after whsec_ that are not base64/ },
      { secret: short, problem: /RESEND_WEBHOOK_SECRET holds 16 bytes after whsec_, a Resend signing secret holds at least 24/ },
    ]
    const results = await Promise.all(cases.map(({ secret }) => runMain({ ...env, RESEND_WEBHOOK_SECRET: secret }, '--check')))
    results.forEach((result, index) => {
      const { secret, problem } = cases[index]!
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(new RegExp(`✗ Resend webhook\\s+${problem.source}`))
      expect(result.stdout).toMatch(/✓ Resend\s+API key accepted/) // the other checks still ran
      expect(result.stdout + result.stderr).not.toContain(secret.replace(/^whsec_/, ''))
    })
    const started = await runMain({ ...env, RESEND_WEBHOOK_SECRET: short })
    expect(started.code).toBe(2)
    expect(started.stderr).toMatch(/RESEND_WEBHOOK_SECRET holds 16 bytes after whsec_/)
    expect(started.stdout + started.stderr).not.toContain(short.replace(/^whsec_/, ''))
  })

  it('--check reports a wrong IMAP password clearly, without the password', async () => {
    const result = await runMain({ ...env, IMAP_PASSWORD: 'wrong-password-123' }, '--check')
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/✗ IMAP\s+authentication failed for/)
    expect(result.stdout + result.stderr).not.toContain('wrong-password-123')
  })

  it('--check names the cause of each failure: a refused connection, DNS, TLS, a refused API key', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo
        server.close(() => resolve(port))
      })
    })
    const secretPath = '/services/T0/B0/secret-webhook-path'
    const result = await runMain(
      {
        ...env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/test`,
        IMAP_HOST: 'imap.cam-test.invalid', // .invalid never resolves (RFC 2606)
        RESEND_API_KEY: 're_wrong_key_0123456789',
        SLACK_WEBHOOK_URL: `https://${new URL(slack.webhookUrl).host}${secretPath}`, // https to a plain-HTTP server
      },
      '--check',
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(new RegExp(`✗ PostgreSQL\\s+connection refused by 127\\.0\\.0\\.1:${closedPort} \\(ECONNREFUSED\\)`))
    expect(result.stdout).toMatch(/✗ IMAP\s+imap\.cam-test\.invalid:\d+: DNS: cannot resolve imap\.cam-test\.invalid \((ENOTFOUND|EAI_AGAIN)\)/)
    expect(result.stdout).toMatch(/✗ Resend\s+the API key was refused \(HTTP 403 invalid_api_key: API key is invalid\)/)
    expect(result.stdout).toMatch(/✗ Slack webhook\s+cannot reach 127\.0\.0\.1:\d+: TLS: wrong version number \(ERR_SSL_WRONG_VERSION_NUMBER\) — the server does not speak TLS on this port/)
    expect(result.stdout).not.toContain('fetch failed')
    expect(result.stdout + result.stderr).not.toContain('re_wrong_key_0123456789')
    expect(result.stdout + result.stderr).not.toContain(secretPath)
  })

  it('--check names a Resend API it cannot speak TLS to, and a revoked Slack webhook', async () => {
    slack.failNext({ type: 'revoked' })
    const result = await runMain({ ...env, RESEND_BASE_URL: resend.url.replace(/^http:/, 'https:') }, '--check')
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/✓ PostgreSQL/)
    expect(result.stdout).toMatch(/✗ Resend\s+cannot reach 127\.0\.0\.1:\d+: TLS: wrong version number/)
    expect(result.stdout).toMatch(/✗ Slack webhook\s+the webhook URL was refused: revoked, deleted or mistyped \(HTTP 403 invalid_token\)/)
    expect(result.stdout).toContain('2 problem(s). Nothing was sent.')
  })

  it('runs the whole stack: sends through Resend, reads the reply over IMAP, alerts Slack, stops on SIGTERM', async () => {
    const client = createCamClient({ store })
    const campaign = await client.createCampaign({
      name: 'Full stack',
      sender: { email: 'ana@cam-test.example', name: 'Ana' },
      steps: [{ subject: 'Quick question, {{ firstName }}', text: 'Hi {{ firstName }}, worth a chat?', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    await client.addLeads(campaign.id, [{ email: 'lee@prospect.example', firstName: 'Lee' }])
    await client.startCampaign(campaign.id)

    let output = ''
    const webhookSecret = newWebhookSecret()
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH ?? '', ...env, RESEND_WEBHOOK_SECRET: webhookSecret, CAM_WEBHOOK_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      await expect.poll(() => resend.emails.length, { timeout: 30_000 }).toBe(1)
      const sent = resend.emails[0]!
      expect(sent.recipients).toEqual(['lee@prospect.example'])
      expect(sent.body.subject).toBe('Quick question, Lee')
      const messageId = sent.body.headers?.['Message-ID']
      expect(messageId).toMatch(/^<cam\..+@cam-test\.example>$/)

      // Resend reports the delivery through the webhook endpoint the process serves.
      const webhookUrl = /"url":"(http:\/\/127\.0\.0\.1:\d+\/webhooks\/resend)"/.exec(output)?.[1]
      expect(webhookUrl, output).toBeDefined()
      const delivered = {
        type: 'email.delivered',
        created_at: new Date().toISOString(),
        data: { email_id: sent.id, created_at: new Date().toISOString(), from: 'Ana <ana@cam-test.example>', to: ['lee@prospect.example'], subject: sent.body.subject },
      }
      expect((await postResendEvent(webhookUrl!, delivered, newWebhookSecret())).status).toBe(401) // signed with another secret
      const accepted = await postResendEvent(webhookUrl!, delivered, webhookSecret)
      expect(accepted.status).toBe(200)
      expect(await accepted.json()).toEqual({ status: 'applied' })
      expect((await client.getCampaignMetrics(campaign.id)).lifetime.counts.delivered).toBe(1)

      const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false })
      await imap.connect()
      await imap.append(
        'INBOX',
        `From: Lee <lee@prospect.example>\r\nTo: ana@cam-test.example\r\nSubject: Re: Quick question, Lee\r\nMessage-ID: <reply-${randomUUID()}@prospect.example>\r\nIn-Reply-To: ${messageId}\r\nReferences: ${messageId}\r\nDate: ${new Date().toUTCString()}\r\n\r\nYes, I'm interested. Let's talk on Tuesday <!channel>.\r\n`,
      )
      await imap.logout()

      await expect.poll(() => slack.messages.length, { timeout: 30_000 }).toBe(1)
      const alert = JSON.stringify(slack.messages[0]!.payload)
      expect(alert).toContain('Positive reply from Lee')
      expect(alert).not.toContain('<!channel>') // the reply's mention is escaped
      const [lead] = await client.listLeads({ campaignId: campaign.id })
      expect(lead?.state).toBe('interested')
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
    expect(output).toContain('worker stopped')
    expect(output).not.toContain(dovecot.password)
    expect(output).not.toContain(webhookSecret.slice('whsec_'.length))
  })
})
