import { createHash } from 'node:crypto'
import { SendError } from '@cam/core'
import { sleep } from '@cam/core/adapter-kit'
import { Resend, type CreateEmailOptions, type GetEmailResponseSuccess } from 'resend'
import { z } from 'zod'
import { exhaustedWindowMs, toSendError, type ResendErrorResponse, type RetryDefaults } from './map-resend-error.js'
import { sharedRateLimiter, type RequestRateLimiter } from './request-rate-limiter.js'

/** Client-side pacing and in-place retries of rate-limited requests. */
export interface ResendRateLimitOptions {
  /**
   * Requests per second this process allows itself (default 2, Resend's default team
   * limit). Every sender and alert channel of the process using the same API key and
   * base URL shares this budget.
   */
  requestsPerSecond?: number | undefined
  /**
   * How many times a request answered `rate_limit_exceeded` or
   * `concurrent_idempotent_requests` is retried in place (same idempotency key, so it
   * cannot double) before the error is handed to the worker (default 2).
   */
  retries?: number | undefined
  /** In-place retries only happen when Resend asks to wait at most this long (ms, default 5 000). */
  maxRetryWaitMs?: number | undefined
}

/** Connection options shared by {@link createResendSender}, {@link createResendAlerts} and {@link createResendReconcileStep}. */
export interface ResendConnectionOptions {
  /** Resend API key (`re_…`). Default: the `RESEND_API_KEY` environment variable. */
  apiKey?: string | undefined
  /** API base URL (default `https://api.resend.com`, or `RESEND_BASE_URL` as the SDK reads it). */
  baseUrl?: string | undefined
  /** Client-side rate limiting; `false` turns it off (not recommended). */
  rateLimit?: ResendRateLimitOptions | false | undefined
  /**
   * How long to wait after `daily_quota_exceeded`/`monthly_quota_exceeded` when Resend
   * sends no `retry-after`/`ratelimit-reset` header (ms, default 1 hour).
   */
  quotaRetryAfterMs?: number | undefined
}

/** Resend's email object (`GET /emails/:id`), as the SDK types it. */
export type ResendEmail = GetEmailResponseSuccess

/**
 * Calls to Resend, paced by the process-wide limiter of the key and base URL, rate-limited
 * requests retried in place; failures are `SendError`s.
 */
export interface ResendTransport {
  /** `POST /emails` with one request body. */
  sendEmail(payload: CreateEmailOptions, idempotencyKey: string, signal: AbortSignal | undefined): Promise<{ id: string }>
  /** `GET /emails/:id`: the email, or `null` when Resend does not know the id (404). */
  getEmail(id: string, signal: AbortSignal | undefined): Promise<ResendEmail | null>
}

/** What the SDK's methods resolve to: `{ data, error, headers }`, errors as values. */
type SdkResponse<T> = ({ data: T; error: null } | { data: null; error: ResendErrorResponse }) & { headers: Record<string, string> | null }

const maxIdempotencyKeyLength = 256

/**
 * Resend accepts idempotency keys of 1–256 characters; longer keys are replaced by a
 * stable SHA-256 digest so every attempt still carries the same key.
 */
