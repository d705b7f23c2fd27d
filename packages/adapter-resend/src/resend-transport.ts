import { createHash } from 'node:crypto'
import { SendError } from '@cam/core'
import { sleep } from '@cam/core/adapter-kit'
import { Resend, type CreateEmailOptions } from 'resend'
import { z } from 'zod'
import { exhaustedWindowMs, toSendError, type RetryDefaults } from './map-resend-error.js'
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

/** Connection options shared by {@link createResendSender} and {@link createResendAlerts}. */
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

/** Sends one request body to `POST /emails`; failures are `SendError`s. */
export interface ResendTransport {
  sendEmail(payload: CreateEmailOptions, idempotencyKey: string, signal: AbortSignal | undefined): Promise<{ id: string }>
}

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

  const aborted = (signal: AbortSignal) => SendError.retryable('send aborted', { cause: signal.reason })

  return {
    async sendEmail(payload, idempotencyKey, signal) {
      for (let attempt = 0; ; attempt++) {
        if (signal?.aborted) throw aborted(signal)
        try {
          await limiter?.acquire(signal)
        } catch (error) {
          if (signal?.aborted) throw aborted(signal)
          throw error
        }
        let response: Awaited<ReturnType<typeof client.emails.send>>
        try {
          response = await client.emails.send(payload, { idempotencyKey, ...(signal ? { signal } : {}) })
        } catch (error) {
          // The SDK returns errors as values; it only throws when the signal aborted mid-response.
          throw SendError.retryable(signal?.aborted ? 'send aborted' : 'Resend request failed', { cause: error })
        }
        const pause = exhaustedWindowMs(response.headers)
        if (pause !== undefined) limiter?.pauseFor(pause)
        if (response.error === null) {
          if (typeof response.data?.id !== 'string' || response.data.id === '') {
            throw SendError.retryable('Resend accepted the request but returned no email id')
          }
          return { id: response.data.id }
        }
        if (signal?.aborted) throw aborted(signal)
        const error = toSendError(response.error, response.headers, defaults)
        const waitMs = error.retryAfterMs ?? 0
        if (error.providerCode === 'rate_limit_exceeded') limiter?.pauseFor(waitMs)
        const retryInPlace =
          (error.providerCode === 'rate_limit_exceeded' || error.providerCode === 'concurrent_idempotent_requests') &&
          attempt < retries &&
          waitMs <= maxRetryWaitMs
        if (!retryInPlace) throw error
        try {
          await sleep(waitMs, { signal })
        } catch {
          throw aborted(signal as AbortSignal)
        }
      }
    },
  }
}
