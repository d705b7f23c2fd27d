/**
 * A local HTTP server speaking the documented Resend API for `POST /emails`, for tests.
 *
 * What it reproduces (see resend.com/docs/api-reference/errors, /rate-limit and
 * /dashboard/emails/idempotency-keys):
 * - `Authorization: Bearer <key>`: 401 `missing_api_key`, 403 `invalid_api_key`;
 * - error bodies `{ statusCode, name, message }` with `application/json`;
 * - `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` on every response and
 *   429 `rate_limit_exceeded` with `retry-after` past the per-second limit (default 2);
 * - `Idempotency-Key`: 1–256 characters (else 400 `invalid_idempotency_key`); keys kept
 *   24 hours; the same key with the same body replays the first answer (same id, no new
 *   email); with a different body 409 `invalid_idempotent_request`; while the first
 *   request is still being processed 409 `concurrent_idempotent_requests`; only
 *   successful sends are remembered;
 * - 422 `missing_required_field` / `validation_error` naming the field;
 * - 429 `daily_quota_exceeded` past an optional daily quota;
 * - injected failures: 5xx (JSON or an HTML proxy page), 429, dropped connections
 *   before or after the email was accepted.
 *
 * `GET /emails/:id` (resend.com/docs/api-reference/emails/retrieve-email) answers the email
 * object (`object: 'email'`, `last_event`, …) of an accepted email — `last_event` is `sent`
 * until a test sets it with `setLastEvent` — or 404 `not_found`; it counts against the rate
 * limit like every request and answers 503 while the server is down.
 *
 * Webhooks: with `setWebhook({ url, secret })` it delivers `email.*` events about the emails
 * it accepted the way Resend does, through Svix (`svix-webhooks.ts`): the documented payload
 * `{ type, created_at, data: { email_id, created_at, from, to, subject, message_id, tags, … } }`,
 * signed, one message id per event, the same id again on a retry (`redeliver`).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mailboxAddress, parseAddressList } from './address-list.js'
import { createMessageId, deliverWebhook, type DeliveryOverrides, type WebhookDelivery, type WebhookEndpoint } from './svix-webhooks.js'

/** The JSON body of `POST /emails`, as received. */
export interface ResendEmailBody {
  from: string
  to: string | string[]
  subject: string
  text?: string
  html?: string
  reply_to?: string | string[]
  headers?: Record<string, string>
  tags?: Array<{ name: string; value: string }>
  [field: string]: unknown
}

/** One email the fake Resend accepted. */
export interface StoredResendEmail {
  id: string
  body: ResendEmailBody
  /** Bare recipient addresses, parsed as Resend parses `to`. */
  recipients: string[]
  idempotencyKey: string | undefined
  acceptedAt: number
}

/** One request the server answered (or dropped). */
export interface ResendRequestLog {
  method: string
  path: string
  status: number | 'dropped'
  errorName?: string
  idempotencyKey?: string
}

/** The `last_event` values of Resend's email object. */
export type ResendLastEvent =
  | 'bounced'
  | 'canceled'
  | 'clicked'
  | 'complained'
  | 'delivered'
  | 'delivery_delayed'
  | 'failed'
  | 'opened'
  | 'queued'
  | 'scheduled'
  | 'sent'
  | 'suppressed'

/** A failure to produce on the next `POST /emails`. */
export type ResendInjectedFailure =
  | { type: 'error'; status: number; name: string; message: string; headers?: Record<string, string> }
  | { type: 'raw'; status: number; body: string; contentType: string }
  /** Close the connection without answering, before anything is stored. */
  | { type: 'drop-before-accept' }
  /** Accept and store the email (and its idempotency key), then close the connection without answering. */
  | { type: 'drop-after-accept' }