export function resendIdempotencyKey(key: string): string {
  if (key.length <= maxIdempotencyKeyLength) return key
  return `cam-sha256-${createHash('sha256').update(key).digest('hex')}`
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

const positiveNumber = (message: string) => z.number({ error: message }).refine((value) => Number.isFinite(value) && value > 0, { error: message })

/**
 * The connection options' schema, shared by the sender's and the alert channel's: spread it
 * first into theirs. `apiKey` is checked after the `RESEND_API_KEY` fallback was applied
 * (see {@link withApiKeyFromEnvironment}); it is never echoed.
 */
export const connectionOptionsShape = {
  apiKey: z
    .string({ error: 'expected a Resend API key (re_…), or set the RESEND_API_KEY environment variable' })
    .refine((key) => key.trim() !== '', { error: 'expected a Resend API key (re_…), or set the RESEND_API_KEY environment variable' }),
  baseUrl: z
    .string({ error: 'expected an http(s) URL such as https://api.resend.com' })
    .refine(isHttpUrl, { error: 'expected an http(s) URL such as https://api.resend.com' })
    .optional(),
  rateLimit: z
    .union(
      [
        z.literal(false),
        z.object({
          requestsPerSecond: positiveNumber('expected a number greater than 0').optional(),
          retries: z.number({ error: 'expected an integer ≥ 0' }).int({ error: 'expected an integer ≥ 0' }).min(0, { error: 'expected an integer ≥ 0' }).optional(),
          maxRetryWaitMs: z
            .number({ error: 'expected a number of milliseconds ≥ 0' })
            .refine((ms) => Number.isFinite(ms) && ms >= 0, { error: 'expected a number of milliseconds ≥ 0' })
            .optional(),
        }),
      ],
      { error: 'expected an object ({ requestsPerSecond, retries, maxRetryWaitMs }) or false' },
    )
    .optional(),
  quotaRetryAfterMs: positiveNumber('expected a number of milliseconds greater than 0').optional(),
}

/** The options with `apiKey` read from `RESEND_API_KEY` when not given (for validation and use alike). */
export function withApiKeyFromEnvironment<Options extends ResendConnectionOptions>(options: Options): Options {
  return options.apiKey === undefined ? { ...options, apiKey: process.env['RESEND_API_KEY'] } : options
}

/** Builds the transport from options checked against {@link connectionOptionsShape}. */
export function createResendTransport(options: ResendConnectionOptions): ResendTransport {
  const apiKey = (options.apiKey ?? process.env['RESEND_API_KEY'] ?? '').trim()
  const client = new Resend(apiKey, options.baseUrl === undefined ? undefined : { baseUrl: options.baseUrl.replace(/\/+$/, '') })
  const rateLimit = options.rateLimit === false ? undefined : (options.rateLimit ?? {})
  const limiter: RequestRateLimiter | undefined = rateLimit && sharedRateLimiter(apiKey, client.baseUrl, rateLimit.requestsPerSecond ?? 2)
  const retries = rateLimit?.retries ?? 2
  const maxRetryWaitMs = rateLimit?.maxRetryWaitMs ?? 5_000
  const defaults: RetryDefaults = { rateLimitedMs: 1_000, quotaExceededMs: options.quotaRetryAfterMs ?? 60 * 60 * 1000 }

  const aborted = (what: string, signal: AbortSignal) => SendError.retryable(`${what} aborted`, { cause: signal.reason })

  /**
   * Runs one SDK call under the limiter: waits for its turn, honours `ratelimit-*` and
   * `retry-after`, retries `rate_limit_exceeded` and `concurrent_idempotent_requests` in
   * place (at most `retries` times, when the wait is at most `maxRetryWaitMs`). Resolves to
   * the data or to Resend's error (mapped, with its HTTP status) for the caller to judge.
   */
  async function paced<T>(
    what: string,
    signal: AbortSignal | undefined,
    call: () => Promise<SdkResponse<T>>,
  ): Promise<{ data: T; failure?: never } | { data?: never; failure: { error: SendError; status: number | null } }> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw aborted(what, signal)
      try {
        await limiter?.acquire(signal)
      } catch (error) {
        if (signal?.aborted) throw aborted(what, signal)
        throw error
      }
      let response: SdkResponse<T>
      try {
        response = await call()
      } catch (error) {
        // The SDK returns errors as values; it only throws when the signal aborted mid-response.
        throw SendError.retryable(signal?.aborted ? `${what} aborted` : 'Resend request failed', { cause: error })
      }
      const pause = exhaustedWindowMs(response.headers)
      if (pause !== undefined) limiter?.pauseFor(pause)
      if (response.error === null) return { data: response.data }
      if (signal?.aborted) throw aborted(what, signal)
      const error = toSendError(response.error, response.headers, defaults)
      const waitMs = error.retryAfterMs ?? 0
      if (error.providerCode === 'rate_limit_exceeded') limiter?.pauseFor(waitMs)
      const retryInPlace =
        (error.providerCode === 'rate_limit_exceeded' || error.providerCode === 'concurrent_idempotent_requests') &&
        attempt < retries &&
        waitMs <= maxRetryWaitMs
      if (!retryInPlace) return { failure: { error, status: typeof response.error.statusCode === 'number' ? response.error.statusCode : null } }
      try {
        await sleep(waitMs, { signal })
      } catch {
        throw aborted(what, signal as AbortSignal)
      }
    }
  }

  return {
    async sendEmail(payload, idempotencyKey, signal) {
      const result = await paced('send', signal, () => client.emails.send(payload, { idempotencyKey, ...(signal ? { signal } : {}) }))
      if (result.failure) throw result.failure.error
      if (typeof result.data?.id !== 'string' || result.data.id === '') {
        throw SendError.retryable('Resend accepted the request but returned no email id')
      }
      return { id: result.data.id }
    },
    async getEmail(id, signal) {
      // The SDK puts the id into the path as it is: encode it so no id can point elsewhere.
      const result = await paced('email lookup', signal, () => client.emails.get(encodeURIComponent(id), signal ? { signal } : {}))
      if (result.failure) {
        // Resend's JSON `not_found` only: a 404 page from a wrong base URL is a failure, not an unknown email.
        if (result.failure.status === 404 && result.failure.error.providerCode === 'not_found') return null
        throw result.failure.error
      }
      if (result.data === null || typeof result.data !== 'object' || typeof result.data.last_event !== 'string') {
        throw SendError.retryable('Resend answered the email lookup without a last_event')
      }
      return result.data
    },
  }
}
