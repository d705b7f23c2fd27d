import { ValidationError, env, loadConfigFromEnv, type Environment, type WorkerConfigInput } from '@cam/core'
import { mailboxListVariable, readMailboxPoolConfig, type MailboxPoolConfig } from './mailbox-pool-config.js'

/** Everything the full stack reads from the environment. */
export interface FullStackConfig {
  worker: WorkerConfigInput
  database: { url: string; schema: string }
  /** The shared IMAP inbox (`IMAP_*`); optional with a sending pool, whose mailboxes have their own. */
  imap: { host: string; port: number; secure: boolean; user: string; password?: string; accessToken?: string; mailboxes: string[] } | null
  /** Resend (`RESEND_API_KEY`): the sender without a pool; with one, only for alert emails. */
  resend: { apiKey: string; baseUrl?: string } | null
  /** The sending pool (`CAM_MAILBOXES` and `CAM_MAILBOX_<ID>_*`); null: send through Resend. */
  pool: MailboxPoolConfig | null
  slack: { webhookUrl?: string; token?: string; channel?: string; apiUrl?: string }
  alertEmails: { from: string; to: string[] } | null
  appUrl?: string
  /**
   * Resend's delivery webhooks, served at `POST /webhooks/resend` when `RESEND_WEBHOOK_SECRET`
   * is set. The secret's format is checked by `--check` and before the worker starts.
   */
  webhook: { secret: string; host: string; port: number; publicUrl?: string } | null
}

const email = (value: string) => {
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) throw new Error('expected an email address')
}

/** The variables, with what each expects (printed by `--help`). */
export const fullStackVariables = {
  DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'], secret: true, description: 'PostgreSQL connection string' }),
  CAM_DB_SCHEMA: env.string({ default: 'cam', description: 'schema holding CAM tables' }),
  IMAP_HOST: env.optional(env.string({ description: 'IMAP server, e.g. imap.gmail.com' })),
  IMAP_PORT: env.integer({ min: 1, max: 65_535, default: 993 }),
  IMAP_SECURE: env.boolean({ default: true, description: 'implicit TLS (993)' }),
  IMAP_USER: env.optional(env.string({ description: 'mailbox login, usually the address' })),
  IMAP_PASSWORD: env.optional(env.string({ secret: true, description: 'password or app password' })),
  IMAP_ACCESS_TOKEN: env.optional(env.string({ secret: true, description: 'OAuth2 access token (instead of a password)' })),
  IMAP_MAILBOXES: env.list({ default: ['INBOX'], description: 'comma-separated mailboxes to read' }),
  RESEND_API_KEY: env.optional(env.string({ secret: true, description: 'Resend API key (re_…)' })),
  RESEND_BASE_URL: env.optional(env.url({ description: 'Resend API base URL (tests)' })),
  SLACK_WEBHOOK_URL: env.optional(env.url({ secret: true, description: 'Slack incoming webhook' })),
  SLACK_BOT_TOKEN: env.optional(env.string({ secret: true, description: 'Slack bot token (instead of a webhook)' })),
  SLACK_CHANNEL: env.optional(env.string({ description: 'channel for the bot token' })),
  SLACK_API_URL: env.optional(env.url({ description: 'Slack Web API base URL (tests)' })),
  CAM_ALERT_EMAILS: env.optional(env.list({ item: email, description: 'comma-separated addresses that get alert emails' })),
  CAM_ALERT_FROM: env.optional(env.string({ description: 'sender address of alert emails' })),
  CAM_APP_URL: env.optional(env.url({ description: 'link back to your app in alerts' })),
  RESEND_WEBHOOK_SECRET: env.optional(env.string({ secret: true, description: 'signing secret of the Resend webhook (whsec_…); serves POST /webhooks/resend' })),
  CAM_WEBHOOK_HOST: env.string({ default: '127.0.0.1', description: 'interface the webhook endpoint listens on (0.0.0.0 for every one)' }),
  CAM_WEBHOOK_PORT: env.integer({ min: 0, max: 65_535, default: 3000, description: 'port of the webhook endpoint' }),
  CAM_PUBLIC_URL: env.optional(env.url({ protocols: ['https:', 'http:'], description: 'public URL of this process (e.g. https://cam.acme.io), printed as the webhook address' })),
}

/**
 * Reads and validates the whole configuration — the sending pool's variables included. Every
 * missing or malformed variable is listed in **one** `ValidationError`; secret values are
 * never echoed.
 */
