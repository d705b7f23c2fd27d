import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The pieces every bridge from Node's `http` (or Express) to a Web-standard
 * `(request: Request) => Promise<Response>` handler needs — the Resend webhook handler's and
 * the dashboard's. How the body is read stays each bridge's own (streamed for signature
 * checks, buffered for forms).
 */

/** The request's headers as Web `Headers` (HTTP/2 pseudo-headers left out, repeated headers kept). */
export function nodeRequestHeaders(request: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(':') || value === undefined) continue // HTTP/2 pseudo-headers
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  return headers
}

/**
 * The request's absolute URL. Under Express, a router mounted at a path strips it from `url`;
 * `originalUrl` keeps it. `protocol`: the public scheme when a proxy ends TLS in front of the
 * app (default: `https` on a TLS socket, else `http`). A bad `Host` header falls back to `localhost`.
 */
export function nodeRequestUrl(request: IncomingMessage & { originalUrl?: string }, protocol?: 'http' | 'https'): string {
  const raw = request.originalUrl ?? request.url
  const path = raw?.startsWith('/') ? raw : '/'
  const scheme = protocol ?? ((request.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http')
  try {
    return new URL(path, `${scheme}://${request.headers.host ?? 'localhost'}`).href
  } catch {
    return new URL(path, `${scheme}://localhost`).href
  }
}

/**
 * Writes a Web `Response` to Node's `ServerResponse`: status, headers (every `Set-Cookie`
 * kept apart), the whole body with its `Content-Length`; `Connection: close` when the request
 * body was not read to its end (the rest of it is never parsed).
 */
export async function writeWebResponse(response: ServerResponse, answer: Response, closeConnection: boolean): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer())
  const headers: Record<string, string | string[]> = {}
  answer.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = answer.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  if (closeConnection) headers['connection'] = 'close'
  headers['content-length'] = String(body.byteLength)
  response.writeHead(answer.status, headers)
  response.end(body)
}
