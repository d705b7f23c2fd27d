import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { NodeRequestListener } from '@cam/adapter-resend'
import { CamError, type CamClient, type CamWorker, type Store } from '@cam/core'

/** What the HTTP layer needs. */
export interface HostServerOptions {
  client: CamClient
  worker: CamWorker
  store: Store
  /** A heartbeat older than this makes `/health` answer 503 (default 3 × the worker interval). */
  staleAfterMs?: number
  /**
   * Resend's delivery webhooks (`toNodeRequestListener(createResendWebhookHandler(…))`),
   * served at `POST /webhooks/resend`; without it that path answers 404.
   */
  resendWebhook?: NodeRequestListener
  /** The CAM dashboard (`toNodeRequestListener(createDashboard({ basePath: '/admin/cam', … }))`), served under `/admin/cam`; without it that path answers 404. */
  dashboard?: NodeRequestListener
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto">${body}</body></html>`
}

function send(response: ServerResponse, status: number, type: 'json' | 'html', body: unknown): void {
  const text = type === 'json' ? JSON.stringify(body) : String(body)
  response.writeHead(status, {
    'content-type': type === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...(type === 'html' ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" } : {}),
  })
  response.end(text)
}

async function readBody(request: IncomingMessage, limit = 16_384): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new Error('body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The host application's HTTP endpoints around an embedded CAM worker:
 *
 * - `GET /health` — 200 while the worker's heartbeat is fresh, else 503.
 * - `GET /metrics` and `GET /campaigns/:id/metrics` — campaign metrics (and the sending pool's
 *   mailboxes: usage against today's limit, ramp day, rates, state) as JSON.
 * - `GET /unsubscribe?token=…` — a confirmation page; never unsubscribes (link
 *   scanners and mail clients prefetch GETs).
 * - `POST /unsubscribe?token=…` — RFC 8058 one-click unsubscribe (the body is
 *   `List-Unsubscribe=One-Click` from mail clients, or the confirmation form).
 * - `/admin/cam/…` — the CAM dashboard (campaigns, replies, alerts, in-doubt emails,
 *   quarantine, suppressions, mailboxes, workers), when `dashboard` is given.
 * - `POST /webhooks/resend` — Resend's signed delivery events (bounces, complaints,
 *   deliveries), when `resendWebhook` is given. The body is left unread for it: the
 *   signature covers the exact bytes.
 */
export function createHostServer(options: HostServerOptions): Server {
  const { client, worker, store } = options
  const staleAfterMs = options.staleAfterMs ?? worker.config.intervalMs * 3 + 30_000

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (options.dashboard && (url.pathname === '/admin/cam' || url.pathname.startsWith('/admin/cam/'))) {
      // The dashboard checks access itself (authorize), reads its own forms and answers every case.
      options.dashboard(request, response)
      return
    }
    if (url.pathname === '/webhooks/resend' && options.resendWebhook) {
      // The handler reads the raw body itself, verifies the Svix signature and answers
      // every case (401 forged, 405 not POST, 413 too large, 503 store down) on its own.
      options.resendWebhook(request, response)
      return
    }
    if (request.method === 'GET' && url.pathname === '/health') {
      const heartbeat = (await store.listHeartbeats()).find((h) => h.workerId === worker.workerId)
      const ageMs = heartbeat ? Date.now() - heartbeat.lastSeenAt.getTime() : null
      const healthy = heartbeat !== undefined && ageMs !== null && ageMs <= staleAfterMs && worker.running
      return send(response, healthy ? 200 : 503, 'json', {
        status: healthy ? 'ok' : 'unhealthy',
        workerId: worker.workerId,
        running: worker.running,
        lastSeenAt: heartbeat?.lastSeenAt ?? null,
        cycles: heartbeat?.cycles ?? 0,
        lastError: heartbeat?.lastError ?? null,
      })
    }
    if (request.method === 'GET' && url.pathname === '/metrics') {
      const campaigns = await client.listCampaigns()
      const metrics = await Promise.all(campaigns.map(async (c) => ({ name: c.name, status: c.status, ...(await client.getCampaignMetrics(c.id)) })))
      // The sending pool, when the worker has one: sent today vs today's limit, ramp day, rates, state.
      const mailboxes = await client.listMailboxes()
      return send(response, 200, 'json', { campaigns: metrics, mailboxes })
    }
    const metricsMatch = /^\/campaigns\/([\w-]{1,64})\/metrics$/.exec(url.pathname)
    if (request.method === 'GET' && metricsMatch) {
      try {
        return send(response, 200, 'json', await client.getCampaignMetrics(metricsMatch[1]!))
      } catch (error) {
        if (CamError.isInstance(error, 'NOT_FOUND')) return send(response, 404, 'json', { error: 'campaign not found' })
        throw error
      }
    }
    if (url.pathname === '/unsubscribe') {
      const token = url.searchParams.get('token') ?? ''
      if (request.method === 'GET') {
        return send(
          response,
          200,
          'html',
          page(
            'Unsubscribe',
            `<h1>Unsubscribe</h1><p>Stop receiving these emails?</p><form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
          ),
        )
      }
      if (request.method === 'POST') {
        await readBody(request)
        try {
          const result = await client.handleUnsubscribe(token)
          return send(response, 200, 'html', page('Unsubscribed', `<h1>You are unsubscribed</h1><p>${escapeHtml(result.email)} will not receive these emails again.</p>`))
        } catch (error) {
          if (CamError.isInstance(error, 'UNSUBSCRIBE_TOKEN_INVALID')) return send(response, 400, 'html', page('Invalid link', '<h1>This unsubscribe link is not valid</h1>'))
          throw error
        }
      }
      response.writeHead(405, { allow: 'GET, POST' }).end()
      return
    }
    send(response, 404, 'json', { error: 'not found' })
  }

  return createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      // Never leak internals (or secrets inside error messages) to HTTP clients.
      console.error('request failed:', error instanceof Error ? error.message : error)
      if (!response.headersSent) send(response, 500, 'json', { error: 'internal error' })
      else response.end()
    })
  })
}