/** Ready-made failures. */
export const resendFailures = {
  rateLimited: (retryAfterSeconds = 1): ResendInjectedFailure => ({
    type: 'error',
    status: 429,
    name: 'rate_limit_exceeded',
    message: 'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  }),
  dailyQuota: (): ResendInjectedFailure => ({
    type: 'error',
    status: 429,
    name: 'daily_quota_exceeded',
    message: 'You have reached your daily email sending quota.',
  }),
  internalError: (): ResendInjectedFailure => ({
    type: 'error',
    status: 500,
    name: 'internal_server_error',
    message: 'An unexpected error occurred.',
  }),
  badGatewayHtml: (): ResendInjectedFailure => ({
    type: 'raw',
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>',
    contentType: 'text/html',
  }),
  invalidRecipient: (): ResendInjectedFailure => ({
    type: 'error',
    status: 422,
    name: 'validation_error',
    message: 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
  }),
  testingDomainOnly: (): ResendInjectedFailure => ({
    type: 'error',
    status: 403,
    name: 'validation_error',
    message: 'You can only send testing emails to your own email address (owner@cam-test.example). To send emails to other recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.',
  }),
} as const

/** Options of {@link startResendApiServer}. */
export interface ResendApiServerOptions {
  /** The API key the server accepts (default `re_test_123456789`). */
  apiKey?: string
  /** Requests allowed per window (default 2 per 1 000 ms); `false` disables the limit. */
  rateLimit?: { limit: number; windowMs: number } | false
  /** Emails accepted per rolling 24 hours before `daily_quota_exceeded` (default unlimited). */
  dailyQuota?: number
  /** How long a send stays "in progress" (ms, default 0) — the window for `concurrent_idempotent_requests`. */
  processingDelayMs?: number
  /** Clock for idempotency-key expiry and the daily quota (default `Date.now`). */
  now?: () => number
}

/** A running fake Resend. */
export interface ResendApiServer {
  /** Base URL to pass as `baseUrl`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly apiKey: string
  /** Emails accepted, oldest first. */
  readonly emails: StoredResendEmail[]
  /** Every request, in order. */
  readonly requests: ResendRequestLog[]
  /** Queues a failure for the next `POST /emails` (several calls queue several failures). */
  failNext(failure: ResendInjectedFailure): void
  /** While down, every `POST /emails` (and `GET /emails/:id`) answers 503 `internal_server_error`. */
  setDown(down: boolean): void
  /** Sets what `GET /emails/:id` reports as the email's `last_event` (default `sent`). */
  setLastEvent(id: string, lastEvent: ResendLastEvent): void
  /** Where webhook events go, and the endpoint's signing secret (`whsec_…`). */
  setWebhook(endpoint: WebhookEndpoint): void
  /**
   * The payload Resend sends for `type` about an accepted email (`email.bounced`, …), with
   * `data` fields added or replaced (e.g. `bounce`, `failed`, `suppressed`); a field set to
   * `undefined` is left out.
   */
  emailEvent(emailId: string, type: string, data?: Record<string, unknown>): Record<string, unknown>
  /** Delivers a payload (an object, or exact text) as a new webhook message, signed; resolves the attempt's answer. */
  sendWebhook(payload: Record<string, unknown> | string, overrides?: DeliveryOverrides): Promise<WebhookDelivery>
  /** Delivers `emailEvent(emailId, type, data)` as a new webhook message. */
  emitEmailEvent(emailId: string, type: string, data?: Record<string, unknown>): Promise<WebhookDelivery>
  /** Delivers a message again with its `svix-id`, freshly timestamped and signed (a Svix retry or a manual replay). */
  redeliver(msgId: string, overrides?: DeliveryOverrides): Promise<WebhookDelivery>
  close(): Promise<void>
}

const idempotencyWindowMs = 24 * 60 * 60 * 1000

/** Canonical JSON (sorted keys) so two identical bodies compare equal. */
function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${fingerprint((value as Record<string, unknown>)[key])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

type Validation = { status: number; name: string; message: string } | { recipients: string[] }

function validateEmail(body: Record<string, unknown>): Validation {
  for (const field of ['from', 'to', 'subject'] as const) {
    if (body[field] === undefined || body[field] === null || body[field] === '') {
      return { status: 422, name: 'missing_required_field', message: `Missing \`${field}\` field.` }
    }
  }
  if (typeof body['from'] !== 'string' || mailboxAddress(body['from'].trim()) === undefined) {
    return { status: 422, name: 'validation_error', message: 'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.' }
  }
  const to = body['to']
  const entries = typeof to === 'string' ? [to] : Array.isArray(to) ? to : []
  const recipients: string[] = []
  for (const entry of entries) {
    const parsed = typeof entry === 'string' ? parseAddressList(entry) : undefined
    if (parsed === undefined || parsed.length === 0) {
      return { status: 422, name: 'validation_error', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.' }
    }
    recipients.push(...parsed)
  }
  if (recipients.length === 0 || recipients.length > 50) {
    return { status: 422, name: 'validation_error', message: 'Invalid `to` field. Between 1 and 50 recipients expected.' }
  }
  if (typeof body['subject'] !== 'string') return { status: 422, name: 'validation_error', message: 'Invalid `subject` field. Expected a string.' }
  if (/[\r\n]/.test(body['subject'])) return { status: 422, name: 'validation_error', message: 'Invalid `subject` field. Line breaks are not allowed.' }
  if (typeof body['text'] !== 'string' && typeof body['html'] !== 'string') {
    return { status: 422, name: 'validation_error', message: 'Missing `html` or `text` field.' }
  }
  const headers = body['headers']
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      return { status: 422, name: 'validation_error', message: 'Invalid `headers` field. Expected an object of strings.' }
    }
    for (const [name, value] of Object.entries(headers)) {
      if (!/^[!-9;-~]+$/.test(name) || typeof value !== 'string' || /[\r\n]/.test(value)) {
        return { status: 422, name: 'validation_error', message: 'Invalid `headers` field. Header names and values must be single-line strings.' }
      }
    }
  }
  const tags = body['tags']
  if (tags !== undefined) {
    if (!Array.isArray(tags)) return { status: 422, name: 'validation_error', message: 'Invalid `tags` field. Expected an array.' }
    for (const tag of tags as Array<{ name?: unknown; value?: unknown }>) {
      if (typeof tag?.name !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(tag.name) || typeof tag.value !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(tag.value)) {
        return { status: 422, name: 'validation_error', message: 'Invalid `tags` field. Tag names and values can only contain ASCII letters, numbers, underscores or dashes.' }
      }
    }
  }
  return { recipients }
}

/** Starts a fake Resend on 127.0.0.1 (random port). */
export async function startResendApiServer(options: ResendApiServerOptions = {}): Promise<ResendApiServer> {
  const apiKey = options.apiKey ?? 're_test_123456789'
  const rateLimit = options.rateLimit === undefined ? { limit: 2, windowMs: 1000 } : options.rateLimit
  const now = options.now ?? Date.now
  const emails: StoredResendEmail[] = []
  const requests: ResendRequestLog[] = []
  const failures: ResendInjectedFailure[] = []
  const keys = new Map<string, { fingerprint: string; state: 'in_progress' } | { fingerprint: string; state: 'done'; id: string; expiresAt: number }>()
  const lastEvents = new Map<string, ResendLastEvent>()
  const webhookMessages = new Map<string, string>()
  let webhook: WebhookEndpoint | undefined
  let down = false
  let windowStart = 0
  let windowCount = 0

  const rateHeaders = (): { headers: Record<string, string>; limited: boolean } => {
    if (rateLimit === false) return { headers: {}, limited: false }
    const current = Date.now()
    if (current >= windowStart + rateLimit.windowMs) {
      windowStart = current
      windowCount = 0
    }
    windowCount++
    const resetSeconds = Math.max(1, Math.ceil((windowStart + rateLimit.windowMs - current) / 1000))
    const limited = windowCount > rateLimit.limit
    return {
      limited,
      headers: {
        'ratelimit-limit': String(rateLimit.limit),
        'ratelimit-remaining': String(Math.max(0, rateLimit.limit - windowCount)),
        'ratelimit-reset': String(resetSeconds),
        ...(limited ? { 'retry-after': String(resetSeconds) } : {}),
      },
    }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] as string
    const log: ResendRequestLog = { method: request.method ?? 'GET', path, status: 0 }
    requests.push(log)
    const rawBody = await readBody(request)
    const { headers: limitHeaders, limited } = rateHeaders()
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      log.status = status
      response.writeHead(status, { 'content-type': 'application/json', ...limitHeaders, ...extra })
      response.end(JSON.stringify(body))
    }
    const fail = (status: number, name: string, message: string, extra: Record<string, string> = {}) => {
      log.errorName = name
      reply(status, { statusCode: status, name, message }, extra)
    }
    const drop = () => {
      log.status = 'dropped'
      request.socket.destroy()
    }

    const authorization = request.headers['authorization']
    if (authorization === undefined) return fail(401, 'missing_api_key', 'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY')
    if (authorization !== `Bearer ${apiKey}`) return fail(403, 'invalid_api_key', 'API key is invalid')
    if (path === '/domains' && request.method === 'GET') {
      // Read-only: what `--check`-style connectivity probes call; it never sends anything.
      return reply(200, { object: 'list', has_more: false, data: [{ id: 'd91cd9bd-1176-453e-8fc1-35364d380206', name: 'cam-test.example', status: 'verified', created_at: '2026-01-01 00:00:00.000000+00', region: 'us-east-1' }] })
    }
    const emailPath = /^\/emails\/([^/]+)$/.exec(path)
    if (emailPath && request.method === 'GET') {
      // Retrieve a sent email: the documented email object, `last_event` as the test set it.
      if (limited) return fail(429, 'rate_limit_exceeded', `Too many requests. You can only make ${rateLimit === false ? 0 : rateLimit.limit} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`)
      if (down) return fail(503, 'internal_server_error', 'Service unavailable.')
      const id = decodeURIComponent(emailPath[1] as string)
      const email = emails.find((candidate) => candidate.id === id)
      if (!email) return fail(404, 'not_found', 'Email not found')
      const list = (value: unknown): string[] | null => (typeof value === 'string' ? [value] : Array.isArray(value) ? (value as string[]) : null)
      return reply(200, {
        object: 'email',
        id: email.id,
        to: list(email.body.to) ?? [],
        from: email.body.from,
        created_at: new Date(email.acceptedAt).toISOString().replace('Z', '+00:00'),
        subject: email.body.subject,
        html: email.body.html ?? null,
        text: email.body.text ?? null,
        bcc: list(email.body['bcc']),
        cc: list(email.body['cc']),
        reply_to: list(email.body.reply_to),
        last_event: lastEvents.get(email.id) ?? 'sent',
        scheduled_at: null,
        tags: email.body.tags ?? [],
      })
    }
    if (path !== '/emails') return fail(404, 'not_found', 'The requested endpoint does not exist.')
    if (request.method !== 'POST') return fail(405, 'method_not_allowed', 'Method is not allowed for the requested path.')
    if (limited) {
      return fail(429, 'rate_limit_exceeded', `Too many requests. You can only make ${rateLimit === false ? 0 : rateLimit.limit} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`)
    }
    const key = request.headers['idempotency-key']
    const idempotencyKey = typeof key === 'string' ? key : undefined
    if (idempotencyKey !== undefined) log.idempotencyKey = idempotencyKey
    const outage: ResendInjectedFailure = { type: 'error', status: 503, name: 'internal_server_error', message: 'Service unavailable.' }
    const failure = down ? outage : failures.shift()
    if (failure && failure.type !== 'drop-after-accept') {
      if (failure.type === 'error') return fail(failure.status, failure.name, failure.message, failure.headers)
      if (failure.type === 'raw') {
        log.status = failure.status
        response.writeHead(failure.status, { 'content-type': failure.contentType, ...limitHeaders })
        response.end(failure.body)
        return
      }
      return drop()
    }

    let body: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(rawBody)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object')
      body = parsed as Record<string, unknown>
    } catch {
      return fail(422, 'validation_error', 'Invalid JSON body.')
    }

    const bodyFingerprint = fingerprint(body)
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > 256) {
        return fail(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.')
      }
      const entry = keys.get(idempotencyKey)
      if (entry && entry.state === 'done' && entry.expiresAt <= now()) keys.delete(idempotencyKey)
      const current = keys.get(idempotencyKey)
      if (current?.state === 'in_progress') {
        return fail(409, 'concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.')
      }
      if (current?.state === 'done') {
        if (current.fingerprint !== bodyFingerprint) {
          return fail(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.')
        }
        return reply(200, { id: current.id })
      }
    }

    const validation = validateEmail(body)
    if ('status' in validation) return fail(validation.status, validation.name, validation.message)
    if (options.dailyQuota !== undefined) {
      const since = now() - idempotencyWindowMs
      if (emails.filter((email) => email.acceptedAt > since).length >= options.dailyQuota) {
        return fail(429, 'daily_quota_exceeded', 'You have reached your daily email sending quota.')
      }
    }

    if (idempotencyKey !== undefined) keys.set(idempotencyKey, { fingerprint: bodyFingerprint, state: 'in_progress' })
    if (options.processingDelayMs) await new Promise((resolve) => setTimeout(resolve, options.processingDelayMs))
    const id = randomUUID()
    emails.push({ id, body: body as ResendEmailBody, recipients: validation.recipients, idempotencyKey, acceptedAt: now() })
    if (idempotencyKey !== undefined) keys.set(idempotencyKey, { fingerprint: bodyFingerprint, state: 'done', id, expiresAt: now() + idempotencyWindowMs })
    if (failure?.type === 'drop-after-accept') return drop()
    return reply(200, { id })
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ statusCode: 500, name: 'internal_server_error', message: String(error) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const api: ResendApiServer = {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    emails,
    requests,
    failNext(failure) {
      failures.push(failure)
    },
    setDown(value) {
      down = value
    },
    setLastEvent(id, lastEvent) {
      lastEvents.set(id, lastEvent)
    },
    setWebhook(endpoint) {
      webhook = endpoint
    },
    emailEvent(emailId, type, data = {}) {
      const email = emails.find((candidate) => candidate.id === emailId)
      if (!email) throw new Error(`the fake Resend has no email ${emailId}`)
      const headers = email.body.headers ?? {}
      const messageId = Object.entries(headers).find(([name]) => name.toLowerCase() === 'message-id')?.[1]
      const fields: Record<string, unknown> = {
        created_at: new Date(email.acceptedAt).toISOString(),
        email_id: email.id,
        from: email.body.from,
        to: email.recipients,
        subject: email.body.subject,
        ...(messageId === undefined ? {} : { message_id: messageId }),
        tags: Object.fromEntries((email.body.tags ?? []).map((tag) => [tag.name, tag.value])),
        ...data,
      }
      return { type, created_at: new Date().toISOString(), data: Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) }
    },
    async sendWebhook(payload, overrides) {
      if (!webhook) throw new Error('no webhook endpoint: call setWebhook first')
      const message = { msgId: createMessageId(), payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
      webhookMessages.set(message.msgId, message.payload)
      return deliverWebhook(webhook, message, overrides)
    },
    async emitEmailEvent(emailId, type, data) {
      return api.sendWebhook(api.emailEvent(emailId, type, data))
    },
    async redeliver(msgId, overrides) {
      const payload = webhookMessages.get(msgId)
      if (!webhook || payload === undefined) throw new Error(`no webhook message ${msgId}`)
      return deliverWebhook(webhook, { msgId, payload }, overrides)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
  return api
}
