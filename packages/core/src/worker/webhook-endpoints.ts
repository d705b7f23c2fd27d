import { Webhook } from 'standardwebhooks'
import { z } from 'zod'
import { camEventTypes, type CamEventType } from '../domain/cam-event.js'
import { containsControlCharacter } from '../domain/plain-text.js'
import type { WebhookEndpointSettings } from '../domain/webhook.js'
import type { ValidationIssue } from '../errors/validation-error.js'
import { argumentIssues } from '../client/client-arguments.js'
import { maxTimerDelayMessage, maxTimerDelayMs } from './worker-config.js'

/** Default timeout of one delivery attempt (Standard Webhooks recommends 15–30 s). */
export const defaultWebhookTimeoutMs = 15_000
/** Default time after which a delivery that keeps failing is given up (a dead letter): 24 hours. */
export const defaultWebhookGiveUpAfterMs = 24 * 3_600_000

/**
 * An outbound webhook endpoint, as given to `createCamWorker({ webhooks })`. Every CAM
 * event whose type it subscribes to is POSTed to it, signed per the Standard Webhooks
 * specification with its own secret.
 */
export interface WebhookEndpointConfig {
  /** Stable, unique name; deliveries refer to it (renaming starts a new endpoint). */
  name: string
  /** Where to POST: `https://…` (plain `http://` only for localhost / 127.0.0.1 / [::1]); no credentials in it. */
  url: string
  /**
   * The signing secret: `whsec_` + base64 of 24 to 64 random bytes (the Standard Webhooks
   * format; e.g. `'whsec_' + randomBytes(32).toString('base64')`). Never logged or stored.
   */
  secret: string
  /** The event types it receives, or `'*'` for all. */
  events: CamEventType[] | '*'
  /** Timeout of one attempt (default 15 s). */
  timeoutMs?: number | undefined
  /** Give a delivery up (dead letter) when it has failed for this long since the event (default 24 h). */
  giveUpAfterMs?: number | undefined
}

/** An endpoint ready for the webhooks step: checked, defaults applied, its signer built (the secret stays inside it). */
export interface WebhookTarget {
  name: string
  url: string
  events: CamEventType[] | '*'
  timeoutMs: number
  giveUpAfterMs: number
  /** Signs with the endpoint's secret. */
  signer: Webhook
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

const urlSchema = z.string({ error: 'expected an https URL' }).superRefine((value, context) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    context.addIssue({ code: 'custom', message: 'expected an https URL' })
    return
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    context.addIssue({ code: 'custom', message: 'expected an https URL (plain http only for localhost, 127.0.0.1 or [::1])' })
  }
  if (url.username || url.password) context.addIssue({ code: 'custom', message: 'expected no credentials in the URL (they would be logged): authenticate with the signature' })
})

const secretMessage = 'expected a signing secret: "whsec_" followed by the base64 of 24 to 64 random bytes'
const secretSchema = z.string({ error: secretMessage }).refine(
  (value) => {
    if (!value.startsWith('whsec_')) return false
    const encoded = value.slice('whsec_'.length)
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false
    const bytes = Buffer.from(encoded, 'base64').length
    return bytes >= 24 && bytes <= 64
  },
  { message: secretMessage },
)

const duration = (what: string) =>
  z
    .number({ error: `expected ${what}` })
    .int({ message: `expected ${what}` })
    .positive({ message: `expected ${what}` })
    .max(maxTimerDelayMs, { message: maxTimerDelayMessage })

const endpointSchema = z.strictObject(
  {
    name: z
      .string({ error: 'expected a name' })
      .min(1, { message: 'expected a name' })
      .max(200, { message: 'expected at most 200 characters' })
      .refine((value) => !containsControlCharacter(value), { message: 'expected a name without control characters' }),
    url: urlSchema,
    secret: secretSchema,
    // Checked by `eventsSchema` (a union would hide which entry is wrong).
    events: z.unknown(),
    timeoutMs: duration('a positive number of milliseconds').max(300_000, { message: 'expected at most 300000 ms (5 minutes)' }).optional(),
    giveUpAfterMs: duration('a positive number of milliseconds').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field (expected name, url, secret, events, timeoutMs, giveUpAfterMs)` : 'expected a webhook endpoint { name, url, secret, events }') },
)

const eventsMessage = `expected '*' or a list of event types (${camEventTypes.join(', ')})`
const eventsSchema = z
  .array(z.enum(camEventTypes as [CamEventType, ...CamEventType[]], { error: `expected an event type: ${camEventTypes.join(', ')}` }), { error: eventsMessage })
  .min(1, { message: "expected at least one event type (or '*')" })

/**
 * Checks the `webhooks` option: each endpoint's fields (named in `webhooks.<n>.<field>`
 * issues, values never echoed — the secret included), unique names. Returns the targets
 * of the valid ones.
 */
export function parseWebhookEndpoints(input: unknown, issues: ValidationIssue[]): WebhookTarget[] {
  if (input === undefined) return []
  if (!Array.isArray(input)) {
    issues.push({ path: 'webhooks', message: 'expected a list of webhook endpoints' })
    return []
  }
  const targets: WebhookTarget[] = []
  const names = new Set<string>()
  input.forEach((entry, index) => {
    const prefix = `webhooks.${index}`
    const before = issues.length
    const name = (entry as { name?: unknown } | null)?.name
    if (typeof name === 'string' && names.has(name)) issues.push({ path: `${prefix}.name`, message: `duplicate webhook endpoint name "${name}": deliveries are tracked per name` })
    if (typeof name === 'string') names.add(name)
    const parsed = endpointSchema.safeParse(entry)
    if (!parsed.success) issues.push(...argumentIssues(parsed.error, prefix))
    const events = (entry as { events?: unknown } | null)?.events
    const checkedEvents = events === '*' ? null : eventsSchema.safeParse(events)
    if (checkedEvents && !checkedEvents.success) issues.push(...argumentIssues(checkedEvents.error, `${prefix}.events`))
    if (!parsed.success || issues.length > before) return
    const endpoint = parsed.data
    targets.push({
      name: endpoint.name,
      url: endpoint.url,
      events: checkedEvents?.success ? [...new Set(checkedEvents.data)] : '*',
      timeoutMs: endpoint.timeoutMs ?? defaultWebhookTimeoutMs,
      giveUpAfterMs: endpoint.giveUpAfterMs ?? defaultWebhookGiveUpAfterMs,
      signer: new Webhook(endpoint.secret),
    })
  })
  return targets
}

/** What the store keeps of a target (never the secret). */
export function webhookEndpointSettings(target: WebhookTarget): WebhookEndpointSettings {
  return { name: target.name, url: target.url, events: target.events === '*' ? '*' : [...target.events] }
}

/** Whether any of `targets` subscribes to `type`. */
export function anySubscribes(targets: readonly WebhookTarget[], type: CamEventType): boolean {
  return targets.some((target) => target.events === '*' || target.events.includes(type))
}
