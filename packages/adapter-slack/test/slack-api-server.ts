/**
 * A local HTTP server speaking Slack's documented incoming-webhook and
 * `chat.postMessage` APIs, for tests.
 *
 * Incoming webhook (`POST /services/T…/B…/…`, JSON body), per docs.slack.dev
 * "Sending messages using incoming webhooks" and the 2016 error-handling changelog:
 * 200 `ok` (text); 400 `invalid_payload`, `no_text`, `invalid_blocks`; 403
 * `invalid_token`, `action_prohibited`; 404 `channel_not_found`, `no_service`; 410
 * `channel_is_archived`; 500 `rollup_error`; 429 with `Retry-After` (seconds).
 *
 * Web API (`POST /api/chat.postMessage`, form-encoded or JSON, `Authorization: Bearer`):
 * HTTP 200 `{ ok: true, channel, ts, message }` or `{ ok: false, error }` (`not_authed`,
 * `invalid_auth`, `channel_not_found`, `no_text`, `invalid_blocks`, `msg_too_long`);
 * 429 with `Retry-After` and `{ ok: false, error: 'ratelimited' }`.
 *
 * Block Kit limits checked: ≤ 50 blocks, text objects 1–3 000 characters, header
 * plain_text ≤ 150, ≤ 10 section fields of ≤ 2 000, ≤ 10 context elements; top-level
 * `text` ≤ 40 000.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parse as parseQueryString } from 'node:querystring'

/** A message Slack accepted. */
export interface SlackPostedMessage {
  via: 'webhook' | 'web-api'
  /** Channel of a Web API post (the webhook's channel is fixed by the URL). */
  channel: string | undefined
  ts: string
  payload: Record<string, unknown>
}

/** A request the server answered. */
export interface SlackRequestLog {
  via: 'webhook' | 'web-api' | 'other'
  status: number
  error?: string
  at: number
}

/** Failures to produce on the next post (webhook or Web API). */
export type SlackInjectedFailure =
  | { type: 'rate-limited'; retryAfterSeconds: number }
  | { type: 'server-error' }
  /** The webhook/channel is gone: webhook 404 `channel_not_found`, Web API `channel_not_found`. */
  | { type: 'channel-not-found' }
  /** The webhook was revoked: webhook 403 `invalid_token`, Web API `token_revoked`. */
  | { type: 'revoked' }
  | { type: 'archived' }

/** Options of {@link startSlackApiServer}. */
export interface SlackApiServerOptions {
  /** The bot token `chat.postMessage` accepts (default `xoxb-test-token`). */
  token?: string
  /** Posts allowed per window before 429 (default unlimited). */
  rateLimit?: { limit: number; windowMs: number }
}

/** A running fake Slack. */
export interface SlackApiServer {
  /** An incoming webhook URL served by this server. */
  readonly webhookUrl: string
  /** Base URL for `slackApiUrl` (ends with `/api/`). */
  readonly apiUrl: string
  readonly token: string
  readonly messages: SlackPostedMessage[]
  readonly requests: SlackRequestLog[]
  failNext(failure: SlackInjectedFailure): void
  /** While down, every post answers HTTP 503 (Web API: HTTP 503 as well). */
  setDown(down: boolean): void
  close(): Promise<void>
}

const webhookPath = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'

type TextObject = { type?: unknown; text?: unknown }

function checkText(object: unknown, max: number, allowed: readonly string[] = ['mrkdwn', 'plain_text']): boolean {
  const text = object as TextObject
  return (
    typeof text === 'object' &&
    text !== null &&
    typeof text.type === 'string' &&
    allowed.includes(text.type) &&
    typeof text.text === 'string' &&
    text.text.length >= 1 &&
    text.text.length <= max
  )
}

/** `undefined` when the blocks are valid, else Slack's error code. */
function checkBlocks(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks'
  for (const block of blocks as Array<Record<string, unknown>>) {
    switch (block?.['type']) {
      case 'header':
        if (!checkText(block['text'], 150, ['plain_text'])) return 'invalid_blocks'
        break
      case 'section': {
        const fields = block['fields']
        if (block['text'] === undefined && fields === undefined) return 'invalid_blocks'
        if (block['text'] !== undefined && !checkText(block['text'], 3000)) return 'invalid_blocks'
        if (fields !== undefined && (!Array.isArray(fields) || fields.length > 10 || !fields.every((field) => checkText(field, 2000)))) return 'invalid_blocks'
        break
      }
      case 'context': {
        const elements = block['elements']
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10 || !elements.every((element) => checkText(element, 3000))) return 'invalid_blocks'
        break
      }
      case 'divider':
        break
      default:
        return 'invalid_blocks'
    }
  }
  return undefined
}

