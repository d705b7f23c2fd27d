import type { CamEvent, CamEventDataMap, CamEventType } from './cam-event.js'

/**
 * The JSON body of a webhook, as the Standard Webhooks specification recommends:
 * `type`, `timestamp` (when the event occurred, ISO 8601) and `data`, plus the payload
 * `version`. `data` holds the event's campaign and lead ids and its typed fields. The
 * event's id is the `webhook-id` header.
 */
export type CamWebhookPayload = {
  [T in CamEventType]: { type: T; timestamp: string; version: 1; data: { campaignId: string | null; leadId: string | null } & CamEventDataMap[T] }
}[CamEventType]

/** A JSON value with the keys of every object in code-unit order, so the same value always gives the same bytes. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const field = (value as Record<string, unknown>)[key]
    if (field !== undefined) sorted[key] = sortKeys(field)
  }
  return sorted
}

/**
 * The body CAM POSTs for an event: minified JSON, `type`, `timestamp`, `version`, `data`
 * in that order and `data`'s keys sorted, so every delivery of one event (retries,
 * replays, any worker, any store) carries exactly the same bytes under its `webhook-id`.
 */
export function camEventPayload(event: CamEvent): string {
  const data = sortKeys({ ...event.data, campaignId: event.campaignId, leadId: event.leadId })
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), version: event.version, data })
}
