import { ValidationError, silentLogger, systemClock, type Clock, type Logger } from '@cam/core'
import { containsControlCharacter, describeValue, isLogger, missingLoggerMethods, parseOptions, optionFields } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { imapFlowInstallAdvice, isImapFlowInstalled } from './imapflow-loader.js'

/** Password authentication (AUTH PLAIN / LOGIN, whichever the server offers). */
export interface SmtpPasswordAuth {
  /** Login name, usually the mailbox's full address. */
  user: string
  /** Password or app password. Never logged, never put in an error message. */
  pass: string
}

/**
 * OAuth2 authentication (SASL XOAUTH2), e.g. Google Workspace or Microsoft 365.
 *
 * Access tokens expire after about an hour. When the server refuses the token (`334` with an
 * error challenge, or `535`), `refreshAccessToken` is called once and the login repeated with
 * the fresh token, which is then used for every later connection. Refused again: a permanent
 * `SendError` with `scope: 'mailbox'`.
 */
export interface SmtpAccessTokenAuth {
  /** Login name, usually the mailbox's full address. */
  user: string
  /** The access token, or a function returning a currently valid one (called for every new connection). Never logged. */
  accessToken: string | (() => string | Promise<string>)
  /**
   * Returns a fresh access token (e.g. from your OAuth2 refresh token). Called when the server
   * refused the current one. When it throws a `SendError`, that error is what the send reports
   * (throw a permanent one with `scope: 'mailbox'` when the grant was revoked); any other
   * error makes the send retryable.
   */
  refreshAccessToken?: (() => Promise<string>) | undefined
}

/** How the sender authenticates. */
export type SmtpAuth = SmtpPasswordAuth | SmtpAccessTokenAuth

/** TLS settings (passed to `node:tls`). Certificates are always checked unless `rejectUnauthorized: false`. */
export interface SmtpTlsOptions {
  /**
   * Certificate authorities to trust (PEM), instead of Node's bundled list — e.g. the CA of a
   * server with a self-signed or private certificate.
   */
  ca?: string | Buffer | Array<string | Buffer> | undefined
  /**
   * Check the server's certificate (default true). `false` accepts any certificate, which lets
   * anyone on the network read the password and the mail: give the server's CA in `ca` instead.
   */
  rejectUnauthorized?: boolean | undefined
  /** Server name for SNI and the certificate check, when it differs from `host`. */
  servername?: string | undefined
}

/** The IMAP account the sent copy is appended to. */
export interface SentFolderImapOptions {
  /** IMAP host, e.g. `imap.example.com`. */
  host: string
  /** Port. Default 993 when `secure`, 143 otherwise. */
  port?: number | undefined
  /** Implicit TLS. Default true. */
  secure?: boolean | undefined
  /** With `secure: false`: refuse to log in unless the server upgrades with STARTTLS. Default true. */
  requireTls?: boolean | undefined
  /** Credentials. Default: the SMTP sender's own (the same mailbox, the current OAuth2 token). */
  auth?: SmtpPasswordAuth | Pick<SmtpAccessTokenAuth, 'user' | 'accessToken'> | undefined
  /** TLS settings, as for SMTP. */
  tls?: SmtpTlsOptions | undefined
}

/**
 * Keep a copy of every sent email in the mailbox's Sent folder (IMAP APPEND with `imapflow`,
 * an optional peer dependency: `npm i imapflow`). Gmail and Microsoft 365 file messages sent
 * over their SMTP in Sent themselves: do not turn this on there, or the copy is doubled.
 */
export interface SentFolderOptions {
  /** The IMAP account of the mailbox. */
  imap: SentFolderImapOptions
  /** Folder name. Default `Sent`. */
  mailbox?: string | undefined
  /** Timeout of the whole append (connect, log in, APPEND, log out) in milliseconds. Default 30,000. */
  timeoutMs?: number | undefined
}

