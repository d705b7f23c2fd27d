import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff-delay.js'

describe('backoffDelay', () => {
  it('proportional jitter (default): base × 2^(attempt−1), capped, within ±20%', () => {
    const options = { baseMs: 1_000, maxMs: 60_000 }
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0.5 }))).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(800)
    expect(backoffDelay(1, { ...options, random: () => 1 })).toBe(1_200)
    expect(backoffDelay(100, { ...options, random: () => 0.5 })).toBe(60_000)
    for (let attempt = 1; attempt < 40; attempt++) {
      const delay = backoffDelay(attempt, options)
      expect(delay).toBeGreaterThanOrEqual(Math.min(60_000, 1_000 * 2 ** (attempt - 1)) * 0.8)
      expect(delay).toBeLessThanOrEqual(Math.min(60_000, 1_000 * 2 ** (attempt - 1)) * 1.2)
    }
  })

  it('equal jitter: half fixed, half random, never above maxMs however many attempts', () => {
    const options = { baseMs: 1_000, maxMs: 10_000, jitter: 'equal' as const }
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0 }))).toEqual([500, 1_000, 2_000, 4_000])
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0.999_999 }))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000])
    expect(Math.max(...Array.from({ length: 200 }, (_, attempt) => backoffDelay(attempt + 1, options)))).toBeLessThanOrEqual(10_000)
    expect(backoffDelay(1_000, { ...options, baseMs: 0 })).toBe(0) // never NaN
  })
})
