import { CamError, type CamErrorCode, errorClassMarker, hasErrorClassMarker, markErrorClass } from './cam-error.js'

const validationMarker = errorClassMarker('ValidationError')

/** One problem found while validating input: which field, and what was expected. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `steps.1.subject` or `CAM_INTERVAL_MS`. */
  path: string
  /** What was wrong and what was expected instead. */
  message: string
}

/**
 * Input failed validation. Lists **every** problem found, not just the first, in
 * `issues`; the message names each field.
 */
export class ValidationError extends CamError {
  /** Every problem found, one per field. */
  readonly issues: readonly ValidationIssue[]

  constructor(
    subject: string,
    issues: readonly ValidationIssue[],
    options: { code?: CamErrorCode; cause?: unknown } = {},
  ) {
    const lines = issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`)
    super(options.code ?? 'VALIDATION_FAILED', `Invalid ${subject}:\n${lines.join('\n')}`, {
      cause: options.cause,
    })
    markErrorClass(this, validationMarker)
    this.name = 'ValidationError'
    this.issues = issues
  }

  /** True when `error` is a {@link ValidationError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is ValidationError {
    return hasErrorClassMarker(error, validationMarker)
  }
}
