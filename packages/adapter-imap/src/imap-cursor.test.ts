import { describe, expect, it } from 'vitest'
import { ValidationError } from '@cam/core'
import { emptyImapCursor, imapSourceKey, parseImapCursor, serializeImapCursor } from './imap-cursor.js'

describe('IMAP cursor', () => {
  it('round-trips, keeping UIDVALIDITY values beyond 2^53 exact', () => {
    const big = (2n ** 63n + 5n).toString()
    const cursor = { mailboxes: { INBOX: { uidValidity: '1795626896', lastUid: 42 }, 'Bounces/2024': { uidValidity: big, lastUid: 0 } } }
    const text = serializeImapCursor(cursor)
    expect(text).toBe(`{"v":1,"mailboxes":{"INBOX":{"uidValidity":"1795626896","lastUid":42},"Bounces/2024":{"uidValidity":"${big}","lastUid":0}}}`)
    expect(parseImapCursor(text)).toEqual(cursor)
  })

  it('null means nothing fetched yet', () => {
    expect(parseImapCursor(null)).toEqual(emptyImapCursor())
  })

  it('rejects garbage and names every bad field instead of starting over', () => {
    expect(() => parseImapCursor('garbage')).toThrow(ValidationError)
    expect(() => parseImapCursor('[1]')).toThrow(/expected an object/)
    try {
      parseImapCursor(JSON.stringify({ v: 2, mailboxes: { INBOX: { uidValidity: 17, lastUid: -1 }, Other: { uidValidity: '1', lastUid: 1.5 } } }))
      expect.unreachable()
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true)
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
        'v',
        'mailboxes.INBOX.uidValidity',
        'mailboxes.INBOX.lastUid',
        'mailboxes.Other.lastUid',
      ])
    }
  })

  it('builds source keys as mailbox:uidValidity:uid', () => {
    expect(imapSourceKey('INBOX', '1795626896', 42)).toBe('INBOX:1795626896:42')
  })
})
