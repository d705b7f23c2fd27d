import type { Logger } from '../util/logger.js'

const levels = ['debug', 'info', 'warn', 'error'] as const

/**
 * The {@link Logger} methods `value` lacks (`debug`, `info`, `warn`, `error`, in that order);
 * empty when it is a logger. For an option check that names what is missing.
 */
export function missingLoggerMethods(value: unknown): string[] {
  const candidate = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  return levels.filter((level) => typeof candidate[level] !== 'function')
}

/** True when `value` has the four {@link Logger} methods. */
export function isLogger(value: unknown): value is Logger {
  return missingLoggerMethods(value).length === 0
}
