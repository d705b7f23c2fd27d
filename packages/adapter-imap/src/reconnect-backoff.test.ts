import { describe, expect, it } from 'vitest'
import { backoffDelay, sleep } from './reconnect-backoff.js'

describe('backoffDelay', () => {
  const settings = { initialDelayMs: 1_000, maxDelayMs: 60_000 }

  it('doubles per attempt, with half of each delay random, capped at maxDelayMs', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, settings, () => 0))).toEqual([500, 1_000, 2_000, 4_000])
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, settings, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(backoffDelay(50, settings, () => 1)).toBe(60_000)
    expect(backoffDelay(50, settings, () => 0)).toBe(30_000)
  })
})

describe('sleep', () => {
  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('stopping')
    const pending = sleep(60_000, controller.signal)
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })
})