/** Options of {@link createSmtpSender}. */
export interface SmtpSenderOptions {
  /** SMTP host, e.g. `smtp.gmail.com` or `smtp.office365.com`. */
  host: string
  /** Port. Default 465 when `secure`, 587 otherwise. */
  port?: number | undefined
  /** Implicit TLS from the first byte (SMTPS). Default true on port 465, false elsewhere (STARTTLS). */
  secure?: boolean | undefined
  /**
   * Without implicit TLS: refuse to go on unless the server upgrades the connection with
   * STARTTLS (default true). `false` uses STARTTLS when offered and otherwise sends in clear.
   */
  requireTls?: boolean | undefined
  /** TLS settings: extra trusted CAs, SNI name. */
  tls?: SmtpTlsOptions | undefined
  /** Credentials. Omit only for a relay that trusts your address. */
  auth?: SmtpAuth | undefined
  /** Name in logs and events. Default `smtp:<user>@<host>` (or `smtp:<host>` without auth). */
  name?: string | undefined
  /** Host name announced in EHLO. Default: the machine's name when it is fully qualified, else `[127.0.0.1]`. */
  clientHostname?: string | undefined
  /** Keep connections open and reuse them (default true). `false`: one connection per email. */
  pool?: boolean | undefined
  /** Most connections open to the server at once: the mailbox's connection limit (default 2). More sends wait their turn. */
  maxConnections?: number | undefined
  /** Emails sent over one connection before it is replaced (default 100). */
  maxMessages?: number | undefined
  /** An unused pooled connection is closed after this many milliseconds (default 30,000). */
  idleTimeoutMs?: number | undefined
  /** TCP (and implicit TLS) connect timeout in milliseconds (default 30,000). */
  connectionTimeoutMs?: number | undefined
  /** Wait for the server's greeting in milliseconds (default 30,000). */
  greetingTimeoutMs?: number | undefined
  /**
   * Longest silence of the server in milliseconds (default 120,000). After the whole message
   * was sent, running out of it leaves the email in doubt: see the README (Errors).
   */
  socketTimeoutMs?: number | undefined
  /**
   * Ask for delivery status notifications on failure, with the headers returned and CAM's email
   * id as envelope id (`RET=HDRS ENVID=… NOTIFY=FAILURE ORCPT=…`), where the server offers DSN.
   * Default true.
   */
  dsn?: boolean | undefined
  /**
   * How long to wait after a `421` (the server sheds load or closes the connection) or a `451`
   * (try again later: greylisting, a local problem) before the next send, in milliseconds
   * (default 300,000). The worker holds back this sender's sends until then.
   */
  deferredRetryAfterMs?: number | undefined
  /**
   * After the server refused the credentials, how long the sender refuses to contact it again
   * (it rethrows the same permanent error instead), so that retries cannot get the account
   * locked. Default 900,000 (15 minutes); 0 turns it off.
   */
  authFailurePauseMs?: number | undefined
  /** Keep a copy of each sent email in the Sent folder over IMAP. */
  sentFolder?: SentFolderOptions | undefined
  /** Source of the `Date` header. Default: the system clock. Pass the worker's clock in simulations. */
  clock?: Clock | undefined
  /** Structured logger. Never receives passwords or tokens. Default: silent. */
  logger?: Logger | undefined
}

/** The TLS settings as `node:tls` takes them. */
export interface ResolvedTlsOptions {
  ca?: string | Buffer | Array<string | Buffer>
  rejectUnauthorized: boolean
  servername?: string
  minVersion: 'TLSv1.2'
}

/** The Sent-folder settings with every default applied. */
export interface ResolvedSentFolderOptions {
  host: string
  port: number
  secure: boolean
  requireTls: boolean
  auth: SmtpPasswordAuth | Pick<SmtpAccessTokenAuth, 'user' | 'accessToken'> | undefined
  tls: ResolvedTlsOptions
  mailbox: string
  timeoutMs: number
}

/** The sender's options with every default applied. */
export interface ResolvedSmtpSenderOptions {
  host: string
  port: number
  secure: boolean
  requireTls: boolean
  tls: ResolvedTlsOptions
  auth: SmtpAuth | undefined
  name: string
  clientHostname: string | undefined
  pool: boolean
  maxConnections: number
  maxMessages: number
  idleTimeoutMs: number
  connectionTimeoutMs: number
  greetingTimeoutMs: number
  socketTimeoutMs: number
  dsn: boolean
  deferredRetryAfterMs: number
  authFailurePauseMs: number
  sentFolder: ResolvedSentFolderOptions | undefined
  clock: Clock
  logger: Logger
}

type Input = { input?: unknown }

