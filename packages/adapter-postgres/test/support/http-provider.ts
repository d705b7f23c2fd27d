import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the loopback provider saw. */
export interface ProviderLedger {
  /** Every call, per idempotency key (repeats included). */
  attempts: Map<string, number>
  /** Accepted emails per key: a repeat with a known key is dropped (like Resend), so each is at most 1 for an idempotent provider. */
  deliveries: Map<string, number>
  /** Alert deliveries per key. */
  alerts: Map<string, number>
}

/**
 * An email provider and an alert service on 127.0.0.1 for worker processes: `POST /emails`
 * and `POST /alerts` with an `Idempotency-Key` header. Emails are deduplicated by key
 * when `idempotent` (a second send of a key is accepted and dropped), counted per call
 * otherwise. It lives in the test process, outside the database under test, so that a
 * database fault never touches what the provider saw.
 */
export async function startHttpProvider(options: { idempotent: boolean; delayMs?: number }): Promise<{ url: string; ledger: ProviderLedger; close(): Promise<void> }> {
  const ledger: ProviderLedger = { attempts: new Map(), deliveries: new Map(), alerts: new Map() }
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
  const server: Server = createServer((request, response) => {
    const key = String(request.headers['idempotency-key'] ?? '')
    request.resume()
    request.on('end', () => {
      if (!key) {
        response.writeHead(400).end('missing Idempotency-Key')
        return
      }
      if (request.url === '/alerts') {
        count(ledger.alerts, key)
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
        return
      }
      count(ledger.attempts, key)
      if (!options.idempotent || !ledger.deliveries.has(key)) count(ledger.deliveries, key)
      const reply = () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `prov-${key}` }))
      if (options.delayMs) setTimeout(reply, options.delayMs)
      else reply()
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    ledger,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
