import type { SendSchedule } from '../domain/campaign.js'

interface LocalParts {
  year: number
  month: number
  day: number
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number
  /** Minutes since local midnight. */
  minutes: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const weekdayNames: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, format)
  }
  return format
}

/**
 * Recent answers of `localParts`, by time zone and then by UTC second: the send step asks
 * for the same zone and second for every email of a batch (and `formatToParts` costs tens
 * of microseconds). Exact: the parts depend on the second only (offsets are whole seconds).
 */
const recentParts = new Map<string, Map<number, LocalParts>>()
const recentPartsLimit = 64

/** Local calendar parts of `date` in `timeZone` (a fresh object: callers may keep it). */
export function localParts(date: Date, timeZone: string): LocalParts {
  const second = Math.floor(date.getTime() / 1000)
  let byZone = recentParts.get(timeZone)
  const known = byZone?.get(second)
  if (known) return { ...known }
  const parts: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(date)) parts[part.type] = part.value
  const local: LocalParts = {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: weekdayNames[parts.weekday ?? ''] ?? 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  }
  if (!Number.isNaN(second)) {
    if (!byZone) {
      if (recentParts.size >= recentPartsLimit) recentParts.clear()
      byZone = new Map()
      recentParts.set(timeZone, byZone)
    }
    if (byZone.size >= recentPartsLimit) byZone.clear()
    byZone.set(second, local)
  }
  return { ...local }
}

/** Offset of `timeZone` from UTC at `date`, in minutes (e.g. +60 for Berlin in winter). */
function offsetMinutes(date: Date, timeZone: string): number {
  const p = localParts(date, timeZone)
  const seconds = date.getUTCSeconds()
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, Math.floor(p.minutes / 60), p.minutes % 60, seconds)
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000)
}

/** The instant at which the local wall-clock time `y-m-d hh:mm` happens in `timeZone`. */
export function zonedTimeToUtc(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, 0, minutes)
  let result = guess - offsetMinutes(new Date(guess), timeZone) * 60_000
  // A second pass settles times next to a DST change.
  result = guess - offsetMinutes(new Date(result), timeZone) * 60_000
  return new Date(result)
}

const parsedTimes = new Map<string, number>()

/** Minutes since midnight of `HH:MM` (memoised: a schedule's two times, asked per email). */
function parseTime(value: string): number {
  let minutes = parsedTimes.get(value)
  if (minutes === undefined) {
    const [h, m] = value.split(':').map(Number)
    minutes = (h ?? 0) * 60 + (m ?? 0)
    if (parsedTimes.size >= 1000) parsedTimes.clear()
    parsedTimes.set(value, minutes)
  }
  return minutes
}

/** True when `date` falls inside the schedule's window in `timeZone`. */
export function isInsideSendWindow(date: Date, schedule: SendSchedule, timeZone: string = schedule.timezone): boolean {
  const local = localParts(date, timeZone)
  return (
    schedule.weekdays.includes(local.weekday as SendSchedule['weekdays'][number]) &&
    local.minutes >= parseTime(schedule.startTime) &&
    local.minutes < parseTime(schedule.endTime)
  )
}

/**
 * The first instant at or after `date` that is inside the send window in `timeZone`
 * (the lead's, or the campaign's). Returns `date` itself when it already is.
 */
export function nextSendWindowStart(date: Date, schedule: SendSchedule, timeZone: string = schedule.timezone): Date {
  if (isInsideSendWindow(date, schedule, timeZone)) return date
  const start = parseTime(schedule.startTime)
  const local = localParts(date, timeZone)
  for (let offset = 0; offset <= 8; offset++) {
    const day = new Date(Date.UTC(local.year, local.month - 1, local.day + offset))
    const weekday = ((day.getUTCDay() + 6) % 7) + 1
    if (!schedule.weekdays.includes(weekday as SendSchedule['weekdays'][number])) continue
    const candidate = zonedTimeToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), start, timeZone)
    if (candidate.getTime() >= date.getTime()) return candidate
  }
  // Unreachable with at least one weekday; keep a safe answer.
  return new Date(date.getTime() + 86_400_000)
}

/** Day key `YYYY-MM-DD` of `date` in `timeZone` (the daily cap's day). */
export function localDayKey(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

const weekAheadMs = 6 * 86_400_000

/**
 * When a send window opens, for people: `Mon 09:00 Europe/Berlin` (with the date,
 * `Mon 12 Jan 09:00 Europe/Berlin`, when it is more than six days after `now`).
 */
export function describeWindowOpening(opensAt: Date, timeZone: string, now: Date): string {
  const far = opensAt.getTime() - now.getTime() > weekAheadMs
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    ...(far ? { day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(opensAt)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  const day = far ? `${part('weekday')} ${part('day')} ${part('month')}` : part('weekday')
  return `${day} ${part('hour')}:${part('minute')} ${timeZone}`
}
