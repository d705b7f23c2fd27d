/**
 * Webhook delivery the way Resend's provider, Svix, does it (docs.svix.com "Verifying
 * payloads", resend.com/docs/dashboard/webhooks/verify-webhooks-requests): a JSON POST with
 * `svix-id` (the message id, the same on every retry of one message), `svix-timestamp`
 * (Unix seconds of this attempt) and `svix-signature` (`v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>`, several space-separated during a secret rotation), signed with the
 * real `svix` package, never with the code under test.
 */
import { randomBytes } from 'node:crypto'
import { Webhook } from 'svix'

/** Where a webhook goes and the endpoint's signing secret (`whsec_…`). */
export interface WebhookEndpoint {
  url: string
  secret: string
}

/** One attempt's answer. */
export interface WebhookDelivery {
  msgId: string
  status: number
  /** The response body, as text. */
  body: string
  /** The response body parsed, or undefined when it is not JSON. */
  json: unknown
}

/** How one attempt deviates from a correct delivery (forged, stale, re-signed…). */
export interface DeliveryOverrides {
  /** Signed time of this attempt (default now). */
  timestamp?: Date
  /** Sign with another secret (a wrong one, or a second one of a rotation). */
  secret?: string
  /** Add a signature made with this secret too (secret rotation: several signatures). */
  extraSecret?: string
  /** Replace the `svix-signature` header. */
  signature?: string
  /** Send these bytes instead of the signed payload (a tampered body). */
  sentBody?: string
  /** Leave these headers out. */
  omitHeaders?: Array<'svix-id' | 'svix-timestamp' | 'svix-signature'>
}

/** A new signing secret as Svix makes them: `whsec_` and 24 random bytes in base64. */
export function createSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/** A message id in Svix's form (`msg_` and 27 base62 characters). */
export function createMessageId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  return `msg_${[...randomBytes(27)].map((byte) => alphabet[byte % 62]).join('')}`
}

/** The three Svix headers of a message, signed over `payload` with `secret` at `timestamp`. */
export function svixHeaders(secret: string, msgId: string, payload: string, timestamp = new Date(), extraSecret?: string): Record<string, string> {
  const signatures = [new Webhook(secret).sign(msgId, timestamp, payload)]
  if (extraSecret !== undefined) signatures.unshift(new Webhook(extraSecret).sign(msgId, timestamp, payload))
  return {
    'svix-id': msgId,
    'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'svix-signature': signatures.join(' '),
  }
}

/** POSTs one signed message to the endpoint, as one Svix attempt. */
export async function deliverWebhook(endpoint: WebhookEndpoint, message: { msgId: string; payload: string }, overrides: DeliveryOverrides = {}): Promise<WebhookDelivery> {
  const signed = svixHeaders(overrides.secret ?? endpoint.secret, message.msgId, message.payload, overrides.timestamp, overrides.extraSecret)
  if (overrides.signature !== undefined) signed['svix-signature'] = overrides.signature
  for (const name of overrides.omitHeaders ?? []) delete signed[name]
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Svix-Webhooks/1.0 (sender-test)', ...signed },
    body: overrides.sentBody ?? message.payload,
  })
  const body = await response.text()
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return { msgId: message.msgId, status: response.status, body, json }
}
