import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import type { CamWebhookPayload } from '../domain/cam-event-payload.js'

/** One request the receiver got, verified or not. */
export interface ReceivedWebhookRequest {
  /** `webhook-id` header. */
  id: string
  /** The raw body. */
  body: string
  /** Whether the signature verified (with the receiver's secret, within the library's timestamp tolerance). */
  verified: boolean
  /** The status answered (0 while a held answer is pending or when the connection closed first). */
  status: number
  headers: Record<string, string>
}

/** An event the receiver accepted: verified, answered 2xx, and seen for the first time (deduplicated by `webhook-id`). */
export interface AcceptedWebhook {
  id: string
  payload: CamWebhookPayload
  body: string
}

/** What the receiver answers to a verified request: a status, optional headers, optionally held until a promise settles. */
export interface WebhookAnswer {
  status: number
  headers?: Record<string, string>
  /** Answer only once this resolves (a slow receiver, or one the test holds while it kills the worker). */
  hold?: Promise<unknown>
}

/** A Standard Webhooks receiver on 127.0.0.1, for tests (see {@link createWebhookReceiver}). */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks`. */
  readonly url: string
  /** Its signing secret (`whsec_…`), to configure the endpoint with. */
  readonly secret: string
  /** Every request, in arrival order (duplicates and refused ones included). */
  readonly requests: ReceivedWebhookRequest[]
  /** Events processed, once each (the receiver's dedupe by `webhook-id`), in order of first acceptance. */
  readonly accepted: AcceptedWebhook[]
  /** Ids that arrived again with a different body — must stay empty: an id is never reused for another payload. */
  readonly conflicts: string[]
  /** Sets how verified requests are answered (default: 200). Called once per request, with the number of earlier requests of the same id. */
  answer(handler: (request: { id: string; attempt: number; payload: CamWebhookPayload }) => WebhookAnswer): void
  /** Resolves once `count` events were accepted. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/**
 * A webhook receiver as a CAM user would write one: it verifies every request with the
 * `standardwebhooks` library (`Webhook#verify`, 401 when it fails), processes each
 * `webhook-id` once (a repeat is answered like the first but not processed again) and
 * records everything it saw. Use it to test an integration end to end.
 *
 * ```ts
 * const receiver = await createWebhookReceiver()
 * const worker = createCamWorker({ store, webhooks: [{ name: 'crm', url: receiver.url, secret: receiver.secret, events: '*' }] })
 * ```
 */
export async function createWebhookReceiver(options: { secret?: string } = {}): Promise<WebhookReceiver> {
  const secret = options.secret ?? `whsec_${randomBytes(32).toString('base64')}`
  const verifier = new Webhook(secret)
  const requests: ReceivedWebhookRequest[] = []
  const accepted: AcceptedWebhook[] = []
  const conflicts: string[] = []
  const firstBody = new Map<string, string>()
  const processed = new Set<string>()
  const waiters = new Set<() => void>()
  let handler: (request: { id: string; attempt: number; payload: CamWebhookPayload }) => WebhookAnswer = () => ({ status: 200 })

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]))
    const id = headers['webhook-id'] ?? ''
    const record: ReceivedWebhookRequest = { id, body, verified: false, status: 0, headers }
    const attempt = requests.filter((earlier) => earlier.id === id).length
    requests.push(record)
    let payload: CamWebhookPayload
    try {
      payload = verifier.verify(body, headers) as CamWebhookPayload
      record.verified = true
    } catch {
      record.status = 401
      response.writeHead(401).end('signature verification failed')
      return
    }
    const earlier = firstBody.get(id)
    if (earlier === undefined) firstBody.set(id, body)
    else if (earlier !== body && !conflicts.includes(id)) conflicts.push(id)
    const answer = handler({ id, attempt, payload })
    // A receiver processes, then answers: a 2xx means "done" — once per id.
    if (answer.status >= 200 && answer.status < 300 && !processed.has(id)) {
      processed.add(id)
      accepted.push({ id, payload, body })
      for (const waiter of waiters) waiter()
    }
    if (answer.hold) await answer.hold.catch(() => undefined)
    if (response.destroyed) return
    record.status = answer.status
    response.writeHead(answer.status, answer.headers ?? {}).end()
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    secret,
    requests,
    accepted,
    conflicts,
    answer(next) {
      handler = next
    },
    waitForAccepted(count, timeoutMs = 20_000) {
      if (accepted.length >= count) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`webhook receiver: ${accepted.length} of ${count} events accepted within ${timeoutMs} ms`))
        }, timeoutMs)
        function check() {
          if (accepted.length < count) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
      })
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
