import { AlertDeliveryError } from '@cam/core'
import { alertDeliveryErrorFromHttpFailure, httpFailureKind, parseRetryAfter } from '@cam/core/adapter-kit'

/** Used when Slack answers 429 without a readable `Retry-After`. */
export const defaultRateLimitWaitMs = 30_000

/**
 * Web API `error` values after which retrying cannot help until a human fixes
 * something (token, scopes, channel membership, payload).
 */
const permanentPlatformErrors = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'access_denied',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_charset',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'two_factor_setup_required',
  'method_deprecated',
  'deprecated_endpoint',
  'team_added_to_org',
  'org_login_required',
])

/** A short, printable excerpt of what Slack answered (Slack's bodies are short error codes). */
function answer(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '')
  // eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 120)
}

function property(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined
}

/**
 * Maps an `@slack/webhook` failure to an `AlertDeliveryError`. Incoming webhooks
 * answer with a status code and a short text: 429 + `Retry-After` (rate limited),
 * 400 `invalid_payload`/`no_text`/`invalid_blocks`, 403 `action_prohibited`/
 * `invalid_token`, 404 `channel_not_found`/`no_service`, 410 `channel_is_archived`
 * (all permanent), 5xx (transient). The webhook URL is a secret and never appears.
 */
export function toWebhookDeliveryError(error: unknown, retryAfterHeader: string | null, aborted: boolean): AlertDeliveryError {
  if (aborted) return new AlertDeliveryError('Slack webhook delivery aborted', { cause: error })
  if (property(error, 'code') === 'slack_webhook_http_error') {
    const status = Number(property(error, 'statusCode'))
    const body = answer(property(error, 'body'))
    const permanent = httpFailureKind(status) === 'permanent'
    const message =
      status === 429
        ? `Slack rate limited the webhook (HTTP 429${body ? `: ${body}` : ''})`
        : `Slack webhook refused the message (HTTP ${status}${body ? `: ${body}` : ''})${permanent ? '; check the webhook URL and the channel' : ''}`
    return alertDeliveryErrorFromHttpFailure({ message, status, retryAfter: retryAfterHeader, rateLimitedRetryAfterMs: defaultRateLimitWaitMs, cause: error })
  }
  return alertDeliveryErrorFromHttpFailure({ message: 'Slack webhook could not be reached (network error or timeout)', status: null, cause: error })
}

/**
 * Maps an `@slack/web-api` failure (`chat.postMessage`) to an `AlertDeliveryError`:
 * rate limits carry `retryAfterMs`; token, scope, channel and payload errors are
 * permanent; `internal_error`, `fatal_error`, `service_unavailable`, HTTP 5xx and
 * network failures are transient.
 */
export function toWebApiDeliveryError(error: unknown, aborted: boolean): AlertDeliveryError {
  if (aborted) return new AlertDeliveryError('Slack delivery aborted', { cause: error })
  const code = property(error, 'code')
  if (code === 'slack_webapi_rate_limited_error') {
    return new AlertDeliveryError('Slack rate limited chat.postMessage (HTTP 429)', { cause: error, retryAfterMs: rateLimitWait(property(error, 'retryAfter')) })
  }
  if (code === 'slack_webapi_platform_error') {
    const data = property(error, 'data')
    const slackError = String(property(data, 'error') ?? 'unknown_error')
    if (slackError === 'ratelimited') {
      const metadata = property(data, 'response_metadata')
      return new AlertDeliveryError('Slack rate limited chat.postMessage (ratelimited)', { cause: error, retryAfterMs: rateLimitWait(property(metadata, 'retryAfter')) })
    }
    const permanent = permanentPlatformErrors.has(slackError)
    return new AlertDeliveryError(`Slack chat.postMessage failed: ${answer(slackError)}${permanent ? '; check the token, its scopes and the channel' : ''}`, {
      cause: error,
      permanent,
    })
  }
  if (code === 'slack_webapi_http_error') {
    const status = Number(property(error, 'statusCode'))
    const headers = property(error, 'headers') as Record<string, string> | undefined
    return alertDeliveryErrorFromHttpFailure({
      message: `Slack Web API answered HTTP ${status}`,
      status,
      retryAfter: headers?.['retry-after'],
      rateLimitedRetryAfterMs: defaultRateLimitWaitMs,
      cause: error,
    })
  }
  return alertDeliveryErrorFromHttpFailure({ message: 'Slack Web API could not be reached (network error or timeout)', status: null, cause: error })
}

/** The wait the Web API client reported (seconds), or {@link defaultRateLimitWaitMs} when it gave none above 0. */
function rateLimitWait(seconds: unknown): number {
  const waitMs = parseRetryAfter(typeof seconds === 'number' || typeof seconds === 'string' ? seconds : undefined)
  return waitMs !== undefined && waitMs > 0 ? waitMs : defaultRateLimitWaitMs
}