const nonEmptyString = () => {
  const message = (issue: Input) => `expected a non-empty string, got ${describeValue(issue.input)}`
  return z.string({ error: message }).refine((value) => value.trim() !== '', { error: message })
}
/** A host name or address: one token, no spaces or control characters. */
const hostName = () => {
  const message = (issue: Input) => `expected a host name like smtp.example.com, got ${describeValue(issue.input)}`
  return z.string({ error: message }).refine((value) => value !== '' && !containsControlCharacter(value) && !/[\s/]/.test(value), { error: message })
}
const { integer, duration, boolean } = optionFields
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const objectMessage = (issue: Input) => `expected an object, got ${describeValue(issue.input)}`

const pem = z.union([z.string(), z.instanceof(Buffer)])
const tlsSchema = z
  .object(
    {
      ca: z.union([pem, z.array(pem)], { error: 'expected a PEM certificate (string or Buffer) or a list of them' }).optional(),
      rejectUnauthorized: boolean().optional(),
      servername: hostName().optional(),
    },
    { error: objectMessage },
  )
  .optional()

/** A secret: never echoed, whatever it holds. */
const secretString = () => z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' })
const accessTokenSchema = z.custom<SmtpAccessTokenAuth['accessToken']>((token) => (typeof token === 'string' && token !== '') || typeof token === 'function', {
  abort: false,
  error: 'expected a non-empty string or a function returning one',
})

/** `user` and exactly one of `pass` or `accessToken` (plus `refreshAccessToken` with a token). Secrets are never echoed. */
const authSchema = (allowRefresh: boolean) =>
  z
    .object(
      {
        user: nonEmptyString(),
        pass: secretString().optional(),
        accessToken: accessTokenSchema.optional(),
        refreshAccessToken: z
          .custom<() => Promise<string>>((value) => typeof value === 'function', { abort: false, error: 'expected a function returning a Promise of the new access token' })
          .optional(),
      },
      { error: (issue) => `expected { user, pass } or { user, accessToken }, got ${describeValue(issue.input)}` },
    )
    .superRefine(
      (auth, context) => {
        if ((auth.pass !== undefined) === (auth.accessToken !== undefined)) {
          context.addIssue({ code: 'custom', message: 'expected exactly one of `pass` (password or app password) or `accessToken` (OAuth2)' })
        }
        if (auth.refreshAccessToken !== undefined && (!allowRefresh || auth.pass !== undefined)) {
          context.addIssue({
            code: 'custom',
            path: ['refreshAccessToken'],
            message: allowRefresh ? 'only used with `accessToken` (OAuth2)' : 'not used here: the sent folder takes the SMTP sender’s refreshed token when it has no auth of its own',
          })
        }
      },
      { when: (payload) => isRecord(payload.value) },
    )

const sentFolderSchema = z
  .object(
    {
      imap: z.object(
        {
          host: hostName(),
          port: integer(1, 65_535).optional(),
          secure: boolean().default(true),
          requireTls: boolean().default(true),
          auth: authSchema(false).optional(),
          tls: tlsSchema,
        },
        { error: (issue) => `expected { host, port?, secure?, auth?, tls? }, got ${describeValue(issue.input)}` },
      ),
      mailbox: nonEmptyString().default('Sent'),
      timeoutMs: duration(1).default(30_000),
    },
    { error: objectMessage },
  )
  .optional()

/** The sender's options as {@link resolveSmtpSenderOptions} checks them. */
const optionsSchema = z
  .object({
    host: hostName(),
    port: integer(1, 65_535).optional(),
    secure: boolean().optional(),
    requireTls: boolean().default(true),
    tls: tlsSchema,
    auth: authSchema(true).optional(),
    name: nonEmptyString().optional(),
    clientHostname: hostName().optional(),
    pool: boolean().default(true),
    maxConnections: integer(1, 100).default(2),
    maxMessages: integer(1, 100_000).default(100),
    idleTimeoutMs: duration(1).default(30_000),
    connectionTimeoutMs: duration(1).default(30_000),
    greetingTimeoutMs: duration(1).default(30_000),
    socketTimeoutMs: duration(1_000).default(120_000),
    dsn: boolean().default(true),
    deferredRetryAfterMs: duration(1).default(300_000),
    authFailurePauseMs: duration(0).default(15 * 60_000),
    sentFolder: sentFolderSchema,
    clock: z
      .custom<Clock>((value) => typeof value === 'object' && value !== null && typeof (value as Partial<Clock>).now === 'function', {
        abort: false,
        error: (issue) => `expected a Clock ({ now(): Date }), got ${describeValue(issue.input)}`,
      })
      .optional(),
    logger: z.custom<Logger>(isLogger, { abort: false, error: (issue) => `expected a logger with ${missingLoggerMethods(issue.input).join(', ')} methods` }).optional(),
  })
  .superRefine(
    (options, context) => {
      if (options.secure === true && options.requireTls === false) {
        context.addIssue({ code: 'custom', path: ['requireTls'], message: 'cannot be false with `secure: true` (implicit TLS is always encrypted)' })
      }
      const sentFolder: unknown = options.sentFolder
      if (isRecord(sentFolder) && isRecord(sentFolder.imap) && sentFolder.imap.auth === undefined && options.auth === undefined) {
        context.addIssue({ code: 'custom', path: ['sentFolder', 'imap', 'auth'], message: 'expected credentials: the SMTP sender has none to share' })
      }
      if (isRecord(sentFolder) && !isImapFlowInstalled()) context.addIssue({ code: 'custom', path: ['sentFolder'], message: imapFlowInstallAdvice })
    },
    { when: (payload) => isRecord(payload.value) },
  )

