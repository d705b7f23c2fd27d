import { readFileSync } from 'node:fs'
import { ValidationError, type Environment, type ValidationIssue } from '@cam/core'
import { containsControlCharacter, errorMessage } from '@cam/core/adapter-kit'

/**
 * A sending pool from the environment:
 *
 * ```sh
 * CAM_MAILBOXES=ana,ben
 * CAM_MAILBOX_ANA_ADDRESS=ana@acme.io
 * CAM_MAILBOX_ANA_SMTP_URL=smtps://smtp.gmail.com:465
 * CAM_MAILBOX_ANA_SMTP_PASSWORD=…
 * CAM_MAILBOX_ANA_IMAP_URL=imaps://imap.gmail.com:993
 * …
 * ```
 *
 * Every variable of a mailbox starts with `CAM_MAILBOX_<ID>_`, `<ID>` being its entry in
 * `CAM_MAILBOXES` in capitals. See the example's README for the whole list.
 */

/** How a mailbox logs in to one server. */
export type MailboxAuth =
  /** A password or app password (AUTH PLAIN/LOGIN, IMAP LOGIN). */
  | { kind: 'password'; user: string; password: string }
  /** An OAuth2 access token as given (XOAUTH2); it expires (about an hour at Google and Microsoft). */
  | { kind: 'access-token'; user: string; accessToken: string }
  /** OAuth2 access tokens obtained (and renewed) with the mailbox's refresh token. */
  | { kind: 'oauth-refresh'; user: string }

/** One server (SMTP or IMAP) of a mailbox. */
export interface MailboxServer {
  host: string
  port: number
  /** Implicit TLS (`smtps:`/`imaps:`); otherwise STARTTLS is required. */
  secure: boolean
  auth: MailboxAuth
}

/** The OAuth2 refresh-token grant a mailbox gets its access tokens from. */
export interface MailboxOAuthRefresh {
  /** Token endpoint, e.g. `https://oauth2.googleapis.com/token`. */
  tokenUrl: string
  clientId: string
  /** Absent for public clients. */
  clientSecret?: string
  refreshToken: string
  /** Space-separated scopes to ask for (Microsoft wants them; Google does not). */
  scope?: string
}

/** One mailbox of the pool, read from its `CAM_MAILBOX_<ID>_*` variables. */
export interface PoolMailboxSettings {
  /** Its entry in `CAM_MAILBOXES` (e.g. `ana`). */
  id: string
  /** Its variables' prefix, e.g. `CAM_MAILBOX_ANA_`. */
  variablePrefix: string
  /** The address it sends as; also its name in the pool (`campaign.mailboxes`, `listMailboxes`). */
  address: string
  displayName?: string
  replyTo?: string
  smtp: MailboxServer
  /** Where its replies and bounce reports are read; null when it has no `…_IMAP_URL`. */
  imap: (MailboxServer & { folders: string[] }) | null
  oauth: MailboxOAuthRefresh | null
  /** A CA (PEM) trusted for its SMTP and IMAP servers besides Node's list. */
  tlsCa: { file: string; pem: string } | null
  dailyLimit: number
  /** Null: the full limit from the first day (`…_RAMP=off`). */
  rampUp: { start: number; increment: number } | null
  minGapMs: number
  /** Absent: the worker's default (half the gap). */
  gapJitterMs?: number
}

/** The whole pool. */
export interface MailboxPoolConfig {
  mailboxes: PoolMailboxSettings[]
}

/** The variable listing the pool's mailboxes. */
export const mailboxListVariable = 'CAM_MAILBOXES'
/** Every mailbox variable starts with this, then the mailbox's id in capitals and `_`. */
export const mailboxVariablePrefix = 'CAM_MAILBOX_'

