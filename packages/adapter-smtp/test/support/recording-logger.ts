import type { LogFields, Logger } from '@cam/core'

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  fields: LogFields | undefined
}

/** A logger that keeps every line, to assert on what the adapter reported. */
export function createRecordingLogger(): Logger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = []
  const write = (level: LogEntry['level']) => (message: string, fields?: LogFields) => {
    entries.push({ level, message, fields })
  }
  return {
    entries,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    text: () => entries.map((entry) => `${entry.level} ${entry.message} ${JSON.stringify(entry.fields ?? {})}`).join('\n'),
  }
}
