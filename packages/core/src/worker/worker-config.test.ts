import { describe, expect, it } from 'vitest'
import type { ValidationError } from '../errors/index.js';
import { CamError } from '../errors/index.js'
import { createMemoryStore } from '../testing/index.js'
import { createCamWorker } from './create-cam-worker.js'
import { resolveWorkerConfig, type WorkerConfigInput } from './worker-config.js'

const durations = ['intervalMs', 'claimTtlMs', 'sendRetryBaseMs', 'sendRetryMaxMs', 'leaseTtlMs', 'alertRetryBaseMs', 'alertRetryMaxMs', 'alertTimeoutMs'] as const

function issuesOf(input: WorkerConfigInput): ValidationError['issues'] {
  try {
    resolveWorkerConfig(input)
  } catch (error) {
    expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
    return (error as ValidationError).issues
  }
  return expect.unreachable('expected a ValidationError')
}

describe('worker config durations', () => {
  it('accepts every duration up to 2³¹−1 ms, the longest delay a Node.js timer keeps', () => {
    const longest = Object.fromEntries(durations.map((name) => [name, 2_147_483_647]))
    expect(resolveWorkerConfig(longest)).toMatchObject(longest)
  })

  it('refuses every duration above 2³¹−1 ms at once, naming each field and the maximum', () => {
    const tooLong = Object.fromEntries(durations.map((name) => [name, 3_000_000_000]))
    const issues = issuesOf(tooLong)
    expect(issues.map((issue) => issue.path).sort()).toEqual([...durations].sort())
    for (const issue of issues) expect(issue.message).toBe('expected at most 2147483647 ms (about 24.8 days)')
  })

  it('refuses durations that are not whole positive milliseconds', () => {
    const issues = issuesOf({ intervalMs: 0, claimTtlMs: -5, leaseTtlMs: 1.5, alertTimeoutMs: Number.NaN })
    expect(issues.map((issue) => issue.path).sort()).toEqual(['alertTimeoutMs', 'claimTtlMs', 'intervalMs', 'leaseTtlMs'])
  })

  it('refuses a retry base delay above its maximum (also against a default), alongside other problems', () => {
    expect(issuesOf({ sendRetryBaseMs: 120_000, sendRetryMaxMs: 60_000, alertRetryMaxMs: 1_000, intervalMs: 3_000_000_000 })).toEqual([
      { path: 'intervalMs', message: 'expected at most 2147483647 ms (about 24.8 days)' },
      { path: 'sendRetryMaxMs', message: 'expected at least sendRetryBaseMs (120000 ms)' },
      { path: 'alertRetryMaxMs', message: 'expected at least alertRetryBaseMs (30000 ms)' },
    ])
    expect(resolveWorkerConfig({ sendRetryBaseMs: 60_000, sendRetryMaxMs: 60_000 }).sendRetryMaxMs).toBe(60_000)
  })

  it('createCamWorker refuses an interval Node.js would shorten to 1 ms (the worker would spin)', () => {
    expect(() => createCamWorker({ store: createMemoryStore(), config: { intervalMs: 3_000_000_000, stopOnSignals: false } })).toThrow(
      /intervalMs: expected at most 2147483647 ms \(about 24\.8 days\)/,
    )
  })
})
