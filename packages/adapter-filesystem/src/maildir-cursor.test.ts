import { CamError, ValidationError } from '@cam/core'
import { describe, expect, it } from 'vitest'
import { MaildirCursorState, parseMaildirCursor, serializeMaildirCursor } from './maildir-cursor.js'

const name = (seconds: number, sequence = 0) => `${seconds}.M${sequence}P1.host`

describe('Maildir cursor', () => {
  it('round-trips through JSON', () => {
    const cursor = { floor: name(10), seen: [name(11), name(12, 3)] }
    expect(parseMaildirCursor(serializeMaildirCursor(cursor))).toEqual(cursor)
    expect(parseMaildirCursor(null)).toEqual({ floor: null, seen: [] })
  })

  it('rejects a corrupt cursor with a ValidationError naming every bad field', () => {
    expect(() => parseMaildirCursor('not json')).toThrow(ValidationError)
    expect(() => parseMaildirCursor('[]')).toThrow(/expected an object/)
    try {
      parseMaildirCursor(JSON.stringify({ v: 2, floor: 5, seen: ['ok.name', '', 'a/b'] }))
      expect.unreachable()
    } catch (error) {
      expect(CamError.isInstance(error, 'VALIDATION_FAILED')).toBe(true)
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['v', 'floor', 'seen.1', 'seen.2'])
    }
    // A name at or below the floor contradicts the format.
    expect(() => parseMaildirCursor(JSON.stringify({ v: 1, floor: name(10), seen: [name(9)] }))).toThrow(/above floor/)
  })

  it('remembers yielded names, and anything at or below the floor counts as done', () => {
    const state = new MaildirCursorState({ floor: name(5), seen: [] }, 10)
    expect(state.isDone(name(4))).toBe(true)
    expect(state.isDone(name(5))).toBe(true)
    expect(state.isDone(name(6))).toBe(false)
    const cursor = parseMaildirCursor(state.markDone(name(6)))
    expect(cursor).toEqual({ floor: name(5), seen: [name(6)] })
    expect(state.isDone(name(6))).toBe(true)
  })

  it('keeps at most `capacity` names, raising the floor to the highest name dropped', () => {
    const state = new MaildirCursorState({ floor: null, seen: [] }, 3)
    for (const seconds of [10, 11, 12]) state.markDone(name(seconds))
    // A late delivery in the middle is inserted in order.
    let cursor = parseMaildirCursor(state.markDone(name(11, 5)))
    expect(cursor).toEqual({ floor: name(10), seen: [name(11), name(11, 5), name(12)] })
    cursor = parseMaildirCursor(state.markDone(name(13)))
    expect(cursor).toEqual({ floor: name(11), seen: [name(11, 5), name(12), name(13)] })
    expect(state.isDone(name(10, 9))).toBe(true) // below the floor now
    expect(state.isDone(name(12, 1))).toBe(false) // above the floor and never yielded
  })

  it('marking a name twice does not duplicate it', () => {
    const state = new MaildirCursorState({ floor: null, seen: [] }, 5)
    state.markDone(name(1))
    expect(parseMaildirCursor(state.markDone(name(1))).seen).toEqual([name(1)])
  })
})
