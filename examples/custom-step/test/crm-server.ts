import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A local CRM stand-in: `POST /contacts` upserts by `externalId`; can be made to fail. */
export async function startCrmServer() {
  const contacts = new Map<string, Record<string, unknown>>()
  const requests: Array<{ idempotencyKey: string | undefined; authorization: string | undefined }> = []
  let down = false
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      requests.push({ idempotencyKey: request.headers['idempotency-key'] as string | undefined, authorization: request.headers.authorization })
      if (down) return void response.writeHead(503).end('maintenance')
      if (request.method !== 'POST' || request.url !== '/contacts') return void response.writeHead(404).end()
      const contact = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
      contacts.set(String(contact.externalId), contact)
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/contacts`,
    contacts,
    requests,
    setDown: (value: boolean) => void (down = value),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
