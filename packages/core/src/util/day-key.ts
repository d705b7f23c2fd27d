/** UTC day key `YYYY-MM-DD` of an instant (metric counters are kept per UTC day). */
export function utcDayKey(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** UTC day key `days` days before `date`'s UTC day. */
export function utcDayKeyDaysBefore(date: Date, days: number): string {
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
  return new Date(start - days * 86_400_000).toISOString().slice(0, 10)
}
