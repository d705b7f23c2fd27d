/** Structured fields attached to a log line. Never put secrets here. */
export type LogFields = Record<string, unknown>

/**
 * Minimal logger port (pino, winston and `console` fit with a thin wrapper).
 * CAM never logs secrets, and escapes attacker-controlled text it logs.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}

/**
 * Makes attacker-controlled text safe for a single log line: control characters
 * (including CR/LF, which could forge extra log lines, and ANSI escapes) become
 * visible `\uXXXX` escapes, and the text is cut to `maxLength`.
 */
export function sanitizeForLog(text: string, maxLength = 200): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
  const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned
}

/** A logger that writes JSON lines to the console, for examples and the demo. */
export function createConsoleLogger(options: { level?: 'debug' | 'info' | 'warn' | 'error' | undefined } = {}): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const
  const min = order.indexOf(options.level ?? 'info')
  const write = (level: (typeof order)[number]) => (message: string, fields?: LogFields) => {
    if (order.indexOf(level) < min) return
    const line = JSON.stringify({ level, time: new Date().toISOString(), message: sanitizeForLog(message, 2000), ...fields })
    if (level === 'error' || level === 'warn') console.error(line)
    else console.log(line)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
