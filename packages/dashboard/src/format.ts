/** Formatting shared by the pages: numbers, rates, times. Output is text; the pages escape it. */

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** `12345` → `12,345`. */
export function formatCount(value: number | null | undefined): string {
  return integerFormat.format(value ?? 0)
}

/** A rate 0…1 as a percentage with up to two decimals: `0.0312` → `3.12%`. */
export function formatRate(rate: number): string {
  const percent = rate * 100
  const digits = percent === 0 || percent >= 10 ? 1 : 2
  return `${percent.toFixed(digits)}%`
}

/** A UTC time as `2026-01-05 09:30 UTC` (the same on every replica and in every browser). */
export function formatTime(date: Date | null | undefined): string {
  if (!date) return '—'
  const time = date instanceof Date ? date : new Date(date)
  if (Number.isNaN(time.getTime())) return '—'
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** How long ago: `45 s ago`, `12 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(date: Date | null | undefined, now: Date): string {
  if (!date) return '—'
  const seconds = Math.round((now.getTime() - new Date(date).getTime()) / 1000)
  if (seconds < 0) return 'just now'
  if (seconds < 90) return `${seconds} s ago`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86_400)} d ago`
}

/** At most `max` characters (code points), an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const characters = Array.from(text)
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : text
}

/** `out_of_office` → `out of office`. */
export function humanize(value: string): string {
  return value.replace(/_/g, ' ')
}
