import { describe, expect, it } from 'vitest'
import type { SendSchedule } from '../domain/campaign.js'
import { isInsideSendWindow, localDayKey, localParts, nextSendWindowStart, zonedTimeToUtc } from './send-window.js'

const weekdays: SendSchedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }

describe('send window', () => {
  it('converts local wall-clock times to UTC across DST', () => {
    expect(zonedTimeToUtc(2026, 1, 5, 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-01-05T08:00:00.000Z')
    expect(zonedTimeToUtc(2026, 7, 6, 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-07-06T07:00:00.000Z')
    expect(zonedTimeToUtc(2026, 3, 9, 9 * 60, 'America/New_York').toISOString()).toBe('2026-03-09T13:00:00.000Z')
  })

  it('knows whether an instant is inside the window in a given timezone', () => {
    const mondayNineBerlin = new Date('2026-01-05T08:00:00Z')
    expect(isInsideSendWindow(mondayNineBerlin, weekdays)).toBe(true)
    expect(isInsideSendWindow(new Date('2026-01-05T07:59:00Z'), weekdays)).toBe(false)
    expect(isInsideSendWindow(new Date('2026-01-05T16:00:00Z'), weekdays), 'end is exclusive (17:00 Berlin)').toBe(false)
    expect(isInsideSendWindow(mondayNineBerlin, weekdays, 'America/New_York'), '03:00 in New York').toBe(false)
    expect(isInsideSendWindow(new Date('2026-01-10T10:00:00Z'), weekdays), 'Saturday').toBe(false)
  })

  it('moves to the next opening: later today, tomorrow, or after the weekend', () => {
    expect(nextSendWindowStart(new Date('2026-01-05T06:00:00Z'), weekdays).toISOString()).toBe('2026-01-05T08:00:00.000Z')
    expect(nextSendWindowStart(new Date('2026-01-05T17:00:00Z'), weekdays).toISOString()).toBe('2026-01-06T08:00:00.000Z')
    expect(nextSendWindowStart(new Date('2026-01-09T16:30:00Z'), weekdays).toISOString()).toBe('2026-01-12T08:00:00.000Z')
    const inside = new Date('2026-01-07T12:34:00Z')
    expect(nextSendWindowStart(inside, weekdays)).toBe(inside)
    expect(nextSendWindowStart(new Date('2026-01-05T08:00:00Z'), weekdays, 'Asia/Tokyo').toISOString()).toBe('2026-01-06T00:00:00.000Z')
  })

  it('computes the local day for daily caps', () => {
    expect(localDayKey(new Date('2026-01-05T23:30:00Z'), 'Europe/Berlin')).toBe('2026-01-06')
    expect(localDayKey(new Date('2026-01-05T23:30:00Z'), 'UTC')).toBe('2026-01-05')
  })
  it('answers from its cache exactly as Intl does: per zone, per second, across a DST change', () => {
    const fresh = (date: Date, timeZone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' })
          .formatToParts(date)
          .map((part) => [part.type, part.value]),
      )
      const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(String(parts.weekday)) + 1
      return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) }
    }
    // The second before and after Berlin's spring change (01:00 UTC), asked twice each and in
    // several zones for the same second: the cache never hands one zone's or second's answer to another.
    const instants = ['2026-03-29T00:59:59.999Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:00:00.999Z', '2026-01-05T23:59:59.500Z', '2026-01-06T00:00:00.000Z']
    for (let pass = 0; pass < 2; pass++) {
      for (const iso of instants) {
        for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC']) {
          expect(localParts(new Date(iso), zone), `${iso} in ${zone}`).toEqual(fresh(new Date(iso), zone))
        }
      }
    }
    expect(localDayKey(new Date('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29')
    expect(localParts(new Date('2026-03-29T00:59:59Z'), 'Europe/Berlin').minutes, '01:59 before the change').toBe(119)
    expect(localParts(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin').minutes, '03:00 after it').toBe(180)
    // A caller changing what it got does not change the next answer.
    const first = localParts(new Date('2026-01-05T08:00:00Z'), 'Europe/Berlin')
    first.minutes = -1
    expect(localParts(new Date('2026-01-05T08:00:00Z'), 'Europe/Berlin').minutes).toBe(540)
  })
})
