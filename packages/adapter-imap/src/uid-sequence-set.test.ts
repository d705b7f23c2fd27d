import { describe, expect, it } from 'vitest'
import { toUidSequenceSet } from './uid-sequence-set.js'

describe('toUidSequenceSet', () => {
  it('compacts runs into ranges', () => {
    expect(toUidSequenceSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10')
    expect(toUidSequenceSet([5])).toBe('5')
    expect(toUidSequenceSet([4294967294, 4294967295])).toBe('4294967294:4294967295')
  })

  it('refuses an empty set (IMAP has no empty sequence set)', () => {
    expect(() => toUidSequenceSet([])).toThrow(RangeError)
  })
})
