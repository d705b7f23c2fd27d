import { ImapFlow } from 'imapflow'
import { createTransport } from 'nodemailer'
import { createPostgresStore } from '@cam/adapter-postgres'
import { createCamClient, type MailboxMetrics } from '@cam/core'
import { sanitizeForLog, toSingleLine } from '@cam/core/adapter-kit'
import { mailboxTokenSource } from './create-mailbox-pool.js'
import { describeFailure } from './describe-failure.js'
import type { MailboxAuth, MailboxPoolConfig, MailboxServer, PoolMailboxSettings } from './mailbox-pool-config.js'
import type { ServiceCheck } from './service-check.js'

/** A server's answer, made one safe line (it is the server's text, not ours). */
const serverText = (text: unknown) => (typeof text === 'string' && text.trim() !== '' ? sanitizeForLog(toSingleLine(text), 160) : undefined)

/** How the connection is protected, and how it logs in. */
function describeServer(server: MailboxServer): string {
  const login = server.auth.kind === 'password' ? 'password' : 'OAuth2'
  return `${server.host}:${server.port} (${server.secure ? 'implicit TLS' : 'STARTTLS'}, ${login} as ${server.auth.user})`
}

interface NodemailerErrorFields {
  code?: unknown
  originalCode?: unknown
  response?: unknown
  hostname?: unknown
  address?: unknown
  port?: unknown
  reason?: unknown
}

/**
 * What went wrong with an SMTP check, naming the cause. Nodemailer replaces a socket error's
 * `code` with its own (`EDNS`, `ESOCKET`) and keeps the system's in `originalCode`, which is
 * what names the cause (`ENOTFOUND`, `ECONNREFUSED`, a certificate code).
 */
export function describeSmtpFailure(error: unknown, user: string): string {
  const fields = (error ?? {}) as NodemailerErrorFields
  const response = serverText(fields.response)
  if (fields.code === 'EAUTH') return `authentication refused for ${user}${response ? ` (${response})` : ''}`
  if (fields.code === 'ETLS') return `TLS: STARTTLS failed${response ? ` (the server answered ${response})` : ''} — the connection was not encrypted, so no password was sent`
  if (typeof fields.originalCode === 'string' && error instanceof Error) {
    const system = Object.assign(new Error(error.message), {
      code: fields.originalCode,
      ...(fields.hostname !== undefined ? { hostname: fields.hostname } : {}),
      ...(fields.address !== undefined ? { address: fields.address } : {}),
      ...(fields.port !== undefined ? { port: fields.port } : {}),
      ...(fields.reason !== undefined ? { reason: fields.reason } : {}),
    })
    return describeFailure(system)
  }
  return describeFailure(error)
}

/** The credentials nodemailer and imapflow take: the password, or an access token (given, or just obtained). */
type Credentials = { user: string; pass: string } | { user: string; accessToken: string }

function credentialsOf(auth: MailboxAuth, accessToken: string | null): Credentials {
  if (auth.kind === 'password') return { user: auth.user, pass: auth.password }
  if (auth.kind === 'access-token') return { user: auth.user, accessToken: auth.accessToken }
  return { user: auth.user, accessToken: accessToken ?? '' }
}

/**
 * Connects to the mailbox's SMTP server and logs in (nodemailer's `verify()`: EHLO, STARTTLS
 * or implicit TLS, AUTH, QUIT) without sending anything. `@cam/adapter-smtp` has no check of
 * its own, so this uses nodemailer, which the adapter is built on, with the same TLS rules:
 * certificates checked, STARTTLS required on `smtp://`.
 */
async function checkSmtp(mailbox: PoolMailboxSettings, accessToken: string | null): Promise<{ ok: boolean; detail: string }> {
  const { smtp } = mailbox
  const credentials = credentialsOf(smtp.auth, accessToken)
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure,
    ...(mailbox.tlsCa ? { tls: { ca: mailbox.tlsCa.pem } } : {}),
    auth: 'pass' in credentials ? { user: credentials.user, pass: credentials.pass } : { type: 'OAuth2', user: credentials.user, accessToken: credentials.accessToken },
    // Log in even when the server does not list AUTH, so that a login it would refuse shows now.
    forceAuth: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
    logger: false,
  })
  try {
    await transport.verify()
    return { ok: true, detail: `SMTP ${describeServer(smtp)}: login ok` }
  } catch (error) {
    return { ok: false, detail: `SMTP ${smtp.host}:${smtp.port}: ${describeSmtpFailure(error, credentials.user)}` }
  } finally {
    transport.close()
  }
}

