import type { LogFields, Logger } from '../util/logger.js'

/** One line a {@link RecordingLogger} received. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  fields: LogFields | undefined
}

/** A {@link Logger} that keeps every line, to assert on what an adapter or a worker reported (and on what it never logs: secrets, message bodies). */
export interface RecordingLogger extends Logger {
  /** Every line, in order. */
  readonly entries: LogEntry[]
  /** The lines of one level. */
  at(level: LogEntry['level']): LogEntry[]
  /** Every line as text (`level message {fields}`), one per line: to search for what must not appear. */
  text(): string
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
    text: () => entries.map((entry) => `${entry.level} ${entry.message} ${JSON.stringify(entry.fields ?? {})}`).join('\n'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  }
}
