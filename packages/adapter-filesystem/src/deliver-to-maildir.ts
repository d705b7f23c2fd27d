import { open, rename, unlink, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { ValidationError, type ValidationIssue } from '@cam/core'
import { ensureMaildir, maildirFolders } from './maildir-layout.js'
import { createUniqueName } from './maildir-file-name.js'

/** Options of {@link deliverToMaildir}. */
export interface DeliverToMaildirOptions {
  /** Create `tmp/`, `new/` and `cur/` when missing. Default false (a missing Maildir is an error naming the path). */
  createIfMissing?: boolean | undefined
  /**
   * The message's received date, set as the file's modification time (Dovecot's convention,
   * which {@link createMaildirInbox} reports as `receivedAt`). Default: now. The file name keeps
   * the real delivery time either way, so a simulated date never disturbs the inbox's order.
   */
  receivedAt?: Date | undefined
  /** Flush the file to disk before it is moved into `new/`, as the specification asks. Default true. */
  fsync?: boolean | undefined
}

/** Where {@link deliverToMaildir} put the message. */
export interface MaildirDelivery {
  /** The message's unique name — also the `sourceKey` the Maildir inbox yields it with. */
  uniqueName: string
  /** Absolute path of the file in `new/`. */
  path: string
}

/**
 * Delivers one raw message into a Maildir the way an MTA does: writes it to `tmp/` under a new
 * unique name (`<seconds>.M<microseconds>P<pid>Q<counter>.<host>,S=<size>`), flushes it, then
 * renames it into `new/` — so a reader never sees a half-written message.
 *
 * The bytes are written unchanged (CRLF or LF line endings, 8-bit text).
 *
 * @throws ValidationError for a bad argument; the file system's error (e.g. `ENOENT` for a
 * missing Maildir without `createIfMissing`) when the delivery fails — nothing is left in
 * `new/` then.
 */
export async function deliverToMaildir(directory: string, raw: string | Uint8Array, options: DeliverToMaildirOptions = {}): Promise<MaildirDelivery> {
  const issues: ValidationIssue[] = []
  if (typeof directory !== 'string' || directory.trim() === '') issues.push({ path: 'directory', message: 'expected a non-empty path' })
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) issues.push({ path: 'raw', message: 'expected the message as a string or Uint8Array' })
  if (options.receivedAt !== undefined && (!(options.receivedAt instanceof Date) || Number.isNaN(options.receivedAt.getTime()))) {
    issues.push({ path: 'receivedAt', message: 'expected a valid Date' })
  }
  if (issues.length > 0) throw new ValidationError('deliverToMaildir arguments', issues)

  if (options.createIfMissing) await ensureMaildir(directory, true)
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw
  const uniqueName = `${createUniqueName()},S=${bytes.byteLength}`
  const folders = maildirFolders(directory)
  const temporary = join(folders.tmp, uniqueName)
  const target = join(folders.new, uniqueName)

  // `wx`: never overwrite — a name collision is a bug, not something to paper over.
  const handle = await open(temporary, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(bytes)
      if (options.fsync ?? true) await handle.sync()
    } finally {
      await handle.close()
    }
    if (options.receivedAt) await utimes(temporary, options.receivedAt, options.receivedAt)
    await rename(temporary, target)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  return { uniqueName, path: target }
}
