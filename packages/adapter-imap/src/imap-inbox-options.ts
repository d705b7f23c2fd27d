import type { ConnectionOptions } from 'node:tls'
import { ValidationError, silentLogger, type Logger, type ValidationIssue } from '@cam/core'

/** Password authentication (LOGIN / AUTH=PLAIN). Use an app password for Gmail and Microsoft 365. */
export interface ImapPasswordAuth {
  /** Login name, usually the full email address. */
  user: string
  /** Password or app password. Never logged, never put in error messages. */
  pass: string
}

/**
 * OAuth2 authentication (SASL XOAUTH2 / OAUTHBEARER), e.g. for Gmail or Microsoft 365.
 *
 * Access tokens expire after about an hour: pass a function and it is called before every
 * connection attempt, so a long-running worker always logs in with a fresh token.
 */
export interface ImapAccessTokenAuth {
  /** Login name, usually the full email address. */
  user: string
  /** The access token, or a function returning a currently valid one. Never logged. */
  accessToken: string | (() => string | Promise<string>)
}

/** How the adapter authenticates: a password or an OAuth2 access token. */
export type ImapAuth = ImapPasswordAuth | ImapAccessTokenAuth

/** Reconnect behaviour (exponential backoff with jitter). */
export interface ImapReconnectOptions {
  /** First delay before reconnecting, in milliseconds. Default 1,000. */
  initialDelayMs?: number
  /**
   * Upper bound of the delay, jitter included, in milliseconds. Default 10,000: once the
   * server is back, the next attempt comes within 10 s, so new mail is seen within about
   * 15 s of the server's return (after a minute-long backoff it could take a minute).
   */
  maxDelayMs?: number
  /**
   * How many times one `fetch()` reconnects and resumes after a network failure before it
   * gives up and throws a transient `InboxError` (the worker tries again next cycle). The
   * count restarts after every message yielded. Default 5.
   */
  maxAttemptsPerFetch?: number
  /**
   * After an authentication failure, how long the adapter refuses to contact the server
   * again (it rethrows the same permanent error instead), so a wrong password cannot get the
   * account locked by retries. Default 900,000 (15 minutes); 0 disables the pause.
   */
  authFailurePauseMs?: number
}

/** Push behaviour of {@link ImapInbox.watch}. */
export interface ImapWatchOptions {
  /**
   * How often the watchdog sends a NOOP on each IDLE connection (which also restarts IDLE);
   * a NOOP unanswered within `commandTimeoutMs`, or a closed socket, makes it reconnect.
   * Default 120,000 (2 minutes).
   */
  keepaliveIntervalMs?: number
  /** Poll interval on servers without IDLE (NOOP polling). Default 30,000. */
  pollIntervalMs?: number
}

/** Options of {@link createImapInbox}. */
export interface ImapInboxOptions {
  /** Server host name, e.g. `imap.gmail.com` or `outlook.office365.com`. */
  host: string
  /** Server port. Default 993 when `secure`, 143 otherwise. */
  port?: number
  /** Implicit TLS (port 993). Default true. When false, STARTTLS is used if the server offers it. */
  secure?: boolean
  /** With `secure: false`: fail instead of continuing in cleartext when the server offers no STARTTLS. Default false. */
  requireTls?: boolean
  /** Extra TLS options for `node:tls` (custom CA, `servername`, …). */
  tls?: ConnectionOptions
  /** Credentials. */
  auth: ImapAuth
  /** Mailboxes to read, in this order. Default `['INBOX']`. Add e.g. a bounce folder. */
  mailboxes?: string[]
  /** Name the cursor is stored under (`Inbox.name`). Default `imap:<user>@<host>`. */
  name?: string
  /**
   * Set `\Seen` on each message once the consumer is done with it (it asked for the next
   * message, or the fetch ended); a message the consumer stopped on stays unseen. Default
   * false: the adapter never
   * deletes, moves or flags anything (it opens mailboxes read-only), so it can share a
   * mailbox with a human.
   */
  markSeen?: boolean
  /**
   * Messages larger than this (bytes, as the server reports them) are yielded with their
   * header block only and `truncated: true`, instead of being loaded whole. Default 26,214,400 (25 MiB).
   */
  maxMessageBytes?: number
  /** Messages fetched per FETCH command. Default 100. */
  batchSize?: number
  /** Upper bound of the bytes of one FETCH batch (a single message above it is fetched alone). Default 8,388,608 (8 MiB). */
  batchBytes?: number
  /** TCP + TLS connection timeout in milliseconds. Default 30,000. */
  connectionTimeoutMs?: number
  /** Time to wait for the server greeting in milliseconds. Default 16,000. */
  greetingTimeoutMs?: number
  /** Socket inactivity timeout in milliseconds. Default 120,000. */
  socketTimeoutMs?: number
  /** Time a watchdog NOOP may take before the connection is considered dead. Default 15,000. */
  commandTimeoutMs?: number
  /** Reconnect behaviour. */
  reconnect?: ImapReconnectOptions
  /** IDLE / polling behaviour of `watch()`. */
  watch?: ImapWatchOptions
  /** Structured logger. Never receives passwords or tokens. Default: silent. */
  logger?: Logger
}

