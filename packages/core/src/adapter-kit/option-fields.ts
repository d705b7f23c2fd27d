import { z } from 'zod'
import { describeValue } from './describe-value.js'
import { maxTimerDelayMs } from './max-timer-delay.js'

type Issue = { input?: unknown }

/**
 * Zod fields for adapter options whose messages say what was expected and what was given
 * (`expected an integer from 1 to 100, got "3"`) — the wording every CAM adapter uses, for
 * schemas checked with {@link parseOptions}.
 */
export const optionFields = {
  /** An integer from `min` to `max` (default: the largest safe integer). */
  integer(min: number, max = Number.MAX_SAFE_INTEGER) {
    const message = (issue: Issue) => `expected an integer from ${min} to ${max}, got ${describeValue(issue.input)}`
    return z.number({ error: message }).refine((value) => Number.isInteger(value) && value >= min && value <= max, { error: message })
  },
  /** A duration in milliseconds: an integer from `min` to 2³¹−1 (the longest timer Node.js runs; a longer one fires after 1 ms). */
  duration(min: number) {
    const message = (issue: Issue) =>
      typeof issue.input === 'number' && Number.isInteger(issue.input) && issue.input > maxTimerDelayMs
        ? `expected at most ${maxTimerDelayMs} ms (about 24.8 days), got ${describeValue(issue.input)}`
        : `expected an integer from ${min} to ${maxTimerDelayMs}, got ${describeValue(issue.input)}`
    return z.number({ error: message }).refine((value) => Number.isInteger(value) && value >= min && value <= maxTimerDelayMs, { error: message })
  },
  /** `true` or `false`. */
  boolean() {
    return z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
  },
}
