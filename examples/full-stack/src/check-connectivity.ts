import { ImapFlow } from 'imapflow'
import pg from 'pg'
import { latestMigrationVersion } from '@cam/adapter-postgres'
import { checkPoolMailbox, describeMailboxPool } from './check-mailbox-pool.js'
import { publicWebhookUrl, resendWebhookPath } from './create-webhook-server.js'
import { describeFailure } from './describe-failure.js'
import type { FullStackConfig } from './full-stack-config.js'
import type { ServiceCheck } from './service-check.js'
import { describeWebhookSecretProblem } from './webhook-secret.js'

export type { ServiceCheck } from './service-check.js'

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`

/** The host (and port) of a URL — never its path or credentials, which may be secret. */
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the server'
  }
}

/** The PostgreSQL check, and whether CAM's schema is there and up to date (the pool can then be read). */
async function checkPostgres(config: FullStackConfig): Promise<ServiceCheck & { schemaUpToDate: boolean }> {
  const client = new pg.Client({ connectionString: config.database.url, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'
    const table = await client.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`${quote(config.database.schema)}.schema_migrations`])
    let schemaState = `schema "${config.database.schema}" not migrated yet (the worker migrates it on start)`
    let schemaUpToDate = false
    if (table.rows[0]?.exists) {
      const applied = (await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${quote(config.database.schema)}.schema_migrations`)).rows[0]?.version ?? 0
      const needed = latestMigrationVersion()
      schemaUpToDate = applied >= needed
      schemaState = schemaUpToDate ? `schema "${config.database.schema}" at version ${applied} (up to date)` : `schema "${config.database.schema}" at version ${applied}, ${needed - applied} migration(s) pending`
    }
    return { service: 'PostgreSQL', ok: true, detail: `server ${version}; ${schemaState}`, schemaUpToDate }
  } catch (error) {
    return { service: 'PostgreSQL', ok: false, detail: describeFailure(error), schemaUpToDate: false }
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function checkImap(config: FullStackConfig): Promise<ServiceCheck | null> {
  const { imap } = config
  if (!imap) return null
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: imap.accessToken ? { user: imap.user, accessToken: imap.accessToken } : { user: imap.user, pass: imap.password ?? '' },
    logger: false,
    connectionTimeout: 10_000,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    const found: string[] = []
    for (const mailbox of imap.mailboxes) {
      const status = await client.status(mailbox, { messages: true, uidValidity: true })
      found.push(status ? `${mailbox}: ${status.messages ?? 0} messages` : `${mailbox}: no status`)
    }
    const idle = client.capabilities.has('IDLE') ? 'IDLE supported' : 'no IDLE (will poll)'
    return { service: 'IMAP', ok: true, detail: `${imap.user}@${imap.host}:${imap.port}; ${found.join(', ')}; ${idle}` }
  } catch (error) {
    const authFailed = (error as { authenticationFailed?: boolean }).authenticationFailed === true
    return { service: 'IMAP', ok: false, detail: authFailed ? `authentication failed for ${imap.user}` : `${imap.host}:${imap.port}: ${describeFailure(error)}` }
  } finally {
    await client.logout().catch(() => client.close())
  }
}

async function checkResend(config: FullStackConfig): Promise<ServiceCheck | null> {
  const { resend } = config
  if (!resend) return null
  const base = (resend.baseUrl ?? 'https://api.resend.com').replace(/\/$/, '')
  try {
    // Read-only: lists the domains; nothing is sent.
    const response = await fetch(`${base}/domains`, { headers: { authorization: `Bearer ${resend.apiKey}` }, signal: AbortSignal.timeout(10_000) })
    const body = (await response.json().catch(() => ({}))) as { data?: Array<{ name: string; status: string }>; name?: string; message?: string }
    if (!response.ok) {
      const answer = `HTTP ${response.status}${body.name ? ` ${body.name}` : ''}${body.message ? `: ${body.message}` : ''}`
      const refused = response.status === 401 || response.status === 403
      return { service: 'Resend', ok: false, detail: refused ? `the API key was refused (${answer})` : `${hostOf(base)} answered ${answer}` }
    }
    const domains = (body.data ?? []).map((d) => `${d.name} (${d.status})`).join(', ') || 'no domains'
    return { service: 'Resend', ok: true, detail: `API key accepted; domains: ${domains}` }
  } catch (error) {
    return { service: 'Resend', ok: false, detail: `cannot reach ${hostOf(base)}: ${describeFailure(error)}` }
  }
}

