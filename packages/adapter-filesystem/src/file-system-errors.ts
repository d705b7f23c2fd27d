import { InboxError, SendError } from '@cam/core'
import { errorMessage, systemErrorCode } from '@cam/core/adapter-kit'

/**
 * File-system errors that retrying cannot fix: the directory is missing or is not a directory,
 * permissions, a read-only file system. Everything else (`EIO`, `ENOSPC`, `EMFILE`, `EBUSY`, …)
 * may pass.
 */
const permanentCodes = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ELOOP', 'ENAMETOOLONG'])

/** True when `error` is a file-system error that will not go away by itself. */
export function isPermanentFileSystemError(error: unknown): boolean {
  const code = systemErrorCode(error)
  return code !== undefined && permanentCodes.has(code)
}

/**
 * Wraps a file-system failure of the Maildir inbox in an `InboxError`: permanent for a missing
 * or unreadable Maildir (the worker backs off instead of hammering), transient otherwise.
 */
export function toInboxError(error: unknown, context: string): InboxError {
  if (InboxError.isInstance(error)) return error
  const code = systemErrorCode(error)
  const permanent = isPermanentFileSystemError(error)
  const hint = code === 'ENOENT' ? ' (is the path right? pass createIfMissing: true to create the Maildir)' : ''
  return new InboxError(`${context}: ${errorMessage(error)}${hint}`, { permanent, cause: error })
}

/** Wraps a file-system failure of the file sender in a `SendError` (permanent for configuration problems). */
export function toSendError(error: unknown, context: string): SendError {
  if (SendError.isInstance(error)) return error
  const code = systemErrorCode(error)
  const message = `${context}: ${errorMessage(error)}`
  return isPermanentFileSystemError(error)
    ? SendError.permanent(message, { providerCode: code, field: 'directory', cause: error })
    : SendError.retryable(message, { providerCode: code, cause: error })
}
