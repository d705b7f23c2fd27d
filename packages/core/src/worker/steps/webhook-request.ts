import { parseRetryAfter } from '../../adapter-kit/parse-retry-after.js'
import { camEventPayload } from '../../domain/cam-event-payload.js'
import type { CamEvent } from '../../domain/cam-event.js'
import { toSingleLine } from '../../domain/plain-text.js'
import { errorMessage } from '../../errors/cam-error.js'
import { WebhookDeliveryError } from '../../errors/webhook-delivery-error.js'
import type { WebhookTarget } from '../webhook-endpoints.js'

/** The `user-agent` of every webhook request. */
export const webhookUserAgent = 'CAM-Webhooks/1'

/** Longest excerpt of a failed answer's body kept in the error (one line). */
const bodyExcerptLength = 200

/**
 * One attempt to deliver an event to an endpoint: a POST of the event's payload, signed
 * per Standard Webhooks (`webhook-id` = the event id, `webhook-timestamp` = now on the
 * system clock — receivers check it against theirs —, `webhook-signature` by the
 * `standardwebhooks` library). `signal` aborts the attempt (its timeout, or `stopping`: the
 * worker stops). Resolves on 2xx; redirects are not followed (a 3xx is a
 * failure: update the URL). Throws a {@link WebhookDeliveryError} otherwise, with the
 * status and `Retry-After` when there was an answer.
 */
export async function postWebhook(target: WebhookTarget, event: CamEvent, signal: AbortSignal, stopping: AbortSignal): Promise<void> {
  const body = camEventPayload(event)
  const timestamp = new Date()
  const headers = {
    'content-type': 'application/json',
    'user-agent': webhookUserAgent,
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': target.signer.sign(event.id, timestamp, body),
  }
  let response: Response
  try {
    response = await fetch(target.url, { method: 'POST', headers, body, redirect: 'manual', signal })
  } catch (error) {
    throw new WebhookDeliveryError(describeFailure(error, signal, stopping, target), { cause: error })
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined)
    return
  }
  const excerpt = await readExcerpt(response)
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
  throw new WebhookDeliveryError(`HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`, { status: response.status, retryAfterMs })
}

/** Why a request got no answer: the worker stopping, the timeout, or the network (never the URL's query or the secret). */
function describeFailure(error: unknown, signal: AbortSignal, stopping: AbortSignal, target: WebhookTarget): string {
  if (stopping.aborted) return 'aborted: the worker is stopping'
  if (signal.aborted) return `timeout after ${target.timeoutMs} ms`
  const cause = (error as { cause?: unknown } | null)?.cause
  const code = (cause as { code?: unknown } | null)?.code
  return `could not reach the endpoint: ${typeof code === 'string' ? code : errorMessage(cause ?? error)}`
}

/** The start of a failed answer's body, on one line (best effort, never throws). */
async function readExcerpt(response: Response): Promise<string> {
  try {
    const text = await response.text()
    return toSingleLine(text.slice(0, bodyExcerptLength * 2)).slice(0, bodyExcerptLength)
  } catch {
    return ''
  }
}