/** `undefined` when the message is valid, else Slack's error code. */
function checkMessage(payload: Record<string, unknown>): string | undefined {
  const text = payload['text']
  const blocks = payload['blocks']
  if ((typeof text !== 'string' || text.trim() === '') && blocks === undefined) return 'no_text'
  if (typeof text === 'string' && text.length > 40_000) return 'msg_too_long'
  if (blocks !== undefined) return checkBlocks(blocks)
  return undefined
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts a fake Slack on 127.0.0.1 (random port). */
export async function startSlackApiServer(options: SlackApiServerOptions = {}): Promise<SlackApiServer> {
  const token = options.token ?? 'xoxb-test-token'
  const messages: SlackPostedMessage[] = []
  const requests: SlackRequestLog[] = []
  const failures: SlackInjectedFailure[] = []
  let down = false
  let windowStart = 0
  let windowCount = 0
  let tsCounter = 0

  const rateLimited = (): number | undefined => {
    if (!options.rateLimit) return undefined
    const now = Date.now()
    if (now >= windowStart + options.rateLimit.windowMs) {
      windowStart = now
      windowCount = 0
    }
    windowCount++
    return windowCount > options.rateLimit.limit ? Math.max(1, Math.ceil((windowStart + options.rateLimit.windowMs - now) / 1000)) : undefined
  }

  const handleWebhook = (payloadText: string, log: SlackRequestLog, response: ServerResponse) => {
    const text = (status: number, body: string, headers: Record<string, string> = {}) => {
      log.status = status
      if (status !== 200) log.error = body
      response.writeHead(status, { 'content-type': 'text/html', ...headers })
      response.end(body)
    }
    if (down) return text(503, 'service_unavailable')
    const failure = failures.shift()
    if (failure?.type === 'rate-limited') return text(429, 'rate_limited', { 'retry-after': String(failure.retryAfterSeconds) })
    if (failure?.type === 'server-error') return text(500, 'rollup_error')
    if (failure?.type === 'channel-not-found') return text(404, 'channel_not_found')
    if (failure?.type === 'revoked') return text(403, 'invalid_token')
    if (failure?.type === 'archived') return text(410, 'channel_is_archived')
    const wait = rateLimited()
    if (wait !== undefined) return text(429, 'rate_limited', { 'retry-after': String(wait) })
    let payload: unknown
    try {
      payload = JSON.parse(payloadText)
    } catch {
      return text(400, 'invalid_payload')
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return text(400, 'invalid_payload')
    const problem = checkMessage(payload as Record<string, unknown>)
    if (problem !== undefined) return text(400, problem === 'msg_too_long' ? 'invalid_payload' : problem)
    messages.push({ via: 'webhook', channel: undefined, ts: `${Date.now() / 1000}.${String(++tsCounter).padStart(6, '0')}`, payload: payload as Record<string, unknown> })
    return text(200, 'ok')
  }

  const handleWebApi = (request: IncomingMessage, bodyText: string, log: SlackRequestLog, response: ServerResponse) => {
    const json = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      log.status = status
      if (body['ok'] === false) log.error = String(body['error'])
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      response.end(JSON.stringify(body))
    }
    if (down) {
      log.status = 503
      response.writeHead(503, { 'content-type': 'text/plain' })
      response.end('Service Unavailable')
      return
    }
    const authorization = request.headers['authorization']
    if (authorization === undefined) return json(200, { ok: false, error: 'not_authed' })
    if (authorization !== `Bearer ${token}`) return json(200, { ok: false, error: 'invalid_auth' })
    const failure = failures.shift()
    if (failure?.type === 'rate-limited') return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds) })
    if (failure?.type === 'server-error') return json(200, { ok: false, error: 'internal_error' })
    if (failure?.type === 'channel-not-found') return json(200, { ok: false, error: 'channel_not_found' })
    if (failure?.type === 'revoked') return json(200, { ok: false, error: 'token_revoked' })
    if (failure?.type === 'archived') return json(200, { ok: false, error: 'is_archived' })
    const wait = rateLimited()
    if (wait !== undefined) return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) })

    let payload: Record<string, unknown>
    const contentType = request.headers['content-type'] ?? ''
    try {
      if (contentType.startsWith('application/json')) {
        payload = JSON.parse(bodyText) as Record<string, unknown>
      } else {
        // Form encoding: objects arrive JSON-encoded, booleans as "true"/"false".
        payload = {}
        for (const [key, value] of Object.entries(parseQueryString(bodyText))) {
          const single = Array.isArray(value) ? value[0] : value
          payload[key] = key === 'blocks' || key === 'attachments' || key === 'metadata' ? JSON.parse(single ?? 'null') : single === 'true' ? true : single === 'false' ? false : single
        }
      }
    } catch {
      return json(200, { ok: false, error: 'invalid_form_data' })
    }
    const channel = payload['channel']
    if (typeof channel !== 'string' || channel === '') return json(200, { ok: false, error: 'channel_not_found' })
    const problem = checkMessage(payload)
    if (problem !== undefined) return json(200, { ok: false, error: problem })
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`
    messages.push({ via: 'web-api', channel, ts, payload })
    return json(200, { ok: true, channel: channel.startsWith('#') ? 'C0TESTCHAN' : channel, ts, message: { type: 'message', text: payload['text'], ts } })
  }

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const path = (request.url ?? '/').split('?')[0]
        if (request.method === 'POST' && path === webhookPath) {
          const log: SlackRequestLog = { via: 'webhook', status: 0, at: Date.now() }
          requests.push(log)
          return handleWebhook(body, log, response)
        }
        if (request.method === 'POST' && path === '/api/auth.test') {
          requests.push({ via: 'other', status: 200, at: Date.now() })
          const ok = request.headers['authorization'] === `Bearer ${token}`
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(JSON.stringify(ok ? { ok: true, url: 'https://cam-test.slack.com/', team: 'CAM Test', user: 'cam-bot', team_id: 'T00000000', user_id: 'U0CAMBOT' } : { ok: false, error: 'invalid_auth' }))
          return undefined
        }
        if (request.method === 'POST' && path === '/api/chat.postMessage') {
          const log: SlackRequestLog = { via: 'web-api', status: 0, at: Date.now() }
          requests.push(log)
          return handleWebApi(request, body, log, response)
        }
        requests.push({ via: 'other', status: 404, at: Date.now() })
        // An unknown webhook path: Slack answers 404 no_service.
        response.writeHead(404, { 'content-type': 'text/html' })
        response.end('no_service')
        return undefined
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' })
        response.end(String(error))
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`

  return {
    webhookUrl: `${base}${webhookPath}`,
    apiUrl: `${base}/api/`,
    token,
    messages,
    requests,
    failNext(failure) {
      failures.push(failure)
    },
    setDown(value) {
      down = value
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
