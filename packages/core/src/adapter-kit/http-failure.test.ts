import { describe, expect, it } from 'vitest'
import { AlertDeliveryError, SendError } from '../errors/send-error.js'
import { alertDeliveryErrorFromHttpFailure, httpFailureKind, sendErrorFromHttpFailure, toAlertDeliveryError } from './http-failure.js'

describe('httpFailureKind', () => {
  it('no answer, 408, 429 and 5xx are retryable; every other 4xx is permanent', () => {
    for (const status of [null, undefined, 408, 429, 500, 502, 503, 504]) expect(httpFailureKind(status), String(status)).toBe('retryable')
    for (const status of [400, 401, 403, 404, 410, 413, 422]) expect(httpFailureKind(status), String(status)).toBe('permanent')
  })
})

describe('sendErrorFromHttpFailure', () => {
  const now = Date.parse('2025-03-04T10:00:00Z')

  it('a 429 is retryable after Retry-After, else after the rate-limit default', () => {
    const cause = new Error('429')
    const error = sendErrorFromHttpFailure({ message: 'rate limited', status: 429, retryAfter: '3', providerCode: 'rate_limit_exceeded', cause })
    expect(error).toMatchObject({ kind: 'retryable', code: 'SEND_RETRYABLE', retryAfterMs: 3_000, providerCode: 'rate_limit_exceeded', message: 'rate limited' })
    expect(error.cause).toBe(cause)
    expect(sendErrorFromHttpFailure({ message: 'x', status: 429, rateLimitedRetryAfterMs: 1_000 }).retryAfterMs).toBe(1_000)
    expect(sendErrorFromHttpFailure({ message: 'x', status: 503, rateLimitedRetryAfterMs: 1_000 }).retryAfterMs).toBeUndefined()
    expect(sendErrorFromHttpFailure({ message: 'x', status: 503, retryAfter: 'Tue, 04 Mar 2025 10:00:05 GMT', now }).retryAfterMs).toBe(5_000)
    expect(sendErrorFromHttpFailure({ message: 'x', status: 503, retryAfterMs: 1_234, retryAfter: '9' }).retryAfterMs).toBe(1_234)
  })

  it('a network failure (no status) is retryable; a 4xx is permanent with the field named', () => {
    expect(sendErrorFromHttpFailure({ message: 'unreachable', status: null }).kind).toBe('retryable')
    const permanent = sendErrorFromHttpFailure({ message: 'bad recipient', status: 422, field: 'to', retryAfter: '5' })
    expect(permanent).toMatchObject({ kind: 'permanent', code: 'SEND_PERMANENT', field: 'to', retryAfterMs: undefined })
    expect(SendError.isInstance(permanent)).toBe(true)
  })
})

describe('alertDeliveryErrorFromHttpFailure', () => {
  it('maps statuses to permanent or retryable, with retryAfterMs on retryable ones', () => {
    expect(alertDeliveryErrorFromHttpFailure({ message: 'gone', status: 410 })).toMatchObject({ permanent: true, code: 'ALERT_FAILED', retryAfterMs: undefined })
    expect(alertDeliveryErrorFromHttpFailure({ message: 'slow down', status: 429, retryAfter: '42' })).toMatchObject({ permanent: false, retryAfterMs: 42_000 })
    expect(alertDeliveryErrorFromHttpFailure({ message: 'slow down', status: 429, retryAfter: 'soon', rateLimitedRetryAfterMs: 30_000 }).retryAfterMs).toBe(30_000)
    expect(alertDeliveryErrorFromHttpFailure({ message: 'down', status: 503 })).toMatchObject({ permanent: false, retryAfterMs: undefined })
    expect(AlertDeliveryError.isInstance(alertDeliveryErrorFromHttpFailure({ message: 'unreachable' }))).toBe(true)
  })
})

describe('toAlertDeliveryError', () => {
  it('keeps a SendError’s kind and wait, passes an AlertDeliveryError through and wraps anything else as transient', () => {
    const quota = SendError.retryable('quota exhausted', { retryAfterMs: 60_000 })
    expect(toAlertDeliveryError(quota, 'alert email not sent')).toMatchObject({ permanent: false, retryAfterMs: 60_000, message: 'alert email not sent: quota exhausted', cause: quota })
    expect(toAlertDeliveryError(SendError.permanent('bad key'), 'not sent')).toMatchObject({ permanent: true, retryAfterMs: undefined })
    const delivery = new AlertDeliveryError('already mapped', { permanent: true })
    expect(toAlertDeliveryError(delivery, 'not sent')).toBe(delivery)
    const cause = new TypeError('boom')
    expect(toAlertDeliveryError(cause, 'not sent')).toMatchObject({ permanent: false, message: 'not sent', cause })
  })
})
