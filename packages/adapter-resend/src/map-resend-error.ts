import { SendError } from '@cam/core'
import { httpFailureKind, parseRetryAfter, sendErrorFromHttpFailure } from '@cam/core/adapter-kit'

/** The error object the Resend SDK returns in `{ data: null, error }`. */
export interface ResendErrorResponse {
  name: string
  message: string
  statusCode: number | null
}

/** Defaults used when Resend does not say how long to wait. */
export interface RetryDefaults {
  /** Wait after `rate_limit_exceeded` or `concurrent_idempotent_requests` without headers (ms). */
  rateLimitedMs: number
  /** Wait after `daily_quota_exceeded` / `monthly_quota_exceeded` without headers (ms). */
  quotaExceededMs: number
}

const retryableNames = new Set(['rate_limit_exceeded', 'concurrent_idempotent_requests', 'daily_quota_exceeded', 'monthly_quota_exceeded', 'internal_server_error'])

/** Names that mean the request itself (an email field) was refused. */
const payloadNames = new Set([
  'validation_error',
  'missing_required_field',
  'invalid_parameter',
  'invalid_attachment',
  'invalid_from_address',
  'invalid_to_address',
  'invalid_scope',
])

/** Names that mean CAM's configuration is wrong (API key, region, endpoint). */
const configurationNames = new Set([
  'missing_api_key',
  'invalid_api_key',
  'restricted_api_key',
  'invalid_access',
  'invalid_region',
  'security_error',
  'not_found',
  'method_not_allowed',
])

/** Resend's JSON field names → CAM's `OutgoingEmail` field names. */
const fieldNames: Record<string, string> = {
  to: 'to',
  from: 'from',
  subject: 'subject',
  html: 'html',
  text: 'text',
  reply_to: 'replyTo',
  replyTo: 'replyTo',
  headers: 'headers',
  tags: 'tags',
  cc: 'cc',
  bcc: 'bcc',
  attachments: 'attachments',
  scheduled_at: 'scheduledAt',
}

function header(headers: Record<string, string> | null, name: string): string | undefined {
  if (!headers) return undefined
  const value = headers[name] ?? headers[name.toLowerCase()]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/**
 * How long Resend asked us to wait, from `retry-after`, else `ratelimit-reset` (both
 * in seconds); `undefined` when neither header is usable.
 */
export function retryAfterFromHeaders(headers: Record<string, string> | null, now = Date.now()): number | undefined {
  return parseRetryAfter(header(headers, 'retry-after'), now) ?? parseRetryAfter(header(headers, 'ratelimit-reset'), now)
}

/**
 * When Resend's `ratelimit-remaining` says the window is used up, how long until it
 * resets (ms); otherwise `undefined`.
 */
export function exhaustedWindowMs(headers: Record<string, string> | null, now = Date.now()): number | undefined {
  const remaining = header(headers, 'ratelimit-remaining')
  if (remaining === undefined || Number(remaining) > 0) return undefined
  return parseRetryAfter(header(headers, 'ratelimit-reset'), now)
}

/** The email field a Resend error message points at (`Invalid \`to\` field…`), in CAM's names. */
export function fieldFromMessage(name: string, message: string): string | undefined {
  if (name === 'invalid_from_address') return 'from'
  if (name === 'invalid_to_address') return 'to'
  if (/testing emails|own email address/i.test(message)) return 'to'
  if (/domain is not verified/i.test(message)) return 'from'
  const quoted = /`([A-Za-z_]+)`/.exec(message)?.[1]
  if (quoted !== undefined && fieldNames[quoted] !== undefined) return fieldNames[quoted]
  const bare = /\b(to|from|subject|html|text|reply_to|headers|tags)\b\s+field/i.exec(message)?.[1]
  return bare === undefined ? undefined : fieldNames[bare.toLowerCase()]
}

/**
 * Maps a Resend error to the Sender port's error kinds:
 *
 * - retryable: `rate_limit_exceeded` (after `retry-after`/`ratelimit-reset`),
 *   `daily_quota_exceeded` and `monthly_quota_exceeded` (after `retry-after`, else
 *   `quotaExceededMs`),
 *   `concurrent_idempotent_requests` (the first attempt with this key is still in
 *   flight), 5xx, `application_error`/`internal_server_error` and network failures
 *   (`statusCode: null`) — safe because every attempt carries the same
 *   `Idempotency-Key`;
 * - permanent: validation errors (with the field named), `invalid_idempotent_request`
 *   (the key was used for a different email: a bug), `invalid_idempotency_key`, API
 *   key and endpoint problems, and any other 4xx.
 */
export function toSendError(error: ResendErrorResponse, headers: Record<string, string> | null, defaults: RetryDefaults): SendError {
  const name = typeof error.name === 'string' ? error.name : 'unknown_error'
  const message = typeof error.message === 'string' ? error.message : ''
  const status = typeof error.statusCode === 'number' ? error.statusCode : null
  const describe = (what: string) => `Resend ${what} (${name}${status === null ? '' : `, HTTP ${status}`})${message ? `: ${message}` : ''}`
  const retryAfterMs = retryAfterFromHeaders(headers)

  if (name === 'rate_limit_exceeded' || name === 'concurrent_idempotent_requests') {
    const what = name === 'rate_limit_exceeded' ? 'rate limit exceeded' : 'is still processing an earlier attempt with this idempotency key'
    return SendError.retryable(describe(what), { providerCode: name, retryAfterMs: retryAfterMs ?? defaults.rateLimitedMs })
  }
  if (name === 'daily_quota_exceeded' || name === 'monthly_quota_exceeded') {
    // `ratelimit-reset` describes the per-second window, not the quota: only `retry-after` counts here.
    const quotaRetryAfterMs = parseRetryAfter(header(headers, 'retry-after'), Date.now())
    return SendError.retryable(describe('sending quota exhausted; retrying after the reset'), {
      providerCode: name,
      retryAfterMs: quotaRetryAfterMs ?? defaults.quotaExceededMs,
    })
  }
  if (name === 'invalid_idempotent_request') {
    return SendError.permanent(
      describe(
        'refused the idempotency key because it was already used for a different email. This is a bug: every attempt of one email must carry the same content',
      ),
      { providerCode: name, field: 'idempotencyKey' },
    )
  }
  if (name === 'invalid_idempotency_key') {
    return SendError.permanent(describe('rejected the idempotency key (1 to 256 characters expected)'), { providerCode: name, field: 'idempotencyKey' })
  }
  if (payloadNames.has(name)) {
    const field = fieldFromMessage(name, message)
    return SendError.permanent(describe(field ? `rejected the \`${field}\` field` : 'rejected the email'), {
      providerCode: name,
      ...(field === undefined ? {} : { field }),
    })
  }
  if (configurationNames.has(name)) {
    return SendError.permanent(describe('refused the request; check the API key, its permissions and the base URL'), { providerCode: name })
  }
  if (retryableNames.has(name)) {
    return SendError.retryable(describe('failed'), { providerCode: name, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  }
  // Anything else by its status: no answer, 408, 429 and 5xx are retried, other 4xx are not.
  const what = httpFailureKind(status) === 'permanent' ? 'rejected the request' : status === null ? 'could not be reached' : 'failed'
  return sendErrorFromHttpFailure({ message: describe(what), status, retryAfterMs, providerCode: name })
}
