import { maxTimerDelayMs } from './max-timer-delay.js'

/** An HTTP-date (RFC 9110: `Wed, 21 Oct 2015 07:28:00 GMT` and its obsolete forms): it names a month or a weekday. */
const httpDatePattern = /^[A-Za-z]{3}[a-z]*,?\s+\S.*\d/

/**
 * Reads a `Retry-After` value (or a header of the same form, e.g. `ratelimit-reset`) as a
 * wait in milliseconds:
 *
 * - seconds: `"120"`, `"1.5"`, or a number as an SDK reports it (`120`) → `seconds × 1000`,
 *   rounded up;
 * - an HTTP-date: `"Wed, 21 Oct 2015 07:28:00 GMT"` → the time from `now` until then, 0 when it
 *   is past.
 *
 * The result is clamped to 0…2147483647 (the longest Node.js timer, {@link maxTimerDelayMs}).
 * `undefined` for anything else: missing, empty, negative, not a number or a date.
 *
 * ```ts
 * parseRetryAfter(response.headers.get('retry-after')) // 30_000 for "30"
 * ```
 */
export function parseRetryAfter(value: string | number | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? clamp(Math.ceil(value * 1000)) : undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return clamp(Math.ceil(Number(text) * 1000))
  if (!httpDatePattern.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : clamp(date - now)
}

function clamp(ms: number): number {
  return Math.min(maxTimerDelayMs, Math.max(0, ms))
}