/** Logs in to the mailbox's IMAP server and counts the messages of its folders; changes nothing. */
async function checkImap(mailbox: PoolMailboxSettings, accessToken: string | null): Promise<{ ok: boolean; detail: string }> {
  const imap = mailbox.imap
  if (!imap) return { ok: true, detail: `no IMAP (set ${mailbox.variablePrefix}IMAP_URL): its replies and bounce reports are not read here` }
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    ...(imap.secure ? {} : { doSTARTTLS: true }),
    ...(mailbox.tlsCa ? { tls: { ca: mailbox.tlsCa.pem } } : {}),
    auth: credentialsOf(imap.auth, accessToken),
    logger: false,
    connectionTimeout: 10_000,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    const found: string[] = []
    for (const folder of imap.folders) {
      const status = await client.status(folder, { messages: true })
      found.push(status ? `${folder} ${status.messages ?? 0} messages` : `${folder}: no status`)
    }
    const idle = client.capabilities.has('IDLE') ? 'IDLE' : 'no IDLE (polled)'
    return { ok: true, detail: `IMAP ${describeServer(imap)}: ${found.join(', ')}, ${idle}` }
  } catch (error) {
    const fields = error as { authenticationFailed?: unknown; responseText?: unknown; mailboxMissing?: unknown }
    const where = `IMAP ${imap.host}:${imap.port}`
    if (fields.authenticationFailed === true) {
      const response = serverText(fields.responseText)
      return { ok: false, detail: `${where}: authentication refused for ${imap.auth.user}${response ? ` (${response})` : ''}` }
    }
    if (fields.mailboxMissing === true) return { ok: false, detail: `${where}: a folder of ${mailbox.variablePrefix}IMAP_FOLDERS does not exist` }
    return { ok: false, detail: `${where}: ${describeFailure(error)}` }
  } finally {
    await client.logout().catch(() => client.close())
  }
}

/**
 * Checks one pool mailbox without sending: its OAuth2 token (when it refreshes its own), its
 * SMTP login and its IMAP login — one line naming each failure's cause (DNS, TLS, a refused
 * connection, a refused login), never a secret.
 */
export async function checkPoolMailbox(mailbox: PoolMailboxSettings): Promise<ServiceCheck> {
  const service = `Mailbox ${mailbox.id}`
  let accessToken: string | null = null
  let oauth = ''
  const tokens = mailboxTokenSource(mailbox)
  if (tokens) {
    const token = await tokens.refresh()
    if (!token.ok) return { service, ok: false, detail: `${mailbox.address}: OAuth2: ${token.message}; SMTP and IMAP not tried` }
    accessToken = token.accessToken
    oauth = `OAuth2 token obtained from ${new URL(mailbox.oauth!.tokenUrl).host}; `
  }
  const [smtp, imap] = await Promise.all([checkSmtp(mailbox, accessToken), checkImap(mailbox, accessToken)])
  return { service, ok: smtp.ok && imap.ok, detail: `${mailbox.address}: ${oauth}${smtp.detail}; ${imap.detail}` }
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`

/** One mailbox as the store sees it, on one line. */
export function describeMailboxState(mailbox: MailboxMetrics): string {
  const ramp = mailbox.rampUp ? `ramp ${mailbox.rampUp.start}+${mailbox.rampUp.increment}, day ${mailbox.rampDay}` : 'no ramp-up'
  const window = mailbox.window
  const state =
    mailbox.status === 'paused'
      ? `PAUSED (${sanitizeForLog(toSingleLine(mailbox.statusReason ?? 'no reason given'), 200)}) — fix it, then client.resumeMailbox(${JSON.stringify(mailbox.name)})`
      : 'active'
  return (
    `${mailbox.name}: ${state}; sent today ${mailbox.sentOnDay} of ${mailbox.limitToday} (limit ${mailbox.dailyLimit}, ${ramp}); ` +
    `last ${window.days} days: ${window.counts.sent} sent, bounces ${percent(window.rates.bounceRate)}, blocks ${percent(window.rates.blockRate)}, complaints ${percent(window.rates.complaintRate)}, replies ${percent(window.rates.replyRate)}`
  )
}

/**
 * The pool as the store knows it (`client.listMailboxes()`): per configured mailbox its state,
 * today's usage against today's limit, ramp day and rates, or that the worker has not
 * registered it yet; and mailboxes the store knows that are no longer configured (their
 * threads' follow-ups wait for them). Reads only.
 */
export async function describeMailboxPool(pool: MailboxPoolConfig, database: { url: string; schema: string }): Promise<ServiceCheck> {
  const store = createPostgresStore({ connectionString: database.url, schema: database.schema })
  try {
    const known = await createCamClient({ store }).listMailboxes()
    const byName = new Map(known.map((mailbox) => [mailbox.name, mailbox]))
    const configured = new Set(pool.mailboxes.map((mailbox) => mailbox.address))
    const lines = pool.mailboxes.map((mailbox) => {
      const state = byName.get(mailbox.address)
      return state ? describeMailboxState(state) : `${mailbox.address}: not registered yet (the worker registers the pool at its first send step)`
    })
    for (const state of known) {
      if (!configured.has(state.name)) lines.push(`${describeMailboxState(state)} — NOT CONFIGURED here: follow-ups of its threads wait until it is back in CAM_MAILBOXES`)
    }
    const paused = known.filter((mailbox) => mailbox.status === 'paused' && configured.has(mailbox.name)).length
    const day = known[0]?.day ?? new Date().toISOString().slice(0, 10)
    return {
      service: 'Sending pool',
      ok: true,
      detail: `${pool.mailboxes.length} mailbox(es) configured, ${known.length} in the store${paused > 0 ? `, ${paused} paused` : ''} (client.listMailboxes, UTC day ${day}):`,
      lines,
    }
  } catch (error) {
    return { service: 'Sending pool', ok: false, detail: `cannot read the pool from the store: ${describeFailure(error)}` }
  } finally {
    await store.close?.()
  }
}