/** Options with every default applied. */
export interface ResolvedImapInboxOptions {
  host: string
  port: number
  secure: boolean
  requireTls: boolean
  tls: ConnectionOptions | undefined
  auth: ImapAuth
  mailboxes: string[]
  name: string
  markSeen: boolean
  maxMessageBytes: number
  batchSize: number
  batchBytes: number
  connectionTimeoutMs: number
  greetingTimeoutMs: number
  socketTimeoutMs: number
  commandTimeoutMs: number
  reconnect: Required<ImapReconnectOptions>
  watch: Required<ImapWatchOptions>
  logger: Logger
}

/** Default ceiling of the reconnect backoff: see {@link ImapReconnectOptions.maxDelayMs}. */
export const defaultReconnectMaxDelayMs = 10_000

/**
 * Longest delay Node.js timers (and socket timeouts) accept: 2³¹−1 ms, about 24.8 days. A
 * longer one fires after 1 ms, so every `…Ms` option is capped here.
 */
export const maxTimerDelayMs = 2_147_483_647

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Checks `options` and applies defaults. Throws one `ValidationError` listing every problem
 * (field path and what was expected), never only the first.
 */
export function resolveImapInboxOptions(options: ImapInboxOptions): ResolvedImapInboxOptions {
  const issues: ValidationIssue[] = []
  if (!isRecord(options)) {
    throw new ValidationError('IMAP inbox options', [{ path: '', message: 'expected an options object' }], {
      code: 'CONFIG_INVALID',
    })
  }
  const input = options as unknown as Record<string, unknown>

  const nonEmptyString = (path: string, value: unknown, required: boolean): string | undefined => {
    if (value === undefined && !required) return undefined
    if (typeof value !== 'string' || value.trim() === '') {
      issues.push({ path, message: `expected a non-empty string, got ${describe(value)}` })
      return undefined
    }
    return value
  }
  const integer = (path: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      issues.push({ path, message: `expected an integer from ${min} to ${max}, got ${describe(value)}` })
      return fallback
    }
    return value
  }
  // A duration in milliseconds: an integer from `min` to 2³¹−1.
  const duration = (path: string, value: unknown, fallback: number, min: number): number => {
    if (typeof value === 'number' && Number.isInteger(value) && value > maxTimerDelayMs) {
      issues.push({ path, message: `expected at most ${maxTimerDelayMs} ms (about 24.8 days), got ${describe(value)}` })
      return fallback
    }
    return integer(path, value, fallback, min, maxTimerDelayMs)
  }
  const boolean = (path: string, value: unknown, fallback: boolean): boolean => {
    if (value === undefined) return fallback
    if (typeof value !== 'boolean') {
      issues.push({ path, message: `expected true or false, got ${describe(value)}` })
      return fallback
    }
    return value
  }

  const host = nonEmptyString('host', input.host, true) ?? ''
  const secure = boolean('secure', input.secure, true)
  const port = integer('port', input.port, secure ? 993 : 143, 1, 65_535)
  const requireTls = boolean('requireTls', input.requireTls, false)
  if (input.tls !== undefined && !isRecord(input.tls)) {
    issues.push({ path: 'tls', message: `expected an object of node:tls options, got ${describe(input.tls)}` })
  }

  let auth: ImapAuth = { user: '', pass: '' }
  if (!isRecord(input.auth)) {
    issues.push({ path: 'auth', message: `expected { user, pass } or { user, accessToken }, got ${describe(input.auth)}` })
  } else {
    const user = nonEmptyString('auth.user', input.auth.user, true) ?? ''
    const hasPass = input.auth.pass !== undefined
    const hasToken = input.auth.accessToken !== undefined
    if (hasPass === hasToken) {
      issues.push({ path: 'auth', message: 'expected exactly one of `pass` (password or app password) or `accessToken` (OAuth2)' })
    } else if (hasPass) {
      // Never echo the value: it is a secret.
      if (typeof input.auth.pass !== 'string' || input.auth.pass === '') {
        issues.push({ path: 'auth.pass', message: 'expected a non-empty string' })
      }
      auth = { user, pass: typeof input.auth.pass === 'string' ? input.auth.pass : '' }
    } else {
      const token = input.auth.accessToken
      if (!((typeof token === 'string' && token !== '') || typeof token === 'function')) {
        issues.push({ path: 'auth.accessToken', message: 'expected a non-empty string or a function returning one' })
      }
      auth = { user, accessToken: token as ImapAccessTokenAuth['accessToken'] }
    }
  }

  let mailboxes = ['INBOX']
  if (input.mailboxes !== undefined) {
    if (!Array.isArray(input.mailboxes) || input.mailboxes.length === 0) {
      issues.push({ path: 'mailboxes', message: `expected a non-empty array of mailbox names, got ${describe(input.mailboxes)}` })
    } else {
      const seen = new Set<string>()
      input.mailboxes.forEach((mailbox: unknown, index: number) => {
        const value = nonEmptyString(`mailboxes.${index}`, mailbox, true)
        if (value === undefined) return
        if (seen.has(value)) issues.push({ path: `mailboxes.${index}`, message: `duplicate mailbox "${value}"` })
        seen.add(value)
      })
      mailboxes = [...seen]
    }
  }

  const user = auth.user
  const name = nonEmptyString('name', input.name, false) ?? `imap:${user}@${host}`
  const markSeen = boolean('markSeen', input.markSeen, false)
  const maxMessageBytes = integer('maxMessageBytes', input.maxMessageBytes, 25 * 1024 * 1024, 1)
  const batchSize = integer('batchSize', input.batchSize, 100, 1, 10_000)
  const batchBytes = integer('batchBytes', input.batchBytes, 8 * 1024 * 1024, 1)
  const connectionTimeoutMs = duration('connectionTimeoutMs', input.connectionTimeoutMs, 30_000, 1)
  const greetingTimeoutMs = duration('greetingTimeoutMs', input.greetingTimeoutMs, 16_000, 1)
  const socketTimeoutMs = duration('socketTimeoutMs', input.socketTimeoutMs, 120_000, 1_000)
  const commandTimeoutMs = duration('commandTimeoutMs', input.commandTimeoutMs, 15_000, 1)

  const reconnectInput = input.reconnect
  if (reconnectInput !== undefined && !isRecord(reconnectInput)) {
    issues.push({ path: 'reconnect', message: `expected an object, got ${describe(reconnectInput)}` })
  }
  const reconnectRecord = isRecord(reconnectInput) ? reconnectInput : {}
  const reconnect: Required<ImapReconnectOptions> = {
    initialDelayMs: duration('reconnect.initialDelayMs', reconnectRecord.initialDelayMs, 1_000, 0),
    maxDelayMs: duration('reconnect.maxDelayMs', reconnectRecord.maxDelayMs, defaultReconnectMaxDelayMs, 0),
    maxAttemptsPerFetch: integer('reconnect.maxAttemptsPerFetch', reconnectRecord.maxAttemptsPerFetch, 5, 0),
    authFailurePauseMs: duration('reconnect.authFailurePauseMs', reconnectRecord.authFailurePauseMs, 15 * 60_000, 0),
  }
  if (reconnect.maxDelayMs < reconnect.initialDelayMs) {
    issues.push({ path: 'reconnect.maxDelayMs', message: `expected at least reconnect.initialDelayMs (${reconnect.initialDelayMs})` })
  }

  const watchInput = input.watch
  if (watchInput !== undefined && !isRecord(watchInput)) {
    issues.push({ path: 'watch', message: `expected an object, got ${describe(watchInput)}` })
  }
  const watchRecord = isRecord(watchInput) ? watchInput : {}
  const watch: Required<ImapWatchOptions> = {
    keepaliveIntervalMs: duration('watch.keepaliveIntervalMs', watchRecord.keepaliveIntervalMs, 120_000, 1),
    pollIntervalMs: duration('watch.pollIntervalMs', watchRecord.pollIntervalMs, 30_000, 1),
  }

  const logger = input.logger === undefined ? silentLogger : (input.logger as Logger)
  if (input.logger !== undefined) {
    const candidate = input.logger as Partial<Record<keyof Logger, unknown>> | null
    const missing = (['debug', 'info', 'warn', 'error'] as const).filter((level) => typeof candidate?.[level] !== 'function')
    if (missing.length > 0) issues.push({ path: 'logger', message: `expected a logger with ${missing.join(', ')} methods` })
  }

  if (issues.length > 0) throw new ValidationError('IMAP inbox options', issues, { code: 'CONFIG_INVALID' })

  return {
    host,
    port,
    secure,
    requireTls,
    tls: input.tls as ConnectionOptions | undefined,
    auth,
    mailboxes,
    name,
    markSeen,
    maxMessageBytes,
    batchSize,
    batchBytes,
    connectionTimeoutMs,
    greetingTimeoutMs,
    socketTimeoutMs,
    commandTimeoutMs,
    reconnect,
    watch,
    logger,
  }
}

/** Short description of a bad value for an error message (never the value of a secret field). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return `a ${typeof value}`
}
