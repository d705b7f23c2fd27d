import { AdapterError, ConflictError, ValidationError, silentLogger, type CamClient, type Logger, type ValidationIssue } from '@cam/core'
import { errorMessage, isLogger, missingLoggerMethods, parseOptions, sanitizeForLog } from '@cam/core/adapter-kit'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { z } from 'zod'
import { toResendDeliveryEvent } from './resend-delivery-event.js'

/** Options of {@link createResendWebhookHandler}. */
export interface ResendWebhookHandlerOptions {
  /**
   * The webhook's signing secret from the Resend dashboard (`whsec_…`, e.g. from
   * `RESEND_WEBHOOK_SECRET`). A secret: never logged, never in error messages.
   */
  webhookSecret: string
  /** Where the events go: a CAM client (`createCamClient({ store })`), or anything with its `recordDeliveryEvent`. */
  client: Pick<CamClient, 'recordDeliveryEvent'>
  /**
   * How far the signed timestamp (`svix-timestamp`) may be from this machine's clock, in
   * seconds, either way (default 300, at most 300: the Standard Webhooks library never
   * accepts more). Older requests are refused as replays.
   */
  toleranceSeconds?: number | undefined
  /** Largest body accepted, in bytes (default 262 144 = 256 KiB; 1 KiB to 64 MiB). Larger requests get 413 unread. */
  maxBodyBytes?: number | undefined
  /** Refused signatures at warn, store outages at warn, ignored and recorded events at debug. Default: silent. */
  logger?: Logger | undefined
}

/**
 * A Web-standard request handler (`Request` → `Response`): Next.js route handlers, Hono,
 * Bun, Deno and Cloudflare take it as it is; Node's `http` and Express through
 * `toNodeRequestListener`. It never rejects: every failure is an HTTP status.
 */
export type ResendWebhookHandler = (request: Request) => Promise<Response>

const defaultToleranceSeconds = 300
const defaultMaxBodyBytes = 256 * 1024
const minBodyBytes = 1024
const maxMaxBodyBytes = 64 * 1024 * 1024

/** `whsec_` and the standard base64 of at least 24 bytes: what Resend (Svix) issues; fewer means the secret was cut off when copied. */
const secretPattern = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/
const secretMessage = "expected the webhook's signing secret as Resend shows it: whsec_ followed by base64 (at least 24 bytes; a shorter one was cut off when copied)"

function isSigningSecret(value: string): boolean {
  const base64 = secretPattern.exec(value)?.[1]
  if (base64 === undefined) return false
  const bytes = (base64.length / 4) * 3 - (base64.match(/=+$/)?.[0].length ?? 0)
  return bytes >= 24
}

const integerIn = (min: number, max: number, what: string) => {
  const message = `expected an integer from ${min} to ${max}${what}`
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message })
}

/** The options as {@link createResendWebhookHandler} checks them; the secret is never echoed. */
const optionsSchema = z.object(
  {
    webhookSecret: z.string({ error: secretMessage }).refine(isSigningSecret, { error: secretMessage }),
    client: z.custom<Pick<CamClient, 'recordDeliveryEvent'>>(
      (value) => typeof (value as Partial<CamClient> | null)?.recordDeliveryEvent === 'function',
      { error: 'expected a CAM client (createCamClient) or an object with its recordDeliveryEvent method' },
    ),
    toleranceSeconds: integerIn(1, defaultToleranceSeconds, ' (seconds)').optional(),
    maxBodyBytes: integerIn(minBodyBytes, maxMaxBodyBytes, ' (bytes)').optional(),
    logger: z
      .custom<Logger>(isLogger, { error: (issue) => `expected a logger; missing ${missingLoggerMethods(issue.input).join(', ')}` })
      .optional(),
  },
  { error: 'expected { webhookSecret, client, toleranceSeconds?, maxBodyBytes?, logger? }' },
)

