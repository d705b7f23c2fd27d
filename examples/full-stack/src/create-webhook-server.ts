import { createServer, type Server } from 'node:http'
import { createResendWebhookHandler, toNodeRequestListener } from '@cam/adapter-resend'
import type { CamClient, Logger } from '@cam/core'
import type { FullStackConfig } from './full-stack-config.js'

/** Where Resend's webhooks are served. */
export const resendWebhookPath = '/webhooks/resend'

/** The URL to enter in Resend → Webhooks: `CAM_PUBLIC_URL` + the path, or a placeholder for your public host. */
export function publicWebhookUrl(webhook: NonNullable<FullStackConfig['webhook']>): string {
  return webhook.publicUrl ? `${webhook.publicUrl.replace(/\/+$/, '')}${resendWebhookPath}` : `https://<your public host>${resendWebhookPath}`
}

/**
 * An HTTP server with one route, `POST /webhooks/resend`: Resend's Svix-signed delivery
 * events (bounced, complained, delivered, delayed, suppressed, failed) recorded through
 * `client.recordDeliveryEvent`. Every other path answers 404. The body is left unread for the
 * handler: the signature covers the exact bytes.
 *
 * @throws ValidationError when the secret is not a signing secret (never echoing it).
 */
export function createWebhookServer(options: { secret: string; client: Pick<CamClient, 'recordDeliveryEvent'>; logger: Logger }): Server {
  const listener = toNodeRequestListener(createResendWebhookHandler({ webhookSecret: options.secret, client: options.client, logger: options.logger }), {
    logger: options.logger,
  })
  return createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname === resendWebhookPath) return listener(request, response)
    response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not found"}')
  })
}
