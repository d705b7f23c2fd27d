import type { IncomingMessage, ServerResponse } from 'node:http'
import { silentLogger, type Logger } from '@cam/core'
import { errorMessage, nodeRequestHeaders, nodeRequestUrl, sanitizeForLog, writeWebResponse } from '@cam/core/adapter-kit'

/** Options of {@link toNodeRequestListener}. */
export interface NodeRequestListenerOptions {
  /** Where a failure of the bridge itself is logged (a handler that threw, a parsed body). Default: silent. */
  logger?: Logger | undefined
}

/** A Node `http` request listener, also an Express route handler (`req.body` is read when a raw-body parser set it). */
export type NodeRequestListener = (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => void

const rawBodyRequired =
  'The request body was already parsed (e.g. by express.json()). Webhook signatures cover the exact bytes: ' +
  "mount express.raw({ type: 'application/json' }) on this route instead, or no body parser at all."

/** A Web stream that reads `request` only as fast as the handler pulls, and stops reading when cancelled. */
function bodyStream(request: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve, reject) => {
          const cleanup = () => {
            request.off('readable', attempt)
            request.off('end', onEnd)
            request.off('error', onError)
            request.off('close', onClose)
          }
          const onEnd = () => {
            cleanup()
            controller.close()
            resolve()
          }
          const onError = (error: Error) => {
            cleanup()
            reject(error)
          }
          const onClose = () => {
            if (request.readableEnded) return onEnd()
            onError(new Error('the client closed the connection before the body ended'))
          }
          function attempt() {
            const chunk = request.read() as Buffer | string | null
            if (chunk === null) {
              if (request.readableEnded) onEnd()
              return
            }
            cleanup()
            controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
            resolve()
          }
          if (request.destroyed && !request.readableEnded) return onError(new Error('the request was already closed'))
          request.on('readable', attempt)
          request.once('end', onEnd)
          request.once('error', onError)
          request.once('close', onClose)
          attempt()
        })
      },
      cancel() {
        // Nothing more is read; the response says `Connection: close`, so the rest is never parsed.
        request.pause()
      },
    },
    { highWaterMark: 0 },
  )
}

/** The body to hand to the Web handler, or a reason to refuse the request. */
function requestBody(request: IncomingMessage & { body?: unknown }): { body: Uint8Array | string | ReadableStream<Uint8Array> | null } | { refuse: string } {
  const method = request.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') return { body: null }
  const parsed = request.body
  if (parsed instanceof Uint8Array) return { body: new Uint8Array(parsed.buffer, parsed.byteOffset, parsed.byteLength) } // Buffer from express.raw()
  if (typeof parsed === 'string') return { body: parsed } // express.text()
  // Nothing read it yet (no body parser, or one that skipped this content type and left `{}`).
  if (parsed === undefined || parsed === null || !request.readableEnded) return { body: bodyStream(request) }
  return { refuse: rawBodyRequired }
}

function writeError(response: ServerResponse, message: string, closeConnection: boolean): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  const body = JSON.stringify({ error: message })
  response.writeHead(500, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...(closeConnection ? { connection: 'close' } : {}),
  })
  response.end(body)
}

/**
 * Serves a Web-standard handler (such as `createResendWebhookHandler`'s) from Node's `http`
 * server or an Express route:
 *
 * ```ts
 * createServer(toNodeRequestListener(handler)).listen(3000)
 * app.post('/webhooks/resend', express.raw({ type: 'application/json' }), toNodeRequestListener(handler))
 * ```
 *
 * - The body is streamed to the handler as it pulls it, so its size limit holds without
 *   buffering what it refuses; a response sent before the body was read closes the connection.
 * - Under Express, a body `express.raw()` (Buffer) or `express.text()` (string) already read
 *   is used as it is. A body already parsed into an object (`express.json()`) cannot be
 *   verified — the signature covers the exact bytes — and gets a 500 saying so.
 * - It never throws into the host: a handler that throws gets a 500 and an error log.
 */
export function toNodeRequestListener(handler: (request: Request) => Promise<Response>, options: NodeRequestListenerOptions = {}): NodeRequestListener {
  const logger = options?.logger ?? silentLogger
  return (request, response) => {
    const unread = () => !request.readableEnded
    const serve = async () => {
      const body = requestBody(request)
      if ('refuse' in body) {
        logger.error('webhook request refused: the body was parsed before the signature could be checked', { url: sanitizeForLog(request.url ?? '', 200) })
        writeError(response, body.refuse, unread())
        return
      }
      const method = request.method ?? 'GET'
      const init: RequestInit & { duplex?: 'half' } = { method, headers: nodeRequestHeaders(request) }
      if (body.body !== null) {
        init.body = body.body
        init.duplex = 'half'
      }
      const answer = await handler(new Request(nodeRequestUrl(request), init))
      await writeWebResponse(response, answer, unread())
    }
    serve().catch((error: unknown) => {
      logger.error('webhook request failed', { error: sanitizeForLog(errorMessage(error), 500) })
      try {
        writeError(response, 'internal error', unread())
      } catch {
        response.destroy()
      }
    })
  }
}
