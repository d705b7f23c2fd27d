/**
 * A local HTTP server speaking the OpenAI Chat Completions API as documented
 * (platform.openai.com/docs/api-reference/chat), for tests: `POST /v1/chat/completions`
 * with `Authorization: Bearer <key>`, answered with a `chat.completion` object, a refusal
 * (`message.content: null`, `message.refusal: "…"`), an error object
 * (`{ error: { message, type, param, code } }`) with its HTTP status (401, 429 with
 * `Retry-After`, 500), or no answer at all until the client gives up.
 *
 * Every request is recorded with its raw body, so tests can assert what left the process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How the server answers the next requests (until told otherwise). */
export type ChatBehaviour =
  /** 200 with `content` as the assistant message (an object is sent as its JSON text). */
  | { type: 'answer'; content: unknown; finishReason?: 'stop' | 'length' | 'content_filter' }
  /** 200 with a refusal: `content: null`, `refusal: text` (structured outputs' refusal). */
  | { type: 'refusal'; refusal: string }
  /** An error object with this HTTP status and extra headers (e.g. `retry-after`). */
  | { type: 'error'; status: number; code: string; message: string; headers?: Record<string, string> }
  /** Never answers; the connection stays open until the client closes it. */
  | { type: 'hang' }

/** A request the server received. */
export interface RecordedChatRequest {
  path: string
  authorization: string | undefined
  /** The body as sent. */
  raw: string
  /** The body parsed as JSON (null when it is not JSON). */
  body: Record<string, unknown> | null
}

/** A running fake OpenAI API. */
export interface OpenAiChatServer {
  /** Base URL for `createOpenAI({ baseURL })`: ends with `/v1`. */
  readonly baseURL: string
  readonly apiKey: string
  readonly requests: RecordedChatRequest[]
  /** Sets how the following requests are answered. */
  behave(behaviour: ChatBehaviour): void
  close(): Promise<void>
}

/** Longest a `hang` holds a request open, in ms, so a test that forgets to abort cannot keep the server alive. */
const longestHangMs = 30_000

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

let completionNumber = 0

function completion(model: unknown, message: Record<string, unknown>, finishReason: string): Record<string, unknown> {
  completionNumber++
  return {
    id: `chatcmpl-test${completionNumber}`,
    object: 'chat.completion',
    created: 1_772_445_600,
    model: typeof model === 'string' ? model : 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
    system_fingerprint: 'fp_test',
  }
}

/** Starts the server on 127.0.0.1 (a free port). It answers `{ type: 'answer', content: {} }` until told otherwise. */
export async function startOpenAiChatServer(options: { apiKey?: string } = {}): Promise<OpenAiChatServer> {
  const apiKey = options.apiKey ?? 'sk-test-key'
  const requests: RecordedChatRequest[] = []
  let behaviour: ChatBehaviour = { type: 'answer', content: {} }
  const hanging = new Set<ServerResponse>()

  const server = createServer((request, response) => {
    void (async () => {
      const raw = await readBody(request)
      let body: Record<string, unknown> | null = null
      try {
        body = JSON.parse(raw) as Record<string, unknown>
      } catch {
        body = null
      }
      const path = request.url ?? ''
      requests.push({ path, authorization: request.headers.authorization, raw, body })
      if (request.method !== 'POST' || path !== '/v1/chat/completions') {
        sendJson(response, 404, { error: { message: `Unknown request URL: ${request.method} ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } })
        return
      }
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        sendJson(response, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })
        return
      }
      if (body === null || !Array.isArray(body.messages)) {
        sendJson(response, 400, { error: { message: "'messages' is a required property", type: 'invalid_request_error', param: 'messages', code: null } })
        return
      }
      const current = behaviour
      switch (current.type) {
        case 'answer': {
          const content = typeof current.content === 'string' ? current.content : JSON.stringify(current.content)
          sendJson(response, 200, completion(body.model, { content }, current.finishReason ?? 'stop'))
          return
        }
        case 'refusal':
          sendJson(response, 200, completion(body.model, { content: null, refusal: current.refusal }, 'stop'))
          return
        case 'error':
          sendJson(response, current.status, { error: { message: current.message, type: current.code, param: null, code: current.code } }, current.headers)
          return
        case 'hang': {
          hanging.add(response)
          const timer = setTimeout(() => response.destroy(), longestHangMs)
          response.on('close', () => {
            clearTimeout(timer)
            hanging.delete(response)
          })
          return
        }
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    behave(next) {
      behaviour = next
    },
    async close() {
      for (const response of hanging) response.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