export function loadFullStackConfig(environment: Environment): FullStackConfig {
  let loaded: ReturnType<typeof loadConfigFromEnv<typeof fullStackVariables>> | null = null
  const issues: Array<{ path: string; message: string }> = []
  try {
    loaded = loadConfigFromEnv(environment, fullStackVariables)
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error
    issues.push(...error.issues)
  }
  const poolRead = readMailboxPoolConfig(environment)
  issues.push(...poolRead.issues)
  const given = (name: string) => (environment[name] ?? '').trim() !== ''
  // With a pool (even one with problems), the pool sends and its mailboxes have their own
  // inboxes: Resend and the shared IMAP inbox become optional.
  const poolWanted = given(mailboxListVariable)
  const orPool = ` — or set up a sending pool with ${mailboxListVariable}`
  if (!poolWanted && !given('RESEND_API_KEY')) issues.push({ path: 'RESEND_API_KEY', message: `is required (Resend API key, re_…)${orPool}` })
  if (given('CAM_ALERT_EMAILS') && !given('RESEND_API_KEY')) issues.push({ path: 'RESEND_API_KEY', message: 'is required with CAM_ALERT_EMAILS (alert emails go through Resend)' })
  const imapGiven = ['IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD', 'IMAP_ACCESS_TOKEN'].filter(given)
  if (!poolWanted || imapGiven.length > 0) {
    const why = poolWanted ? ` with ${imapGiven.join(' and ')} (the shared inbox)` : ''
    if (!given('IMAP_HOST')) issues.push({ path: 'IMAP_HOST', message: `is required${why} (IMAP server, e.g. imap.gmail.com)${poolWanted ? '' : orPool}` })
    if (!given('IMAP_USER')) issues.push({ path: 'IMAP_USER', message: `is required${why} (mailbox login, usually the address)` })
    if (!given('IMAP_PASSWORD') && !given('IMAP_ACCESS_TOKEN')) issues.push({ path: 'IMAP_PASSWORD', message: `is required${why} (or IMAP_ACCESS_TOKEN for OAuth2)` })
  }
  // The shared inbox and a pool mailbox's inbox may not be the same account (each inbox is read once).
  const sharedAccount = given('IMAP_HOST') && given('IMAP_USER') ? `${environment.IMAP_USER!.trim().toLowerCase()}@${environment.IMAP_HOST!.trim().toLowerCase()}` : null
  const twin = sharedAccount && poolRead.pool?.mailboxes.find((mailbox) => mailbox.imap && `${mailbox.imap.auth.user.toLowerCase()}@${mailbox.imap.host.toLowerCase()}` === sharedAccount)
  if (twin) issues.push({ path: 'IMAP_HOST', message: `IMAP_USER on IMAP_HOST is the inbox of ${twin.variablePrefix}IMAP_URL too: each inbox is read once; remove one` })
  if (given('SLACK_BOT_TOKEN') !== given('SLACK_CHANNEL')) issues.push({ path: given('SLACK_BOT_TOKEN') ? 'SLACK_CHANNEL' : 'SLACK_BOT_TOKEN', message: 'is required with the other Slack Web API variable' })
  if (given('SLACK_WEBHOOK_URL') && given('SLACK_BOT_TOKEN')) issues.push({ path: 'SLACK_BOT_TOKEN', message: 'set either SLACK_WEBHOOK_URL or SLACK_BOT_TOKEN + SLACK_CHANNEL, not both' })
  if (given('CAM_ALERT_EMAILS') && !given('CAM_ALERT_FROM')) issues.push({ path: 'CAM_ALERT_FROM', message: 'is required with CAM_ALERT_EMAILS' })
  if (issues.length > 0 || !loaded) throw new ValidationError('environment', issues, { code: 'CONFIG_INVALID' })
  const e = loaded.extra
  return {
    worker: loaded.worker,
    database: { url: e.DATABASE_URL, schema: e.CAM_DB_SCHEMA },
    imap:
      e.IMAP_HOST && e.IMAP_USER
        ? {
            host: e.IMAP_HOST,
            port: e.IMAP_PORT,
            secure: e.IMAP_SECURE,
            user: e.IMAP_USER,
            mailboxes: e.IMAP_MAILBOXES,
            ...(e.IMAP_PASSWORD ? { password: e.IMAP_PASSWORD } : {}),
            ...(e.IMAP_ACCESS_TOKEN ? { accessToken: e.IMAP_ACCESS_TOKEN } : {}),
          }
        : null,
    resend: e.RESEND_API_KEY ? { apiKey: e.RESEND_API_KEY, ...(e.RESEND_BASE_URL ? { baseUrl: e.RESEND_BASE_URL } : {}) } : null,
    pool: poolRead.pool,
    slack: {
      ...(e.SLACK_WEBHOOK_URL ? { webhookUrl: e.SLACK_WEBHOOK_URL } : {}),
      ...(e.SLACK_BOT_TOKEN ? { token: e.SLACK_BOT_TOKEN } : {}),
      ...(e.SLACK_CHANNEL ? { channel: e.SLACK_CHANNEL } : {}),
      ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
    },
    alertEmails: e.CAM_ALERT_EMAILS && e.CAM_ALERT_FROM ? { from: e.CAM_ALERT_FROM, to: e.CAM_ALERT_EMAILS } : null,
    ...(e.CAM_APP_URL ? { appUrl: e.CAM_APP_URL } : {}),
    webhook: e.RESEND_WEBHOOK_SECRET
      ? { secret: e.RESEND_WEBHOOK_SECRET, host: e.CAM_WEBHOOK_HOST, port: e.CAM_WEBHOOK_PORT, ...(e.CAM_PUBLIC_URL ? { publicUrl: e.CAM_PUBLIC_URL } : {}) }
      : null,
  }
}

