import type { ConnectionOptions } from 'node:tls'
import { ValidationError, silentLogger, type Logger } from '@cam/core'
import { describeValue, isLogger, maxTimerDelayMs, missingLoggerMethods, parseOptions, optionFields } from '@cam/core/adapter-kit'
import { z } from 'zod'

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
  initialDelayMs?: number | undefined
  /**
   * Upper bound of the delay, jitter included, in milliseconds. Default 10,000: once the
   * server is back, the next attempt comes within 10 s, so new mail is seen within about
   * 15 s of the server's return (after a minute-long backoff it could take a minute).
   */
  maxDelayMs?: number | undefined
  /**
   * How many times one `fetch()` reconnects and resumes after a network failure before it
   * gives up and throws a transient `InboxError` (the worker tries again next cycle). The
   * count restarts after every message yielded. Default 5.
   */
  maxAttemptsPerFetch?: number | undefined
  /**
   * After an authentication failure, how long the adapter refuses to contact the server
   * again (it rethrows the same permanent error instead), so a wrong password cannot get the
   * account locked by retries. Default 900,000 (15 minutes); 0 disables the pause.
   */
  authFailurePauseMs?: number | undefined
}

/** Push behaviour of {@link ImapInbox.watch}. */
export interface ImapWatchOptions {
  /**
   * How often the watchdog sends a NOOP on each IDLE connection (which also restarts IDLE);
   * a NOOP unanswered within `commandTimeoutMs`, or a closed socket, makes it reconnect.
   * Default 120,000 (2 minutes).
   */
  keepaliveIntervalMs?: number | undefined
  /** Poll interval on servers without IDLE (NOOP polling). Default 30,000. */
  pollIntervalMs?: number | undefined
}

