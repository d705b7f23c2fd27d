import { CamError, type CamErrorCode, errorClassMarker, errorMessage, hasErrorClassMarker, markErrorClass } from './cam-error.js'

const adapterMarker = errorClassMarker('AdapterError')
const conflictMarker = errorClassMarker('ConflictError')
const notFoundMarker = errorClassMarker('NotFoundError')

/**
 * An adapter call failed. Wraps whatever the adapter threw, keeping it as `cause`,
 * and names the port and method so logs say where it happened.
 */
export class AdapterError extends CamError {
  /** Port whose adapter failed, e.g. `store`, `inbox`. */
  readonly port: string
  /** Method that failed, e.g. `claimDueEmails`. */
  readonly operation: string
  /**
   * True when the adapter knows the failure is about its backend's availability, not
   * about the request: a connection lost or refused, a server restarting, a timeout.
   * The same call may succeed later, so the worker retries it without holding the
   * item responsible (a reply is not quarantined because the database restarted).
   * False when unknown.
   */
  readonly transient: boolean

  constructor(code: CamErrorCode, port: string, operation: string, cause: unknown, options: { transient?: boolean } = {}) {
    super(code, `${port}.${operation} failed: ${errorMessage(cause)}`, { cause })
    markErrorClass(this, adapterMarker)
    this.name = 'AdapterError'
    this.port = port
    this.operation = operation
    this.transient = options.transient === true
  }

  /** True when `error` is an {@link AdapterError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is AdapterError {
    return hasErrorClassMarker(error, adapterMarker)
  }

  /** True when `error` is an {@link AdapterError} (from any copy of `@cam/core`) marked transient. */
  static isTransient(error: unknown): boolean {
    return AdapterError.isInstance(error) && error.transient
  }
}

/** A conditional update found the record in another state than expected (someone else changed it first). */
export class ConflictError extends CamError {

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', message, options)
    markErrorClass(this, conflictMarker)
    this.name = 'ConflictError'
  }

  /** True when `error` is a {@link ConflictError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is ConflictError {
    return hasErrorClassMarker(error, conflictMarker)
  }
}

/** The referenced record does not exist. */
export class NotFoundError extends CamError {

  constructor(message: string) {
    super('NOT_FOUND', message)
    markErrorClass(this, notFoundMarker)
    this.name = 'NotFoundError'
  }

  /** True when `error` is a {@link NotFoundError} (from any copy of `@cam/core`). */
  static override isInstance(error: unknown): error is NotFoundError {
    return hasErrorClassMarker(error, notFoundMarker)
  }
}
