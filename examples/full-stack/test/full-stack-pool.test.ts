import { execFile, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ImapFlow } from 'imapflow'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStore, migrate, type PostgresStore } from '@cam/adapter-postgres'
import { createCamClient } from '@cam/core'
import { startDovecot, type DovecotServer } from '../../../packages/adapter-imap/test/support/dovecot-server.js'
import { createSelfSignedCertificate } from '../../../packages/adapter-smtp/test/support/self-signed-certificate.js'
import { startSmtpTestServer, type RecordedMessage, type SmtpTestServer } from '../../../packages/adapter-smtp/test/support/smtp-test-server.js'
import { startSlackApiServer, type SlackApiServer } from '../../../packages/adapter-slack/test/slack-api-server.js'
import { startOAuthTokenServer, type OAuthTokenServer } from './support/oauth-token-server.js'

const run = promisify(execFile)
const main = new URL('../src/main.ts', import.meta.url).pathname
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `full_stack_pool_${randomUUID().replace(/-/g, '').slice(0, 12)}`
const secret = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`

const ana = 'ana@cam-test.example'
const ben = 'ben@cam-test.example'
const carl = 'carl@cam-test.example'
const anaPassword = secret('ana-pw')
/** Ben's access token: Dovecot checks an XOAUTH2 token against its password file, so it is also his Dovecot password. */
const benAccessToken = secret('ben-token')
const benRefreshToken = secret('ben-refresh')
const clientSecret = secret('client-secret')
const carlAccessToken = secret('carl-token')

async function runMain(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const headerOf = (message: RecordedMessage, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(message.raw.toString('utf8'))?.[1]?.trim()

describe('full-stack example with a sending pool (SMTP + IMAP mailboxes from the environment)', () => {
  let directory: string
  let caFile: string
  let dovecot: DovecotServer
  /** STARTTLS with the test's own CA: Ana (password) and Carl (an OAuth2 access token). */
  let starttlsSmtp: SmtpTestServer
  /** Implicit TLS: Ben (OAuth2 tokens from his refresh token). */
  let implicitSmtp: SmtpTestServer
  /** No TLS at all: a password must never be sent to it. */
  let plainSmtp: SmtpTestServer
  let tokens: OAuthTokenServer
  let slack: SlackApiServer
  let store: PostgresStore
  let env: Record<string, string>

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cam-full-stack-pool-'))
    const certificate = createSelfSignedCertificate()
    caFile = join(directory, 'ca.pem')
    const keyFile = join(directory, 'key.pem')
    writeFileSync(caFile, certificate.cert, { mode: 0o644 })
    writeFileSync(keyFile, certificate.key, { mode: 0o600 })
    ;[dovecot, starttlsSmtp, implicitSmtp, plainSmtp, tokens, slack] = await Promise.all([
      startDovecot({
        user: ana,
        password: anaPassword,
        extraUsers: [{ user: ben, password: benAccessToken }],
        // STARTTLS with the same certificate: the pool's imap:// requires it.
        extraConfig: ['ssl = yes', `ssl_cert = <${caFile}`, `ssl_key = <${keyFile}`],
      }),
      startSmtpTestServer({ tls: certificate, passwords: { [ana]: anaPassword }, tokens: { [carl]: [carlAccessToken] } }),
      startSmtpTestServer({ secure: true, tls: certificate, tokens: { [ben]: [benAccessToken] } }),
      startSmtpTestServer({ passwords: { 'fay@cam-test.example': 'fay-password' } }),
      startOAuthTokenServer({ clientId: 'cam-test-client', clientSecret, grants: { [benRefreshToken]: [benAccessToken] } }),
      startSlackApiServer(),
    ])
    env = {
      DATABASE_URL: databaseUrl,
      CAM_DB_SCHEMA: schema,
      SLACK_WEBHOOK_URL: slack.webhookUrl,
      CAM_INTERVAL_MS: '300',
      CAM_MAILBOXES: 'ana,ben,carl',
      CAM_MAILBOX_ANA_ADDRESS: ana,
      CAM_MAILBOX_ANA_NAME: 'Ana',
      CAM_MAILBOX_ANA_SMTP_URL: `smtp://127.0.0.1:${starttlsSmtp.port}`,
      CAM_MAILBOX_ANA_SMTP_PASSWORD: anaPassword,
      CAM_MAILBOX_ANA_IMAP_URL: `imap://127.0.0.1:${dovecot.port}`,
      CAM_MAILBOX_ANA_TLS_CA_FILE: caFile,
      CAM_MAILBOX_ANA_MIN_GAP_SECONDS: '0',
      CAM_MAILBOX_BEN_ADDRESS: ben,
      CAM_MAILBOX_BEN_NAME: 'Ben',
      CAM_MAILBOX_BEN_SMTP_URL: `smtps://127.0.0.1:${implicitSmtp.port}`,
      CAM_MAILBOX_BEN_OAUTH_TOKEN_URL: tokens.tokenUrl,
      CAM_MAILBOX_BEN_OAUTH_CLIENT_ID: 'cam-test-client',
      CAM_MAILBOX_BEN_OAUTH_CLIENT_SECRET: clientSecret,
      CAM_MAILBOX_BEN_OAUTH_REFRESH_TOKEN: benRefreshToken,
      CAM_MAILBOX_BEN_IMAP_URL: `imap://127.0.0.1:${dovecot.port}`,
      CAM_MAILBOX_BEN_TLS_CA_FILE: caFile,
      CAM_MAILBOX_BEN_MIN_GAP_SECONDS: '0',
      CAM_MAILBOX_CARL_ADDRESS: carl,
      CAM_MAILBOX_CARL_SMTP_URL: `smtp://127.0.0.1:${starttlsSmtp.port}`,
      CAM_MAILBOX_CARL_SMTP_ACCESS_TOKEN: carlAccessToken,
      CAM_MAILBOX_CARL_TLS_CA_FILE: caFile,
    }
    await migrate({ connectionString: databaseUrl, schema })
    store = createPostgresStore({ connectionString: databaseUrl, schema })
  })

  afterAll(async () => {
    await store?.close?.()
    const pool = new pg.Pool({ connectionString: databaseUrl })
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
    await Promise.all([dovecot?.dispose(), starttlsSmtp?.close(), implicitSmtp?.close(), plainSmtp?.close(), tokens?.close(), slack?.close()])
    if (directory) rmSync(directory, { recursive: true, force: true })
  })

  const secrets = () => [anaPassword, benAccessToken, benRefreshToken, clientSecret, carlAccessToken]

  it('--check logs in to each mailbox over SMTP and IMAP without sending, and prints the pool from the store', async () => {
    const result = await runMain(env, '--check')
    const smtp = `127\\.0\\.0\\.1:${starttlsSmtp.port}`
    const imap = `127\\.0\\.0\\.1:${dovecot.port}`
    expect(result.stdout).toMatch(/✓ PostgreSQL\s+server 15/)
    expect(result.stdout).toMatch(
      new RegExp(`✓ Mailbox ana\\s+${ana}: SMTP ${smtp} \\(STARTTLS, password as ${ana}\\): login ok; IMAP ${imap} \\(STARTTLS, password as ${ana}\\): INBOX 0 messages, IDLE\\n`),
    )
    expect(result.stdout).toMatch(
      new RegExp(
        `✓ Mailbox ben\\s+${ben}: OAuth2 token obtained from 127\\.0\\.0\\.1:\\d+; SMTP 127\\.0\\.0\\.1:${implicitSmtp.port} \\(implicit TLS, OAuth2 as ${ben}\\): login ok; IMAP ${imap} \\(STARTTLS, OAuth2 as ${ben}\\): INBOX 0 messages, IDLE\\n`,
      ),
    )
    expect(result.stdout).toMatch(new RegExp(`✓ Mailbox carl\\s+${carl}: SMTP ${smtp} \\(STARTTLS, OAuth2 as ${carl}\\): login ok; no IMAP \\(set CAM_MAILBOX_CARL_IMAP_URL\\)`))
    expect(result.stdout).toMatch(/✓ Sending pool\s+3 mailbox\(es\) configured, 0 in the store \(client\.listMailboxes, UTC day \d{4}-\d\d-\d\d\):\n/)
    for (const address of [ana, ben, carl]) expect(result.stdout).toContain(`    ${address}: not registered yet (the worker registers the pool at its first send step)`)
    // Neither Resend nor a shared IMAP inbox is configured: no line for them (nor for Resend's webhook).
    expect(result.stdout).not.toMatch(/Resend|^. IMAP/m)
    expect(result.stdout).toContain('Everything is reachable. Nothing was sent.')
    expect(result.code).toBe(0)
    // Real logins happened, over TLS, and nothing was sent.
    expect(starttlsSmtp.logins).toEqual(expect.arrayContaining([expect.objectContaining({ user: ana, ok: true }), { method: 'XOAUTH2', user: carl, ok: true }]))
    expect(implicitSmtp.logins).toEqual([{ method: 'XOAUTH2', user: ben, ok: true }])
    expect(tokens.grants.filter((grant) => grant.ok)).toHaveLength(1)
    expect([starttlsSmtp.messages, implicitSmtp.messages]).toEqual([[], []])
    for (const value of secrets()) expect(result.stdout + result.stderr).not.toContain(value)
  })

  it('--check names each mailbox problem: a refused login, a revoked refresh token, TLS, DNS, no TLS on the port, no STARTTLS', async () => {
    const wrongPassword = secret('wrong-pw')
    const revokedRefreshToken = secret('revoked-refresh')
    const danPassword = secret('dan-pw')
    const { CAM_MAILBOX_CARL_TLS_CA_FILE: _trusted, ...withoutCarlCa } = env
    const result = await runMain(
      {
        ...withoutCarlCa,
        CAM_MAILBOXES: 'ana,ben,carl,dan,eve,fay',
        CAM_MAILBOX_ANA_SMTP_PASSWORD: wrongPassword, // the IMAP login reuses it
        CAM_MAILBOX_BEN_OAUTH_REFRESH_TOKEN: revokedRefreshToken,
        CAM_MAILBOX_DAN_ADDRESS: 'dan@cam-test.example',
        CAM_MAILBOX_DAN_SMTP_URL: 'smtps://smtp.cam-test.invalid', // .invalid never resolves (RFC 2606)
        CAM_MAILBOX_DAN_SMTP_PASSWORD: danPassword,
        CAM_MAILBOX_EVE_ADDRESS: 'eve@cam-test.example',
        CAM_MAILBOX_EVE_SMTP_URL: `smtps://127.0.0.1:${starttlsSmtp.port}`, // implicit TLS to a STARTTLS port
        CAM_MAILBOX_EVE_SMTP_PASSWORD: danPassword,
        CAM_MAILBOX_EVE_TLS_CA_FILE: caFile,
        CAM_MAILBOX_FAY_ADDRESS: 'fay@cam-test.example',
        CAM_MAILBOX_FAY_SMTP_URL: `smtp://127.0.0.1:${plainSmtp.port}`, // STARTTLS required, not offered
        CAM_MAILBOX_FAY_SMTP_PASSWORD: 'fay-password',
      },
      '--check',
    )
    expect(result.code).toBe(1)
    const smtp = `127\\.0\\.0\\.1:${starttlsSmtp.port}`
    expect(result.stdout).toMatch(
      new RegExp(`✗ Mailbox ana\\s+${ana}: SMTP ${smtp}: authentication refused for ${ana} \\(535 5\\.7\\.8 Username and Password not accepted\\); IMAP 127\\.0\\.0\\.1:${dovecot.port}: authentication refused for ${ana}`),
    )
    expect(result.stdout).toMatch(
      new RegExp(
        `✗ Mailbox ben\\s+${ben}: OAuth2: the OAuth2 token endpoint 127\\.0\\.0\\.1:\\d+ refused the refresh token or client of ${ben} \\(HTTP 400 invalid_grant Token has been expired or revoked\\.\\): get a new refresh token; SMTP and IMAP not tried`,
      ),
    )
    expect(result.stdout).toMatch(new RegExp(`✗ Mailbox carl\\s+${carl}: SMTP ${smtp}: TLS: self-signed certificate \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); no IMAP`))
    expect(result.stdout).toMatch(/✗ Mailbox dan\s+dan@cam-test\.example: SMTP smtp\.cam-test\.invalid:465: DNS: cannot resolve smtp\.cam-test\.invalid \((ENOTFOUND|EAI_AGAIN)\)/)
    expect(result.stdout).toMatch(new RegExp(`✗ Mailbox eve\\s+eve@cam-test\\.example: SMTP ${smtp}: TLS: wrong version number \\(ERR_SSL_WRONG_VERSION_NUMBER\\) — the server does not speak TLS on this port`))
    expect(result.stdout).toMatch(
      new RegExp(
        `✗ Mailbox fay\\s+fay@cam-test\\.example: SMTP 127\\.0\\.0\\.1:${plainSmtp.port}: TLS: STARTTLS failed \\(the server answered 500 Error: command not recognized\\) — the connection was not encrypted, so no password was sent`,
      ),
    )
    expect(plainSmtp.logins).toEqual([]) // indeed
    expect(result.stdout).toContain('6 problem(s). Nothing was sent.')
    for (const value of [...secrets(), wrongPassword, revokedRefreshToken, danPassword]) expect(result.stdout + result.stderr).not.toContain(value)
  })

  it('refuses to start with a bad pool variable, naming it without the secret', async () => {
    const result = await runMain({ ...env, CAM_MAILBOX_ANA_SMTP_URL: `smtp://ana:${anaPassword}@127.0.0.1:${starttlsSmtp.port}`, CAM_MAILBOX_BEN_RAMP: 'quickly' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('CAM_MAILBOX_ANA_SMTP_URL: holds a password: remove it from the URL and set CAM_MAILBOX_ANA_SMTP_PASSWORD (value hidden)')
    expect(result.stderr).toContain('CAM_MAILBOX_BEN_RAMP: expected <emails on the first day>+<more each day>')
    expect(result.stdout + result.stderr).not.toContain(anaPassword)
  })

  it('sends through the pool — each new lead from another mailbox, over its own login — reads the reply over IMAP and alerts Slack', async () => {
    const client = createCamClient({ store })
    const campaign = await client.createCampaign({
      name: 'Pool',
      sender: { email: ana, name: 'Ana' },
      mailboxes: [ana, ben], // not Carl
      steps: [{ subject: 'Quick question, {{ firstName }}', text: 'Hi {{ firstName }}, worth a chat?', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    await client.addLeads(campaign.id, [
      { email: 'lee@prospect.example', firstName: 'Lee' },
      { email: 'kim@prospect.example', firstName: 'Kim' },
    ])
    await client.startCampaign(campaign.id)

    let output = ''
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      await expect.poll(() => starttlsSmtp.messages.length + implicitSmtp.messages.length, { timeout: 30_000 }).toBe(2)
      // One lead from Ana (STARTTLS, password), the other from Ben (implicit TLS, OAuth2): each as itself.
      const [fromAna] = starttlsSmtp.messages
      const [fromBen] = implicitSmtp.messages
      expect([fromAna?.user, fromAna?.secure, fromAna?.mailFrom.address, headerOf(fromAna!, 'From')]).toEqual([ana, true, ana, `Ana <${ana}>`])
      expect([fromBen?.user, fromBen?.secure, fromBen?.mailFrom.address, headerOf(fromBen!, 'From')]).toEqual([ben, true, ben, `Ben <${ben}>`])
      expect([...fromAna!.rcptTo, ...fromBen!.rcptTo].map((rcpt) => rcpt.address).sort()).toEqual(['kim@prospect.example', 'lee@prospect.example'])
      expect(tokens.grants.filter((grant) => grant.ok && grant.refreshToken === benRefreshToken).length).toBeGreaterThanOrEqual(2) // --check's, and the worker's

      // The prospect Ben wrote to replies; the reply lands in Ben's mailbox, read over IMAP with his OAuth2 token.
      const prospect = fromBen!.rcptTo[0]!.address
      const messageId = headerOf(fromBen!, 'Message-ID')
      expect(messageId).toMatch(/^<cam\..+@cam-test\.example>$/)
      const imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: true, tls: { ca: readFileSync(caFile, 'utf8') }, auth: { user: ben, pass: benAccessToken }, logger: false })
      await imap.connect()
      await imap.append(
        'INBOX',
        `From: <${prospect}>\r\nTo: ${ben}\r\nSubject: Re: Quick question\r\nMessage-ID: <reply-${randomUUID()}@prospect.example>\r\nIn-Reply-To: ${messageId}\r\nReferences: ${messageId}\r\nDate: ${new Date().toUTCString()}\r\n\r\nYes, I'm interested. Let's talk on Tuesday.\r\n`,
      )
      await imap.logout()

      await expect.poll(() => slack.messages.length, { timeout: 30_000 }).toBe(1)
      expect(JSON.stringify(slack.messages[0]!.payload)).toContain('Positive reply from')
      const leads = await client.listLeads({ campaignId: campaign.id })
      expect(leads.find((lead) => lead.email === prospect)?.state).toBe('interested')
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
    expect(output).toContain('"sending":{"pool":["ana@cam-test.example","ben@cam-test.example","carl@cam-test.example"]}')
    expect(output).toContain('worker stopped')
    for (const value of secrets()) expect(output).not.toContain(value)

    // --check now shows each mailbox's usage from the store.
    const checked = await runMain(env, '--check')
    expect(checked.code).toBe(0)
    expect(checked.stdout).toMatch(/✓ Sending pool\s+3 mailbox\(es\) configured, 3 in the store/)
    for (const address of [ana, ben]) {
      expect(checked.stdout).toContain(`    ${address}: active; sent today 1 of 5 (limit 30, ramp 5+3, day 0); last 7 days: 1 sent, bounces 0.0 %, blocks 0.0 %, complaints 0.0 %`)
    }
    expect(checked.stdout).toContain(`    ${carl}: active; sent today 0 of 5 (limit 30, ramp 5+3, day 0); last 7 days: 0 sent`)

    // A paused mailbox says why and how to resume it; one the store knows but the environment no longer lists is flagged.
    await client.pauseMailbox(ben, 'SMTP login refused by the server')
    const withoutCarl = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('CAM_MAILBOX_CARL_')))
    const paused = await runMain({ ...withoutCarl, CAM_MAILBOXES: 'ana,ben' }, '--check')
    expect(paused.code).toBe(0)
    expect(paused.stdout).toMatch(/✓ Sending pool\s+2 mailbox\(es\) configured, 3 in the store, 1 paused/)
    expect(paused.stdout).toContain(`    ${ben}: PAUSED (SMTP login refused by the server) — fix it, then client.resumeMailbox("${ben}"); sent today 1 of 5`)
    expect(paused.stdout).toContain(`    ${carl}: active; sent today 0 of 5 (limit 30, ramp 5+3, day 0); last 7 days: 0 sent, bounces 0.0 %, blocks 0.0 %, complaints 0.0 %, replies 0.0 % — NOT CONFIGURED here`)
    expect([starttlsSmtp.messages.length, implicitSmtp.messages.length]).toEqual([1, 1])
  })
})