async function checkSlack(config: FullStackConfig): Promise<ServiceCheck | null> {
  const { slack } = config
  try {
    if (slack.webhookUrl) {
      // An empty payload is refused with `no_text` by a live webhook (and `no_service` /
      // `invalid_token` by a dead one) — so nothing is posted.
      const response = await fetch(slack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(10_000) })
      const text = (await response.text()).slice(0, 100)
      const alive = response.status === 400 && /no_text|invalid_payload/.test(text)
      if (alive) return { service: 'Slack webhook', ok: true, detail: 'webhook is live (checked without posting)' }
      const answer = `HTTP ${response.status}${/^[a-z_]+$/.test(text) ? ` ${text}` : ''}`
      const gone = response.status === 403 || response.status === 404 || response.status === 410
      return { service: 'Slack webhook', ok: false, detail: gone ? `the webhook URL was refused: revoked, deleted or mistyped (${answer})` : `webhook answered ${answer}` }
    }
    if (slack.token) {
      const base = (slack.apiUrl ?? 'https://slack.com/api/').replace(/\/?$/, '/')
      const response = await fetch(`${base}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${slack.token}` }, signal: AbortSignal.timeout(10_000) })
      const body = (await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }))) as { ok: boolean; team?: string; user?: string; error?: string }
      return body.ok
        ? { service: 'Slack Web API', ok: true, detail: `token valid for ${body.user ?? '?'} in ${body.team ?? '?'}; posting to ${slack.channel}` }
        : {
            service: 'Slack Web API',
            ok: false,
            detail: /^(invalid_auth|not_authed|token_revoked|token_expired|account_inactive)$/.test(body.error ?? '')
              ? `the bot token was refused (auth.test: ${body.error})`
              : `auth.test failed: ${body.error ?? 'unknown error'}`,
          }
    }
    return null
  } catch (error) {
    // The webhook URL is a secret: only its host is named.
    const url = slack.webhookUrl ?? slack.apiUrl ?? 'https://slack.com/api/'
    return { service: slack.webhookUrl ? 'Slack webhook' : 'Slack Web API', ok: false, detail: `cannot reach ${hostOf(url)}: ${describeFailure(error)}` }
  }
}

/**
 * The Resend webhook endpoint: the secret's format (never the secret) and where to point the
 * webhook. Nothing is contacted: Resend calls this process, not the other way round.
 */
function checkWebhook(config: FullStackConfig): ServiceCheck | null {
  const { webhook } = config
  // A pool sends over SMTP: bounce reports and complaints come back into each mailbox (IMAP).
  if (!webhook && config.pool) return null
  if (!webhook) {
    return { service: 'Resend webhook', ok: true, detail: `off: set RESEND_WEBHOOK_SECRET to record Resend's bounces and complaints (POST ${resendWebhookPath})` }
  }
  const problem = describeWebhookSecretProblem(webhook.secret)
  if (problem) return { service: 'Resend webhook', ok: false, detail: `RESEND_WEBHOOK_SECRET ${problem}` }
  return {
    service: 'Resend webhook',
    ok: true,
    detail: `signing secret well-formed; the worker serves POST ${resendWebhookPath} on ${webhook.host}:${webhook.port} — in Resend → Webhooks, point the endpoint at ${publicWebhookUrl(webhook)}`,
  }
}

/**
 * Checks every configured service without sending or changing anything: PostgreSQL, the
 * shared IMAP inbox, Resend, Slack, each mailbox of the sending pool (SMTP and IMAP logins),
 * then — when the store is reachable and migrated — the pool as the store sees it.
 */
export async function checkConnectivity(config: FullStackConfig): Promise<ServiceCheck[]> {
  const pool = config.pool
  const [postgres, ...checks] = await Promise.all([
    checkPostgres(config),
    checkImap(config),
    checkResend(config),
    checkSlack(config),
    ...(pool ? pool.mailboxes.map((mailbox) => checkPoolMailbox(mailbox)) : []),
  ])
  const { schemaUpToDate, ...postgresCheck } = postgres
  const results = [postgresCheck, ...checks.filter((check): check is ServiceCheck => check !== null)]
  if (pool && postgres.ok) {
    results.push(
      schemaUpToDate
        ? await describeMailboxPool(pool, config.database)
        : { service: 'Sending pool', ok: true, detail: `${pool.mailboxes.length} mailbox(es) configured; the store's pool is shown once the schema is migrated (the worker migrates it on start)` },
    )
  }
  const webhook = checkWebhook(config)
  if (webhook) results.push(webhook)
  if (config.alertEmails) results.push({ service: 'Alert emails', ok: true, detail: `from ${config.alertEmails.from} to ${config.alertEmails.to.join(', ')} (via Resend)` })
  if (!config.slack.webhookUrl && !config.slack.token && !config.alertEmails) {
    results.push({ service: 'Alerts', ok: false, detail: 'no alert channel configured: set SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN + SLACK_CHANNEL, or CAM_ALERT_EMAILS' })
  }
  return results
}