/** The three signature headers: Resend sends `svix-*`; the Standard Webhooks names `webhook-*` are read too. */
function signatureHeaders(headers: Headers): { id: string; timestamp: string; signature: string } | null {
  const id = headers.get('svix-id') ?? headers.get('webhook-id')
  const timestamp = headers.get('svix-timestamp') ?? headers.get('webhook-timestamp')
  const signature = headers.get('svix-signature') ?? headers.get('webhook-signature')
  if (!id || !timestamp || !signature) return null
  return { id, timestamp, signature }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}

const unauthorized = () => json(401, { error: 'unauthorized' })
const tooLarge = (maxBodyBytes: number) => json(413, { error: 'payload too large', maxBytes: maxBodyBytes })
const invalid = (error: string, issues: readonly ValidationIssue[]) => json(400, { error, issues })

type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' | 'unreadable' }

/** Cancels a body nobody will read, ignoring a failure to do so. */
function discard(request: Request): void {
  if (request.body && !request.bodyUsed) request.body.cancel().catch(() => {})
}

/**
 * Reads the body, at most `maxBytes`: refused from `Content-Length` before anything is read,
 * and while streaming as soon as more arrives (the rest is never read).
 */
async function readBoundedBody(request: Request, maxBytes: number): Promise<BodyRead> {
  const declared = request.headers.get('content-length')
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > maxBytes) {
    discard(request)
    return { ok: false, reason: 'too_large' }
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        reader.cancel().catch(() => {})
        return { ok: false, reason: 'too_large' }
      }
      chunks.push(value)
    }
  } catch {
    return { ok: false, reason: 'unreadable' }
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes }
}

// `ignoreBOM` keeps a leading byte-order mark: the signature covers the exact bytes.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * Creates the endpoint that turns Resend's signed delivery webhooks into CAM delivery
 * events (`client.recordDeliveryEvent`). Resend sends with its own Return-Path, so bounces
 * and complaints never reach CAM's mailbox: they arrive here.
 *
 * What it answers:
 *
 * | status | when |
 * |---|---|
 * | 200 | recorded (`applied`), already recorded (`duplicate`: same `svix-id`), an email CAM did not send (`unknown_email`), or an event type that is not a delivery finding (`ignored`) |
 * | 400 | invalid JSON, or a payload without a required field (the body names it) |
 * | 401 | missing, forged or wrong-secret signature, timestamp outside the tolerance (generic body) |
 * | 405 | not a POST |
 * | 413 | body over `maxBodyBytes` (refused unread) |
 * | 503 | the store failed (Resend retries; the event id keeps the retry from counting twice) |
 * | 500 | anything unexpected (Resend retries) |
 *
 * A 2xx is returned only after the event is stored with its effects. The signature is
 * checked with the `standardwebhooks` library (Svix's scheme: HMAC-SHA256 over
 * `id.timestamp.body`, several `v1,` signatures allowed during a secret rotation) over the
 * raw bytes of the body.
 *
 * @throws ValidationError (code `CONFIG_INVALID`) listing every invalid option; the secret is never echoed.
 *
 * ```ts
 * const handler = createResendWebhookHandler({ webhookSecret: process.env.RESEND_WEBHOOK_SECRET!, client })
 * export const POST = handler // Next.js route handler; createServer(toNodeRequestListener(handler)) in Node
 * ```
 */
