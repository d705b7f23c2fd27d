import { describe, expect, it } from 'vitest'
import { sendScheduleSchema } from './campaign.js'

const schedule = (startTime: string, endTime: string) => ({ timezone: 'UTC', weekdays: [1, 2, 3, 4, 5], startTime, endTime })

describe('send window times', () => {
  it('accepts 00:00 to 24:00', () => {
    for (const [start, end] of [['00:00', '24:00'], ['09:00', '17:30'], ['23:59', '24:00'], ['00:00', '00:01']] as const) {
      expect(sendScheduleSchema.safeParse(schedule(start, end)).success).toBe(true)
    }
  })

  it('refuses times after 24:00 and malformed times, naming the field', () => {
    for (const end of ['24:30', '24:59', '24:01', '25:00', '9:00', '12:60', '12:00:00', ' 12:00']) {
      const parsed = sendScheduleSchema.safeParse(schedule('08:00', end))
      expect(parsed.success, end).toBe(false)
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain('endTime')
      expect(parsed.error?.issues[0]?.message).toBe('expected a time of day "HH:MM" (00:00–24:00)')
    }
    const start = sendScheduleSchema.safeParse(schedule('24:30', '24:00'))
    expect(start.error?.issues.map((issue) => issue.path.join('.'))).toContain('startTime')
  })
})
