import { describe, expect, it } from 'vitest'
import { resolveImapInboxOptions } from './imap-inbox-options.js'
import { sleep } from '@cam/core/adapter-kit'
import { reconnectDelay } from './reconnect-backoff.js'

describe('reconnectDelay', () => {
  const settings = { initialDelayMs: 1_000, maxDelayMs: 60_000 }

  it('doubles per attempt, with half of each delay random, capped at maxDelayMs', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, settings, () => 0))).toEqual([500, 1_000, 2_000, 4_000])
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, settings, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000])
    expect(reconnectDelay(50, settings, () => 1)).toBe(60_000)
    expect(reconnectDelay(50, settings, () => 0)).toBe(30_000)
  })

  it('with the default options, waits at most 10 s between attempts however long the outage, jitter included', () => {
    // A server back after a long outage must be reconnected to (and its new mail seen) within
    // 15 s: the longest wait between two attempts is the default ceiling, 10 s. It was 60 s.
    const { reconnect } = resolveImapInboxOptions({ host: 'imap.example.com', auth: { user: 'u', pass: 'p' } })
    expect(reconnect.maxDelayMs).toBe(10_000)
    const longest = Math.max(...Array.from({ length: 100 }, (_, attempt) => reconnectDelay(attempt, reconnect, () => 0.999_999)))
    expect(longest).toBe(10_000)
    expect(reconnectDelay(100, reconnect, () => 0)).toBe(5_000) // jitter keeps many workers apart, but never waits past the ceiling
    expect([0, 1, 2, 3, 4].map((attempt) => reconnectDelay(attempt, reconnect, () => 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000])
  })
})

describe('sleep', () => {
  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('stopping')
    const pending = sleep(60_000, { signal: controller.signal })
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })
})
