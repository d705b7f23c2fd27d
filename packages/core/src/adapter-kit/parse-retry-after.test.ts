import { describe, expect, it } from 'vitest'
import { maxTimerDelayMs } from './max-timer-delay.js'
import { parseRetryAfter } from './parse-retry-after.js'

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-04T10:00:00Z')

  it('reads seconds, whole or decimal, as text or as a number, rounding up to the millisecond', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 3 ', now)).toBe(3_000)
    expect(parseRetryAfter('1.5', now)).toBe(1_500)
    expect(parseRetryAfter('0.0001', now)).toBe(1)
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter(7, now)).toBe(7_000)
  })

  it('reads an HTTP-date as the time until then, 0 when it is past', () => {
    expect(parseRetryAfter('Tue, 04 Mar 2025 10:01:30 GMT', now)).toBe(90_000)
    expect(parseRetryAfter('Tuesday, 04-Mar-25 10:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Mon, 03 Mar 2025 10:00:00 GMT', now)).toBe(0)
  })

  it('clamps to the longest Node.js timer', () => {
    expect(parseRetryAfter('99999999999', now)).toBe(maxTimerDelayMs)
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(maxTimerDelayMs)
    expect(parseRetryAfter(1e12, now)).toBe(maxTimerDelayMs)
  })

  it('is undefined for anything else', () => {
    for (const value of [undefined, null, '', '   ', '-1', 'soon', '1e3', '12abc', 'NaN', Number.NaN, -3, Number.POSITIVE_INFINITY]) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined()
    }
  })
})