export function createResendWebhookHandler(options: ResendWebhookHandlerOptions): ResendWebhookHandler {
  const settings = parseOptions(optionsSchema, options, 'Resend webhook handler options')
  const webhook = new Webhook(settings.webhookSecret)
  const client = settings.client
  const logger = settings.logger ?? silentLogger
  const toleranceSeconds = settings.toleranceSeconds ?? defaultToleranceSeconds
  const maxBodyBytes = settings.maxBodyBytes ?? defaultMaxBodyBytes

  const refuse = (reason: string, eventId: string | undefined): Response => {
    logger.warn('Resend webhook refused: signature not verified', { reason, ...(eventId === undefined ? {} : { eventId: sanitizeForLog(eventId, 100) }) })
    return unauthorized()
  }

  async function handle(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      discard(request)
      return json(405, { error: 'method not allowed' }, { allow: 'POST' })
    }
    const signed = signatureHeaders(request.headers)
    if (!signed) {
      discard(request)
      return refuse('missing svix-id, svix-timestamp or svix-signature header', undefined)
    }
    // The timestamp first, before reading anything: a replay outside the window costs nothing.
    if (!/^\d{1,12}$/.test(signed.timestamp.trim())) {
      discard(request)
      return refuse('malformed timestamp', signed.id)
    }
    const age = Math.floor(Date.now() / 1000) - Number(signed.timestamp.trim())
    if (age > toleranceSeconds || -age > toleranceSeconds) {
      discard(request)
      return refuse(age > 0 ? `timestamp ${age} s old (tolerance ${toleranceSeconds} s)` : `timestamp ${-age} s in the future (tolerance ${toleranceSeconds} s)`, signed.id)
    }

    const body = await readBoundedBody(request, maxBodyBytes)
    if (!body.ok) {
      if (body.reason === 'too_large') {
        logger.warn('Resend webhook refused: body too large', { maxBodyBytes, eventId: sanitizeForLog(signed.id, 100) })
        return tooLarge(maxBodyBytes)
      }
      return invalid('unreadable body', [{ path: 'body', message: 'the request body could not be read' }])
    }
    const raw = decoder.decode(body.bytes)
    try {
      webhook.verify(raw, { 'webhook-id': signed.id, 'webhook-timestamp': signed.timestamp, 'webhook-signature': signed.signature }, { jsonParse: false })
    } catch (error) {
      return refuse(error instanceof WebhookVerificationError ? error.message : 'verification failed', signed.id)
    }

    let payload: unknown
    try {
      payload = JSON.parse(raw)
    } catch {
      return invalid('invalid JSON', [{ path: 'body', message: 'expected a JSON object' }])
    }
    const eventId = signed.id
    let event
    try {
      event = toResendDeliveryEvent(eventId, payload)
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error
      logger.warn('Resend webhook refused: invalid payload', { eventId: sanitizeForLog(eventId, 100), issues: error.issues.map((issue) => issue.path) })
      return invalid('invalid payload', error.issues)
    }
    const resendType = sanitizeForLog(String((payload as { type: unknown }).type), 100)
    if (event === null) {
      logger.debug('Resend webhook ignored: not a delivery event', { eventId: sanitizeForLog(eventId, 100), type: resendType })
      return json(200, { status: 'ignored' })
    }

    try {
      const result = await client.recordDeliveryEvent(event)
      logger.debug('Resend delivery event recorded', { eventId: sanitizeForLog(eventId, 100), type: resendType, status: result.status, emailId: result.emailId })
      return json(200, { status: result.status })
    } catch (error) {
      if (ValidationError.isInstance(error)) {
        logger.warn('Resend webhook refused: invalid delivery event', { eventId: sanitizeForLog(eventId, 100), issues: error.issues.map((issue) => issue.path) })
        return invalid('invalid payload', error.issues)
      }
      if (AdapterError.isInstance(error) || ConflictError.isInstance(error)) {
        logger.warn('Resend delivery event not recorded: the store failed; Resend will retry', {
          eventId: sanitizeForLog(eventId, 100),
          type: resendType,
          error: sanitizeForLog(errorMessage(error), 500),
        })
        return json(503, { error: 'temporarily unavailable' }, { 'retry-after': '60' })
      }
      throw error
    }
  }

  return async (request: Request): Promise<Response> => {
    try {
      return await handle(request)
    } catch (error) {
      logger.error('Resend webhook failed', { error: sanitizeForLog(errorMessage(error), 500) })
      return json(500, { error: 'internal error' })
    }
  }
}
