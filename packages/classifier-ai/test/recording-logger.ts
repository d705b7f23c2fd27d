import type { LogFields, Logger } from '@cam/core'

/** One line a {@link RecordingLogger} received. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  fields: LogFields | undefined
}

/** A Logger that keeps every line, for assertions. */
export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[]
  /** The entries of one level. */
  at(level: LogEntry['level']): LogEntry[]
}

/** Creates a {@link RecordingLogger}. */
export function createRecordingLogger(): RecordingLogger {
  const entries: LogEntry[] = []
  const write = (level: LogEntry['level']) => (message: string, fields?: LogFields) => {
    entries.push({ level, message, fields })
  }
  return {
    entries,
    at: (level) => entries.filter((entry) => entry.level === level),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  }
}