type ParsedTls = z.output<typeof tlsSchema>

function resolveTls(tls: ParsedTls): ResolvedTlsOptions {
  return {
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    ...(tls?.servername === undefined ? {} : { servername: tls.servername }),
    minVersion: 'TLSv1.2',
  }
}

function resolveAuth(auth: { user: string; pass?: string | undefined; accessToken?: SmtpAccessTokenAuth['accessToken'] | undefined; refreshAccessToken?: (() => Promise<string>) | undefined }): SmtpAuth {
  if (auth.pass !== undefined) return { user: auth.user, pass: auth.pass }
  return {
    user: auth.user,
    accessToken: auth.accessToken as SmtpAccessTokenAuth['accessToken'],
    ...(auth.refreshAccessToken === undefined ? {} : { refreshAccessToken: auth.refreshAccessToken }),
  }
}

/**
 * Checks `options` and applies defaults. Throws one `ValidationError` (code `CONFIG_INVALID`)
 * listing every problem (field path and what was expected), never only the first, and never a
 * password or token.
 */
export function resolveSmtpSenderOptions(options: SmtpSenderOptions): ResolvedSmtpSenderOptions {
  if (!isRecord(options)) {
    throw new ValidationError('SMTP sender options', [{ path: '', message: 'expected an options object' }], { code: 'CONFIG_INVALID' })
  }
  const settings = parseOptions(optionsSchema, options, 'SMTP sender options')
  const secure = settings.secure ?? settings.port === 465
  const auth = settings.auth === undefined ? undefined : resolveAuth(settings.auth)
  const sentFolder = settings.sentFolder
  return {
    host: settings.host,
    port: settings.port ?? (secure ? 465 : 587),
    secure,
    requireTls: !secure && settings.requireTls,
    tls: resolveTls(settings.tls),
    auth,
    name: settings.name ?? `smtp:${auth === undefined ? '' : `${auth.user}@`}${settings.host}`,
    clientHostname: settings.clientHostname,
    pool: settings.pool,
    maxConnections: settings.maxConnections,
    maxMessages: settings.maxMessages,
    idleTimeoutMs: settings.idleTimeoutMs,
    connectionTimeoutMs: settings.connectionTimeoutMs,
    greetingTimeoutMs: settings.greetingTimeoutMs,
    socketTimeoutMs: settings.socketTimeoutMs,
    dsn: settings.dsn,
    deferredRetryAfterMs: settings.deferredRetryAfterMs,
    authFailurePauseMs: settings.authFailurePauseMs,
    sentFolder:
      sentFolder === undefined
        ? undefined
        : {
            host: sentFolder.imap.host,
            port: sentFolder.imap.port ?? (sentFolder.imap.secure ? 993 : 143),
            secure: sentFolder.imap.secure,
            requireTls: !sentFolder.imap.secure && sentFolder.imap.requireTls,
            auth: sentFolder.imap.auth === undefined ? undefined : resolveAuth(sentFolder.imap.auth),
            tls: resolveTls(sentFolder.imap.tls),
            mailbox: sentFolder.mailbox,
            timeoutMs: sentFolder.timeoutMs,
          },
    clock: settings.clock ?? systemClock,
    logger: settings.logger ?? silentLogger,
  }
}
