import { CamError, type CamErrorCode, errorMessage } from './cam-error.js'

/**
 * An adapter call failed. Wraps whatever the adapter threw, keeping it as `cause`,
 * and names the port and method so logs say where it happened.
 */
export class AdapterError extends CamError {
  /** Port whose adapter failed, e.g. `store`, `inbox`. */
  readonly port: string
  /** Method that failed, e.g. `claimDueEmails`. */
  readonly operation: string

  constructor(code: CamErrorCode, port: string, operation: string, cause: unknown) {
    super(code, `${port}.${operation} failed: ${errorMessage(cause)}`, { cause })
    this.name = 'AdapterError'
    this.port = port
    this.operation = operation
  }
}

/** A conditional update found the record in another state than expected (someone else changed it first). */
export class ConflictError extends CamError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', message, options)
    this.name = 'ConflictError'
  }
}

/** The referenced record does not exist. */
export class NotFoundError extends CamError {
  constructor(message: string) {
    super('NOT_FOUND', message)
    this.name = 'NotFoundError'
  }
}
