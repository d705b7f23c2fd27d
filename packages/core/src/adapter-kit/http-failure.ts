import { AlertDeliveryError, SendError } from '../errors/send-error.js'
import { parseRetryAfter } from './parse-retry-after.js'

/** Whether retrying a failed request can help. */
export type FailureKind = 'retryable' | 'permanent'

/**
 * How to treat a failed HTTP request by its status: no status at all (the request never got
 * an answer: network failure, timeout), 408 Request Timeout, 429 Too Many Requests and every
 * 5xx are `retryable`; every other 4xx is `permanent` (the request, the credentials or the
 * address is wrong, and sending it again cannot help); anything else is `retryable`.
 */
export function httpFailureKind(status: number | null | undefined): FailureKind {
  if (status === null || status === undefined || !Number.isFinite(status)) return 'retryable'
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'permanent' : 'retryable'
}

/** A failed HTTP request, as {@link sendErrorFromHttpFailure} and {@link alertDeliveryErrorFromHttpFailure} read it. */
export interface HttpFailure {
  /** Message of the error. Never put a secret in it (an API key, a webhook URL, a token). */
  message: string
  /** HTTP status of the answer; `null` or missing when none came (network failure, timeout). */
  status?: number | null | undefined
  /** The answer's `Retry-After` header (seconds or an HTTP-date) or the seconds an SDK reported, when there were any. */
  retryAfter?: string | number | null | undefined
  /** A wait already known in milliseconds (e.g. read from a provider's own header); used before `retryAfter`. */
  retryAfterMs?: number | undefined
  /** Wait after a 429 without a readable `Retry-After`, in milliseconds (default: none given). */
  rateLimitedRetryAfterMs?: number | undefined
  /** What was thrown or returned, kept as the error's `cause`. */
  cause?: unknown
  /** "Now" for an HTTP-date `Retry-After`, in epoch milliseconds (default `Date.now()`). */
  now?: number | undefined
}

/** The wait a retryable failure asks for: `retryAfterMs`, its `Retry-After`, else the rate-limit default after a 429. */
function retryAfterMsOf(failure: HttpFailure): number | undefined {
  if (failure.retryAfterMs !== undefined && Number.isFinite(failure.retryAfterMs) && failure.retryAfterMs >= 0) return failure.retryAfterMs
  const parsed = parseRetryAfter(failure.retryAfter, failure.now)
  if (parsed !== undefined) return parsed
  return failure.status === 429 ? failure.rateLimitedRetryAfterMs : undefined
}

/**
 * A `SendError` for a failed HTTP request: retryable or permanent by {@link httpFailureKind},
 * with `retryAfterMs` (given, or from `Retry-After`, or `rateLimitedRetryAfterMs` after a
 * 429) when retryable.
 *
 * ```ts
 * throw sendErrorFromHttpFailure({
 *   message: `provider answered HTTP ${response.status}`,
 *   status: response.status,
 *   retryAfter: response.headers.get('retry-after'),
 *   providerCode: body.error,
 * })
 * ```
 */
export function sendErrorFromHttpFailure(failure: HttpFailure & { providerCode?: string | undefined; field?: string | undefined }): SendError {
  const providerCode = failure.providerCode === undefined ? {} : { providerCode: failure.providerCode }
  const cause = failure.cause === undefined ? {} : { cause: failure.cause }
  if (httpFailureKind(failure.status) === 'permanent') {
    return SendError.permanent(failure.message, { ...providerCode, ...cause, ...(failure.field === undefined ? {} : { field: failure.field }) })
  }
  const retryAfterMs = retryAfterMsOf(failure)
  return SendError.retryable(failure.message, { ...providerCode, ...cause, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
}

/**
 * An `AlertDeliveryError` for a failed HTTP request: `permanent` by {@link httpFailureKind},
 * with `retryAfterMs` from `Retry-After` (or `rateLimitedRetryAfterMs` after a 429) when
 * retryable.
 */
export function alertDeliveryErrorFromHttpFailure(failure: HttpFailure): AlertDeliveryError {
  const permanent = httpFailureKind(failure.status) === 'permanent'
  const retryAfterMs = permanent ? undefined : retryAfterMsOf(failure)
  return new AlertDeliveryError(failure.message, {
    permanent,
    ...(failure.cause === undefined ? {} : { cause: failure.cause }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  })
}

/**
 * Turns what a delivery threw into an `AlertDeliveryError`: an `AlertDeliveryError` passes
 * unchanged; a `SendError` (an alert channel built on a sender) keeps its kind
 * (`permanent`) and `retryAfterMs`, its message appended to `message`; anything else is a
 * transient failure with the original as `cause`.
 */
export function toAlertDeliveryError(error: unknown, message: string): AlertDeliveryError {
  if (AlertDeliveryError.isInstance(error)) return error
  if (!SendError.isInstance(error)) return new AlertDeliveryError(message, { cause: error })
  return new AlertDeliveryError(`${message}: ${error.message}`, {
    cause: error,
    permanent: error.kind === 'permanent',
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  })
}