/** The per-mailbox variables (after `CAM_MAILBOX_<ID>_`), with what each holds. Secrets are never echoed. */
export const mailboxVariables = {
  ADDRESS: { secret: false, description: 'the address it sends as (required); its name in the pool' },
  NAME: { secret: false, description: 'display name of the From header' },
  REPLY_TO: { secret: false, description: 'Reply-To address' },
  SMTP_URL: { secret: true, description: 'smtps://[user@]host[:465] (implicit TLS) or smtp://[user@]host[:587] (STARTTLS); user defaults to the address (required)' },
  SMTP_PASSWORD: { secret: true, description: 'SMTP password or app password' },
  SMTP_ACCESS_TOKEN: { secret: true, description: 'OAuth2 access token (XOAUTH2)' },
  IMAP_URL: { secret: true, description: 'imaps://[user@]host[:993] or imap://[user@]host[:143] (STARTTLS): where replies arrive; user defaults to the SMTP user' },
  IMAP_PASSWORD: { secret: true, description: 'IMAP password (default: the SMTP credentials)' },
  IMAP_ACCESS_TOKEN: { secret: true, description: 'IMAP OAuth2 access token (default: the SMTP credentials)' },
  IMAP_FOLDERS: { secret: false, description: 'comma-separated IMAP folders to read (default INBOX)' },
  OAUTH_TOKEN_URL: { secret: false, description: 'OAuth2 token endpoint for the refresh token' },
  OAUTH_CLIENT_ID: { secret: false, description: 'OAuth2 client id' },
  OAUTH_CLIENT_SECRET: { secret: true, description: 'OAuth2 client secret' },
  OAUTH_REFRESH_TOKEN: { secret: true, description: 'OAuth2 refresh token: access tokens are obtained and renewed with it' },
  OAUTH_SCOPE: { secret: false, description: 'scopes asked for with the refresh token (Microsoft)' },
  TLS_CA_FILE: { secret: false, description: 'PEM file of a CA to trust for its SMTP and IMAP servers' },
  DAILY_LIMIT: { secret: false, description: 'most emails per UTC day once ramped up (default 30)' },
  RAMP: { secret: false, description: '<first day>+<more each day> (default 5+3), or off' },
  MIN_GAP_SECONDS: { secret: false, description: 'least time between two of its sends (default 60)' },
  GAP_JITTER_SECONDS: { secret: false, description: 'random extra wait up to this (default: half the gap)' },
} as const

/** A per-mailbox variable suffix. */
export type MailboxVariable = keyof typeof mailboxVariables

const suffixes = Object.keys(mailboxVariables) as MailboxVariable[]
/** Longest first, so that a name is matched by its whole suffix. */
const suffixesLongestFirst = [...suffixes].sort((a, b) => b.length - a.length)
const idPattern = /^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$/
const emailPattern = /^[^\s@<>",;:()[\]\\]+@[^\s@<>",;:()[\]\\]+\.[^\s@<>",;:()[\]\\]+$/
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Values given (non-empty after trimming), like `loadConfigFromEnv` reads them. */
function valueOf(environment: Environment, name: string): string | undefined {
  const raw = environment[name]
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim()
}

const isEmail = (value: string) => !containsControlCharacter(value) && value.length <= 320 && emailPattern.test(value)

/** Known default ports and the scheme each means. */
const wellKnownPorts: Record<'smtp' | 'imap', { secure: number; starttls: number; extra?: number }> = {
  smtp: { secure: 465, starttls: 587, extra: 25 },
  imap: { secure: 993, starttls: 143 },
}

/**
 * Parses `smtps://[user@]host[:port]` (or `smtp:`, `imaps:`, `imap:`). Problems are named
 * without the value: the URL may hold a password by mistake.
 */
function parseServerUrl(
  kind: 'smtp' | 'imap',
  name: string,
  raw: string,
  report: (path: string, message: string) => void,
): { host: string; port: number; secure: boolean; user: string | undefined } | null {
  const example = kind === 'smtp' ? 'smtps://smtp.example.com:465 or smtp://smtp.example.com:587' : 'imaps://imap.example.com:993 or imap://imap.example.com:143'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    report(name, `expected a URL like ${example} (value hidden: may hold a secret)`)
    return null
  }
  const secureScheme = `${kind}s:`
  if (url.protocol !== `${kind}:` && url.protocol !== secureScheme) {
    report(name, `expected a URL starting with ${kind}s:// (implicit TLS) or ${kind}:// (STARTTLS), like ${example}`)
    return null
  }
  let ok = true
  if (url.password !== '') {
    report(name, `holds a password: remove it from the URL and set ${name.replace(/_URL$/, '_PASSWORD')} (value hidden)`)
    ok = false
  }
  if (url.hostname === '') {
    report(name, `has no host, expected a URL like ${example}`)
    ok = false
  }
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    report(name, `expected only ${kind}s://[user@]host[:port], without a path, query or fragment`)
    ok = false
  }
  const secure = url.protocol === secureScheme
  const ports = wellKnownPorts[kind]
  const port = url.port === '' ? (secure ? ports.secure : ports.starttls) : Number(url.port)
  if (port === 0) {
    report(name, 'expected a port from 1 to 65535')
    ok = false
  }
  if (secure && (port === ports.starttls || port === ports.extra)) {
    report(name, `port ${port} speaks STARTTLS, not implicit TLS: use ${kind}://`)
    ok = false
  }
  if (!secure && port === ports.secure) {
    report(name, `port ${port} expects implicit TLS from the first byte: use ${kind}s://`)
    ok = false
  }
  let user: string | undefined
  try {
    user = url.username === '' ? undefined : decodeURIComponent(url.username)
  } catch {
    report(name, 'has a user name that is not valid percent-encoding')
    ok = false
  }
  if (!ok) return null
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, secure, user }
}

