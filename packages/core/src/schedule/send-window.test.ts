import { describe, expect, it } from 'vitest'
import type { SendSchedule } from '../domain/campaign.js'
import { isInsideSendWindow, localDayKey, nextSendWindowStart, zonedTimeToUtc } from './send-window.js'

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
})
