import { describe, expect, it } from 'vitest'
import { sleep } from './sleep.js'

describe('sleep', () => {
  it('waits the given time', async () => {
    const started = performance.now()
    await sleep(30)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
  })

  it('rejects with the signal reason as soon as the signal aborts, and leaves no timer behind', async () => {
    const controller = new AbortController()
    const reason = new Error('stopping')
    const pending = sleep(60_000, { signal: controller.signal })
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    // A pending 60 s timer would keep the handle list non-empty.
    const timers = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((kind) => kind === 'Timeout')
    expect(timers.length).toBeLessThanOrEqual(1) // vitest's own test timeout
  })

  it('rejects at once when the signal has already aborted, even for a zero wait', async () => {
    const reason = new Error('already stopped')
    await expect(sleep(0, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    await expect(sleep(10, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
  })

  it('resolves at once for zero, negative or NaN waits', async () => {
    await expect(sleep(0)).resolves.toBeUndefined()
    await expect(sleep(-5)).resolves.toBeUndefined()
    await expect(sleep(Number.NaN)).resolves.toBeUndefined()
  })
})