/** A whole number in `[min, max]`. */
function parseWhole(raw: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(raw)) return null
  const value = Number(raw)
  return value >= min && value <= max ? value : null
}

/** Reads the TLS CA file: readable, and holding at least one PEM certificate. */
function readCaFile(file: string, readFile: (path: string) => string): { pem?: string; problem?: string } {
  let pem: string
  try {
    pem = readFile(file)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    return { problem: `cannot be read${typeof code === 'string' ? ` (${code})` : `: ${errorMessage(error)}`}` }
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return { problem: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)' }
  return { pem }
}

/**
 * Reads the sending pool from the environment. Returns `pool: null` when `CAM_MAILBOXES` is
 * not set and no `CAM_MAILBOX_*` variable is either. Collects **every** problem — each naming
 * its variable, never a secret's value (nor any URL's: one may hold a password) — instead of
 * stopping at the first, so they can be reported together with the rest of the configuration.
 */
export function readMailboxPoolConfig(environment: Environment): { pool: MailboxPoolConfig | null; issues: ValidationIssue[] } {
  const readFile = (path: string) => readFileSync(path, 'utf8')
  const issues: ValidationIssue[] = []
  const reported = new Set<string>()
  const report = (path: string, message: string) => {
    const key = `${path}\n${message}`
    if (reported.has(key)) return
    reported.add(key)
    issues.push({ path, message })
  }
  const mailboxVariableNames = Object.keys(environment)
    .filter((name) => name.startsWith(mailboxVariablePrefix) && valueOf(environment, name) !== undefined)
    .sort()
  const list = valueOf(environment, mailboxListVariable)
  if (list === undefined) {
    if (mailboxVariableNames.length === 0) return { pool: null, issues }
    report(
      mailboxListVariable,
      `is required: ${mailboxVariableNames.length} ${mailboxVariablePrefix}* variable(s) are set (${mailboxVariableNames.slice(0, 3).join(', ')}${mailboxVariableNames.length > 3 ? ', …' : ''}); list the mailboxes, e.g. ${mailboxListVariable}=ana,ben`,
    )
    return { pool: null, issues }
  }

  // The ids: letters, digits and inner underscores; unique ignoring case; none a prefix of another.
  const ids: Array<{ id: string; prefix: string }> = []
  for (const entry of list.split(',').map((item) => item.trim())) {
    if (entry === '') {
      report(mailboxListVariable, 'has an empty entry (two commas in a row, or a trailing comma)')
      continue
    }
    if (!idPattern.test(entry)) {
      report(mailboxListVariable, `"${entry.slice(0, 40)}" is not a mailbox id: use letters, digits and underscores (it names the variables, e.g. ${mailboxVariablePrefix}ANA_ADDRESS)`)
      continue
    }
    const prefix = `${mailboxVariablePrefix}${entry.toUpperCase()}_`
    if (ids.some((other) => other.prefix === prefix)) {
      report(mailboxListVariable, `lists "${entry}" twice (ids ignore case)`)
      continue
    }
    ids.push({ id: entry, prefix })
  }
  for (const a of ids) {
    for (const b of ids) {
      if (a !== b && b.prefix.startsWith(a.prefix)) {
        report(mailboxListVariable, `"${a.id}" and "${b.id}": ${b.prefix}… variables would also read as ${a.prefix}…; rename one`)
      }
    }
  }

  // Every CAM_MAILBOX_* variable must belong to a listed mailbox and be a known one.
  for (const name of mailboxVariableNames) {
    const owner = ids.find((entry) => name.startsWith(entry.prefix) && (suffixes as string[]).includes(name.slice(entry.prefix.length)))
    if (owner) continue
    const listed = ids.find((entry) => name.startsWith(entry.prefix))
    if (listed) {
      report(name, `is not a mailbox variable (a typo?): after ${listed.prefix} expected one of ${suffixes.join(', ')}`)
      continue
    }
    const suffix = suffixesLongestFirst.find((candidate) => name.endsWith(`_${candidate}`) && name.length > mailboxVariablePrefix.length + candidate.length + 1)
    if (suffix) {
      const id = name.slice(mailboxVariablePrefix.length, name.length - suffix.length - 1)
      report(name, `belongs to mailbox "${id}", which ${mailboxListVariable} does not list: add it there, or remove the variable`)
    } else {
      report(name, `is not a mailbox variable (a typo?): expected ${mailboxVariablePrefix}<ID>_ followed by one of ${suffixes.join(', ')}`)
    }
  }

  const mailboxes: PoolMailboxSettings[] = []
  for (const { id, prefix } of ids) {
    const parsed = readMailbox(environment, id, prefix, readFile, report)
    if (parsed) mailboxes.push(parsed)
  }

  // One address per mailbox (it is the mailbox's name in the pool), one IMAP account per inbox.
  const addresses = new Map<string, string>()
  const imapAccounts = new Map<string, string>()
  for (const mailbox of mailboxes) {
    const address = mailbox.address.toLowerCase()
    const first = addresses.get(address)
    if (first) report(`${mailbox.variablePrefix}ADDRESS`, `is the address of ${first}ADDRESS too: each mailbox of the pool sends as its own address`)
    else addresses.set(address, mailbox.variablePrefix)
    if (mailbox.imap) {
      const account = `${mailbox.imap.auth.user.toLowerCase()}@${mailbox.imap.host.toLowerCase()}`
      const firstAccount = imapAccounts.get(account)
      if (firstAccount) report(`${mailbox.variablePrefix}IMAP_URL`, `is the IMAP account of ${firstAccount}IMAP_URL too: each inbox is read once; remove one`)
      else imapAccounts.set(account, mailbox.variablePrefix)
    }
  }
  if (ids.length === 0 && issues.length === 0) report(mailboxListVariable, 'lists no mailbox')
  return { pool: issues.length === 0 ? { mailboxes } : null, issues }
}

/** Reads one mailbox's variables; reports every problem; null when any. */
function readMailbox(
  environment: Environment,
  id: string,
  prefix: string,
  readFile: (path: string) => string,
  report: (path: string, message: string) => void,
): PoolMailboxSettings | null {
  const name = (suffix: MailboxVariable) => `${prefix}${suffix}`
  const get = (suffix: MailboxVariable) => valueOf(environment, name(suffix))
  const has = (suffix: MailboxVariable) => get(suffix) !== undefined
  let ok = true
  // Messages describe what is wrong, never the value: some of these are secrets.
  const reportAndFail = (path: string, message: string) => {
    ok = false
    report(path, message)
  }
  const fail = (suffix: MailboxVariable, message: string) => reportAndFail(name(suffix), message)
  const required = (suffix: MailboxVariable, what: string) => fail(suffix, `is required for mailbox "${id}" (${what})`)

  // Identity.
  const address = get('ADDRESS')
  if (address === undefined) required('ADDRESS', 'the address it sends as, e.g. ana@acme.io')
  else if (!isEmail(address)) fail('ADDRESS', 'expected an email address like ana@acme.io')
  const displayName = get('NAME')
  if (displayName !== undefined && (containsControlCharacter(displayName) || displayName.length > 200)) fail('NAME', 'expected one line of at most 200 characters')
  const replyTo = get('REPLY_TO')
  if (replyTo !== undefined && !isEmail(replyTo)) fail('REPLY_TO', 'expected an email address like replies@acme.io')

  // OAuth2 refresh: token URL, client id and refresh token together (the secret and scope are optional).
  let oauth: MailboxOAuthRefresh | null = null
  const oauthGiven = (['OAUTH_TOKEN_URL', 'OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET', 'OAUTH_REFRESH_TOKEN', 'OAUTH_SCOPE'] as const).filter(has)
  if (oauthGiven.length > 0) {
    for (const suffix of ['OAUTH_TOKEN_URL', 'OAUTH_CLIENT_ID', 'OAUTH_REFRESH_TOKEN'] as const) {
      if (!has(suffix)) fail(suffix, `is required with ${oauthGiven.map(name).join(' and ')}`)
    }
    const tokenUrl = get('OAUTH_TOKEN_URL')
    if (tokenUrl !== undefined) {
      let url: URL | null = null
      try {
        url = new URL(tokenUrl)
      } catch {
        fail('OAUTH_TOKEN_URL', 'expected a URL like https://oauth2.googleapis.com/token')
      }
      if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
        fail('OAUTH_TOKEN_URL', 'expected an https:// URL (http:// only on localhost): the client secret and refresh token are sent to it')
      } else if (url && (url.username !== '' || url.password !== '')) {
        fail('OAUTH_TOKEN_URL', 'must not hold credentials: use OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET')
      }
    }
    const clientId = get('OAUTH_CLIENT_ID')
    const refreshToken = get('OAUTH_REFRESH_TOKEN')
    const clientSecret = get('OAUTH_CLIENT_SECRET')
    const scope = get('OAUTH_SCOPE')
    if (tokenUrl && clientId && refreshToken) {
      oauth = { tokenUrl, clientId, refreshToken, ...(clientSecret ? { clientSecret } : {}), ...(scope ? { scope } : {}) }
    }
  }

  // SMTP: where, and exactly one way to log in.
  const smtpUrl = get('SMTP_URL')
  const smtpServer = smtpUrl === undefined ? (required('SMTP_URL', 'e.g. smtps://smtp.gmail.com:465'), null) : parseServerUrl('smtp', name('SMTP_URL'), smtpUrl, reportAndFail)
  const smtpUser = smtpServer?.user ?? address
  let smtpAuth: MailboxAuth | null = null
  if (has('SMTP_PASSWORD') && has('SMTP_ACCESS_TOKEN')) fail('SMTP_ACCESS_TOKEN', `set either ${name('SMTP_PASSWORD')} or ${name('SMTP_ACCESS_TOKEN')}, not both`)
  else if (oauthGiven.length > 0 && (has('SMTP_PASSWORD') || has('SMTP_ACCESS_TOKEN'))) {
    const given = has('SMTP_PASSWORD') ? 'SMTP_PASSWORD' : 'SMTP_ACCESS_TOKEN'
    fail(given, `set either ${name(given)} or the ${prefix}OAUTH_* variables (which obtain access tokens themselves), not both`)
  }
  else if (oauthGiven.length > 0) smtpAuth = smtpUser === undefined ? null : { kind: 'oauth-refresh', user: smtpUser }
  else if (has('SMTP_PASSWORD')) smtpAuth = smtpUser === undefined ? null : { kind: 'password', user: smtpUser, password: get('SMTP_PASSWORD')! }
  else if (has('SMTP_ACCESS_TOKEN')) smtpAuth = smtpUser === undefined ? null : { kind: 'access-token', user: smtpUser, accessToken: get('SMTP_ACCESS_TOKEN')! }
  else fail('SMTP_PASSWORD', `is required for mailbox "${id}" (or ${name('SMTP_ACCESS_TOKEN')} for an OAuth2 access token, or ${name('OAUTH_REFRESH_TOKEN')} with its OAUTH_* variables)`)

  // IMAP: optional; credentials default to the SMTP ones.
  const imapUrl = get('IMAP_URL')
  let imap: PoolMailboxSettings['imap'] = null
  if (imapUrl === undefined) {
    for (const suffix of ['IMAP_PASSWORD', 'IMAP_ACCESS_TOKEN', 'IMAP_FOLDERS'] as const) {
      if (has(suffix)) fail(suffix, `is set but ${name('IMAP_URL')} is not: set the IMAP server too, or remove it`)
    }
  } else {
    const imapServer = parseServerUrl('imap', name('IMAP_URL'), imapUrl, reportAndFail)
    // The same login as SMTP unless the URL names another (a send-as alias reads the account's mailbox).
    const imapUser = imapServer?.user ?? smtpUser
    let imapAuth: MailboxAuth | null = null
    if (has('IMAP_PASSWORD') && has('IMAP_ACCESS_TOKEN')) fail('IMAP_ACCESS_TOKEN', `set either ${name('IMAP_PASSWORD')} or ${name('IMAP_ACCESS_TOKEN')}, not both`)
    else if (imapUser === undefined) imapAuth = null
    else if (has('IMAP_PASSWORD')) imapAuth = { kind: 'password', user: imapUser, password: get('IMAP_PASSWORD')! }
    else if (has('IMAP_ACCESS_TOKEN')) imapAuth = { kind: 'access-token', user: imapUser, accessToken: get('IMAP_ACCESS_TOKEN')! }
    else if (smtpAuth) imapAuth = { ...smtpAuth, user: imapUser }
    const folders = (get('IMAP_FOLDERS') ?? 'INBOX').split(',').map((folder) => folder.trim())
    if (folders.some((folder) => folder === '' || containsControlCharacter(folder))) fail('IMAP_FOLDERS', 'expected comma-separated folder names, e.g. INBOX,Bounces')
    if (imapServer && imapAuth) imap = { host: imapServer.host, port: imapServer.port, secure: imapServer.secure, auth: imapAuth, folders }
  }

  // TLS CA.
  let tlsCa: PoolMailboxSettings['tlsCa'] = null
  const caFile = get('TLS_CA_FILE')
  if (caFile !== undefined) {
    const { pem, problem } = readCaFile(caFile, readFile)
    if (problem) fail('TLS_CA_FILE', problem)
    else if (pem) tlsCa = { file: caFile, pem }
  }

  // Limits.
  let dailyLimit = 30
  const dailyLimitRaw = get('DAILY_LIMIT')
  if (dailyLimitRaw !== undefined) {
    const value = parseWhole(dailyLimitRaw, 1, 100_000)
    if (value === null) fail('DAILY_LIMIT', 'expected a whole number of emails per day from 1 to 100000')
    else dailyLimit = value
  }
  let rampUp: PoolMailboxSettings['rampUp'] = { start: 5, increment: 3 }
  const rampRaw = get('RAMP')
  if (rampRaw !== undefined) {
    const match = /^(\d+)\s*\+\s*(\d+)$/.exec(rampRaw)
    if (rampRaw.toLowerCase() === 'off') rampUp = null
    else if (!match || parseWhole(match[1]!, 1, 100_000) === null || parseWhole(match[2]!, 0, 100_000) === null) {
      fail('RAMP', 'expected <emails on the first day>+<more each day>, e.g. 5+3 (first day from 1, both at most 100000), or off for the full limit at once')
    } else rampUp = { start: Number(match[1]), increment: Number(match[2]) }
  }
  let minGapMs = 60_000
  const gapRaw = get('MIN_GAP_SECONDS')
  if (gapRaw !== undefined) {
    const value = parseWhole(gapRaw, 0, 86_400)
    if (value === null) fail('MIN_GAP_SECONDS', 'expected a whole number of seconds from 0 to 86400')
    else minGapMs = value * 1000
  }
  let gapJitterMs: number | undefined
  const jitterRaw = get('GAP_JITTER_SECONDS')
  if (jitterRaw !== undefined) {
    const value = parseWhole(jitterRaw, 0, 86_400)
    if (value === null) fail('GAP_JITTER_SECONDS', 'expected a whole number of seconds from 0 to 86400')
    else gapJitterMs = value * 1000
  }

  if (!ok || address === undefined || !smtpServer || !smtpAuth) return null
  return {
    id,
    variablePrefix: prefix,
    address,
    ...(displayName !== undefined ? { displayName } : {}),
    ...(replyTo !== undefined ? { replyTo } : {}),
    smtp: { host: smtpServer.host, port: smtpServer.port, secure: smtpServer.secure, auth: smtpAuth },
    imap,
    oauth,
    tlsCa,
    dailyLimit,
    rampUp,
    minGapMs,
    ...(gapJitterMs !== undefined ? { gapJitterMs } : {}),
  }
}

/**
 * Reads the sending pool from the environment; null when none is configured.
 *
 * @throws ValidationError (code `CONFIG_INVALID`) listing every problem, each naming its
 * variable; secret values are never echoed.
 */
export function loadMailboxPoolConfig(environment: Environment): MailboxPoolConfig | null {
  const { pool, issues } = readMailboxPoolConfig(environment)
  if (issues.length > 0) throw new ValidationError('environment', issues, { code: 'CONFIG_INVALID' })
  return pool
}
