import type { IncomingMessage, ServerResponse } from 'node:http'
import { silentLogger, type Logger } from '@cam/core'
import { errorMessage, nodeRequestHeaders, nodeRequestUrl, sanitizeForLog, writeWebResponse } from '@cam/core/adapter-kit'
import { maxFormBytes } from './form-body.js'

/** Options of {@link toNodeRequestListener}. */
export interface NodeRequestListenerOptions {
  /** Where a failure of the bridge itself is logged. Default: silent. */
  logger?: Logger | undefined
  /**
   * The scheme of the public URL when a proxy ends TLS in front of the app (`https`).
   * Default: `https` on a TLS socket, else `http`. Only the host is compared with `Origin`,
   * so this matters for the links only.
   */
  protocol?: 'http' | 'https' | undefined
}

/** A Node `http` request listener, also an Express/Connect middleware signature (`req.body` is used when a body parser set it). */
export type NodeRequestListener = (request: IncomingMessage & { body?: unknown; originalUrl?: string }, response: ServerResponse) => void

class BodyTooLarge extends Error {}

/** The body as the handler reads it: the raw bytes, or what Express's urlencoded/text/raw parser already made of them. */
async function readBody(request: IncomingMessage & { body?: unknown }): Promise<Uint8Array | string | null> {
  const method = request.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') return null
  const parsed = request.body
  if (parsed instanceof Uint8Array) return parsed
  if (typeof parsed === 'string') return parsed
  if (parsed !== null && typeof parsed === 'object' && request.readableEnded) {
    // express.urlencoded(): the fields, encoded again (the dashboard reads only flat text fields).
    const form = new URLSearchParams()
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') form.append(name, item)
    }
    return form.toString()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += bytes.length
    if (size > maxFormBytes) throw new BodyTooLarge()
    chunks.push(bytes)
  }
  return Buffer.concat(chunks)
}

function writePlain(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), connection: 'close' })
  response.end(text)
}

/**
 * Serves the dashboard (any Web-standard handler) from Node's `http` server or Express:
 *
 * ```ts
 * createServer(toNodeRequestListener(dashboard)).listen(3000)
 * app.use('/admin/cam', toNodeRequestListener(dashboard)) // basePath: '/admin/cam'
 * ```
 *
 * Reads the body up to the dashboard's form limit (larger: 413, connection closed), or takes
 * what an Express body parser already read. It never throws into the host: a failure is a 500
 * and an error log.
 */
export function toNodeRequestListener(handler: (request: Request) => Promise<Response>, options: NodeRequestListenerOptions = {}): NodeRequestListener {
  const logger = options.logger ?? silentLogger
  return (request, response) => {
    const serve = async () => {
      let body: Uint8Array | string | null
      try {
        body = await readBody(request)
      } catch (error) {
        if (error instanceof BodyTooLarge) return writePlain(response, 413, 'The form is too large.')
        throw error
      }
      const headers = nodeRequestHeaders(request)
      // The body is whole (and maybe re-encoded from a parser's fields): its framing headers no longer apply.
      headers.delete('content-length')
      headers.delete('transfer-encoding')
      const init: RequestInit = { method: request.method ?? 'GET', headers }
      if (body !== null) init.body = body
      const answer = await handler(new Request(nodeRequestUrl(request, options.protocol), init))
      await writeWebResponse(response, answer, !request.readableEnded)
    }
    serve().catch((error: unknown) => {
      logger.error('dashboard request failed in the Node bridge', { error: sanitizeForLog(errorMessage(error), 500) })
      try {
        writePlain(response, 500, 'internal error')
      } catch {
        response.destroy()
      }
    })
  }
}
