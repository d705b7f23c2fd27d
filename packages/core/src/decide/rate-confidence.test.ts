import { describe, expect, it } from 'vitest'
import { wilsonLowerBound } from './rate-confidence.js'

describe('wilsonLowerBound', () => {
  it('is 0 without trials and below the observed rate otherwise', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0)
    expect(wilsonLowerBound(5, 50)).toBeLessThan(0.1)
    expect(wilsonLowerBound(5, 50)).toBeGreaterThan(0)
  })

  it('tightens as the sample grows', () => {
    // 10% observed: with 20 emails we cannot be sure it is above 5%; with 2,000 we can.
    expect(wilsonLowerBound(2, 20)).toBeLessThan(0.05)
    expect(wilsonLowerBound(200, 2000)).toBeGreaterThan(0.05)
    expect(wilsonLowerBound(200, 2000)).toBeCloseTo(0.0895, 3)
  })
})
