import { describeValue, isLogger, missingLoggerMethods } from '@cam/core/adapter-kit'
import type { Logger } from '@cam/core'
import { z } from 'zod'

/** A non-empty string (not only spaces); the message shows what was given. */
export function nonEmptyString() {
  const message = (issue: { input?: unknown }) => `expected a non-empty string, got ${describeValue(issue.input)}`
  return z.string({ error: message }).refine((value) => value.trim() !== '', { error: message })
}

/** `true` or `false`. */
export function booleanOption() {
  return z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
}

/** An integer from `min` to `max`. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  const message = (issue: { input?: unknown }) => `expected an integer from ${min} to ${max}, got ${describeValue(issue.input)}`
  return z.number({ error: message }).refine((value) => Number.isInteger(value) && value >= min && value <= max, { error: message })
}

/** A `Logger` (debug, info, warn and error functions). */
export function loggerOption() {
  return z.custom<Logger>(isLogger, { abort: false, error: (issue) => `expected a Logger with ${missingLoggerMethods(issue.input).join(', ')} methods` })
}
