const marker = Symbol.for('cam.error')

/**
 * The marker of one error class: a registered symbol, so that an error made by another
 * copy of `@cam/core` (two versions installed side by side) is recognised too.
 */
export function errorClassMarker(className: string): symbol {
  return Symbol.for(`cam.error.${className}`)
}

/**
 * Marks `error` as made by the class of `classMarker` (call it in the constructor). The
 * marker is a non-enumerable own property, so it shows in no declaration file or log.
 */
export function markErrorClass(error: Error, classMarker: symbol): void {
  Object.defineProperty(error, classMarker, { value: true, enumerable: false })
}

/** True when `error` carries `classMarker` (it was made by that class or a subclass). */
export function hasErrorClassMarker(error: unknown, classMarker: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[classMarker] === true
}

/**
 * Machine-readable error codes. Every error CAM throws carries one, so callers can
 * branch on `error.code` instead of parsing messages.
 */
export type CamErrorCode =
  | 'VALIDATION_FAILED'
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_VARIABLE_MISSING'
  | 'TEMPLATE_RENDER_LIMIT'
  | 'CONFIG_INVALID'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORE_FAILED'
  | 'LOCK_FAILED'
  | 'INBOX_FAILED'
  | 'INBOX_AUTH_FAILED'
  | 'SEND_RETRYABLE'
  | 'SEND_PERMANENT'
  | 'SEND_IN_DOUBT'
  | 'ALERT_FAILED'
  | 'WEBHOOK_FAILED'
  | 'CLASSIFIER_FAILED'
  | 'HOOK_FAILED'
  | 'STEP_FAILED'
  | 'UNSUBSCRIBE_TOKEN_INVALID'
  | 'WORKER_STATE'

/** Options accepted by every CAM error constructor. */
export interface CamErrorOptions {
  /** The underlying error, kept so nothing about the original failure is lost. */
  cause?: unknown
}

/**
 * Base class of every error thrown by CAM and its adapters.
 *
 * Use {@link CamError.isInstance} rather than `instanceof`: it also recognises
 * errors created by another copy of `@cam/core` (two versions installed side by side).
 */
export class CamError extends Error {
  /** Stable machine-readable code. */
  readonly code: CamErrorCode

  constructor(code: CamErrorCode, message: string, options: CamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    markErrorClass(this, marker)
    this.name = 'CamError'
    this.code = code
  }

  /**
   * True when `error` is a CAM error (optionally with the given code). Each subclass's
   * own `isInstance` recognises only that class (and its subclasses).
   */
  static isInstance(error: unknown, code?: CamErrorCode): error is CamError {
    return hasErrorClassMarker(error, marker) && (code === undefined || (error as CamError).code === code)
  }
}

/** Turns anything thrown into a short, printable message (never includes `cause` chains). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}
