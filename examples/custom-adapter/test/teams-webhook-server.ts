import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake webhook can be told to answer next. */
export type WebhookFailure = 'rate-limited' | 'unavailable' | 'rejected'

/**
 * A local stand-in for a Teams incoming webhook: accepts JSON MessageCards on
 * `POST /webhook/<token>` and answers like the real one (`200 1`, `400 Bad payload…`,
 * `404` for an unknown webhook, `429` with `Retry-After`).
 */
export async function startTeamsWebhookServer() {
  const cards: Array<Record<string, unknown>> = []
  const failures: WebhookFailure[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.startsWith('/webhook/secret-token')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Webhook not found')
        return
      }
      const failure = failures.shift()
      if (failure === 'rate-limited') return void response.writeHead(429, { 'retry-after': '7', 'content-type': 'text/plain' }).end('Microsoft Teams endpoint returned HTTP error 429')
      if (failure === 'unavailable') return void response.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable')
      if (failure === 'rejected') return void response.writeHead(410, { 'content-type': 'text/plain' }).end('Webhook removed')
      let card: Record<string, unknown>
      try {
        card = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      } catch {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad payload received by generic incoming webhook.')
        return
      }
      if (card['@type'] !== 'MessageCard' || typeof card.summary !== 'string') {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('Summary or Text is required.')
        return
      }
      cards.push(card)
      response.writeHead(200, { 'content-type': 'text/plain' }).end('1')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhook/secret-token`,
    cards,
    failNext: (failure: WebhookFailure) => void failures.push(failure),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