/** Options of {@link createImapInbox}. */
export interface ImapInboxOptions {
  /** Server host name, e.g. `imap.gmail.com` or `outlook.office365.com`. */
  host: string
  /** Server port. Default 993 when `secure`, 143 otherwise. */
  port?: number | undefined
  /** Implicit TLS (port 993). Default true. When false, STARTTLS is used if the server offers it. */
  secure?: boolean | undefined
  /** With `secure: false`: fail instead of continuing in cleartext when the server offers no STARTTLS. Default false. */
  requireTls?: boolean | undefined
  /** Extra TLS options for `node:tls` (custom CA, `servername`, …). */
  tls?: ConnectionOptions | undefined
  /** Credentials. */
  auth: ImapAuth
  /** Mailboxes to read, in this order. Default `['INBOX']`. Add e.g. a bounce folder. */
  mailboxes?: string[] | undefined
  /** Name the cursor is stored under (`Inbox.name`). Default `imap:<user>@<host>`. */
  name?: string | undefined
  /**
   * Set `\Seen` on each message once the consumer is done with it (it asked for the next
   * message, or the fetch ended); a message the consumer stopped on stays unseen. Default
   * false: the adapter never
   * deletes, moves or flags anything (it opens mailboxes read-only), so it can share a
   * mailbox with a human.
   */
  markSeen?: boolean | undefined
  /**
   * Messages larger than this (bytes, as the server reports them) are yielded with their
   * header block only and `truncated: true`, instead of being loaded whole. Default 26,214,400 (25 MiB).
   */
  maxMessageBytes?: number | undefined
  /** Messages fetched per FETCH command. Default 100. */
  batchSize?: number | undefined
  /** Upper bound of the bytes of one FETCH batch (a single message above it is fetched alone). Default 8,388,608 (8 MiB). */
  batchBytes?: number | undefined
  /** TCP + TLS connection timeout in milliseconds. Default 30,000. */
  connectionTimeoutMs?: number | undefined
  /** Time to wait for the server greeting in milliseconds. Default 16,000. */
  greetingTimeoutMs?: number | undefined
  /** Socket inactivity timeout in milliseconds. Default 120,000. */
  socketTimeoutMs?: number | undefined
  /** Time a watchdog NOOP may take before the connection is considered dead. Default 15,000. */
  commandTimeoutMs?: number | undefined
  /** Reconnect behaviour. */
  reconnect?: ImapReconnectOptions | undefined
  /** IDLE / polling behaviour of `watch()`. */
  watch?: ImapWatchOptions | undefined
  /** Structured logger. Never receives passwords or tokens. Default: silent. */
  logger?: Logger | undefined
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
 * longer one fires after 1 ms, so every `…Ms` option is capped here (the kit's `maxTimerDelayMs`).
 */
export { maxTimerDelayMs }

type Input = { input?: unknown }

const nonEmptyString = () => {
  const message = (issue: Input) => `expected a non-empty string, got ${describeValue(issue.input)}`
  return z.string({ error: message }).refine((value) => value.trim() !== '', { error: message })
}
const { integer, duration, boolean } = optionFields
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const objectMessage = (issue: Input) => `expected an object, got ${describeValue(issue.input)}`

/** Credentials: `user` and exactly one of `pass` or `accessToken`. Neither secret is ever echoed. */
const authSchema = z
  .object(
    {
      user: nonEmptyString(),
      pass: z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' }).optional(),
      accessToken: z
        .custom<ImapAccessTokenAuth['accessToken']>((token) => (typeof token === 'string' && token !== '') || typeof token === 'function', {
          abort: false,
          error: 'expected a non-empty string or a function returning one',
        })
        .optional(),
    },
    { error: (issue) => `expected { user, pass } or { user, accessToken }, got ${describeValue(issue.input)}` },
  )
  .superRefine(
    (auth, context) => {
      if ((auth.pass !== undefined) === (auth.accessToken !== undefined)) {
        context.addIssue({ code: 'custom', message: 'expected exactly one of `pass` (password or app password) or `accessToken` (OAuth2)' })
      }
    },
    { when: (payload) => isRecord(payload.value) },
  )

/** The inbox options as {@link resolveImapInboxOptions} checks them, defaults applied (except the port's and the name's). */
const optionsSchema = z.object({
  host: nonEmptyString(),
  port: integer(1, 65_535).optional(),
  secure: boolean().default(true),
  requireTls: boolean().default(false),
  tls: z.custom<ConnectionOptions>(isRecord, { abort: false, error: (issue) => `expected an object of node:tls options, got ${describeValue(issue.input)}` }).optional(),
  auth: authSchema,
  mailboxes: z
    .array(nonEmptyString(), { error: (issue) => `expected a non-empty array of mailbox names, got ${describeValue(issue.input)}` })
    .min(1, { error: (issue) => `expected a non-empty array of mailbox names, got ${describeValue(issue.input)}` })
    .superRefine(
      (mailboxes, context) => {
        const seen = new Set<string>()
        mailboxes.forEach((mailbox, index) => {
          if (typeof mailbox !== 'string') return
          if (seen.has(mailbox)) context.addIssue({ code: 'custom', path: [index], message: `duplicate mailbox "${mailbox}"` })
          seen.add(mailbox)
        })
      },
      { when: (payload) => Array.isArray(payload.value) },
    )
    .transform((mailboxes) => [...new Set(mailboxes)])
    .default(['INBOX']),
  name: nonEmptyString().optional(),
  markSeen: boolean().default(false),
  maxMessageBytes: integer(1).default(25 * 1024 * 1024),
  batchSize: integer(1, 10_000).default(100),
  batchBytes: integer(1).default(8 * 1024 * 1024),
  connectionTimeoutMs: duration(1).default(30_000),
  greetingTimeoutMs: duration(1).default(16_000),
  socketTimeoutMs: duration(1_000).default(120_000),
  commandTimeoutMs: duration(1).default(15_000),
  reconnect: z
    .object(
      {
        initialDelayMs: duration(0).default(1_000),
        maxDelayMs: duration(0).default(defaultReconnectMaxDelayMs),
        maxAttemptsPerFetch: integer(0).default(5),
        authFailurePauseMs: duration(0).default(15 * 60_000),
      },
      { error: objectMessage },
    )
    .refine((reconnect) => reconnect.maxDelayMs >= reconnect.initialDelayMs, {
      path: ['maxDelayMs'],
      error: (issue) => `expected at least reconnect.initialDelayMs (${String((issue.input as { initialDelayMs?: unknown } | undefined)?.initialDelayMs)})`,
    })
    .default({ initialDelayMs: 1_000, maxDelayMs: defaultReconnectMaxDelayMs, maxAttemptsPerFetch: 5, authFailurePauseMs: 15 * 60_000 }),
  watch: z
    .object({ keepaliveIntervalMs: duration(1).default(120_000), pollIntervalMs: duration(1).default(30_000) }, { error: objectMessage })
    .default({ keepaliveIntervalMs: 120_000, pollIntervalMs: 30_000 }),
  logger: z.custom<Logger>(isLogger, { abort: false, error: (issue) => `expected a logger with ${missingLoggerMethods(issue.input).join(', ')} methods` }).optional(),
})

/**
 * Checks `options` and applies defaults. Throws one `ValidationError` listing every problem
 * (field path and what was expected), never only the first.
 */
export function resolveImapInboxOptions(options: ImapInboxOptions): ResolvedImapInboxOptions {
  if (!isRecord(options)) {
    throw new ValidationError('IMAP inbox options', [{ path: '', message: 'expected an options object' }], {
      code: 'CONFIG_INVALID',
    })
  }
  const settings = parseOptions(optionsSchema, options, 'IMAP inbox options')
  const { user, pass, accessToken } = settings.auth
  const auth: ImapAuth = pass !== undefined ? { user, pass } : { user, accessToken: accessToken as ImapAccessTokenAuth['accessToken'] }
  return {
    ...settings,
    port: settings.port ?? (settings.secure ? 993 : 143),
    tls: settings.tls,
    auth,
    name: settings.name ?? `imap:${user}@${settings.host}`,
    logger: settings.logger ?? silentLogger,
  }
}
