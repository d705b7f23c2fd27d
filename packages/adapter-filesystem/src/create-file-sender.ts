import { createHash, randomUUID } from 'node:crypto'
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SendError, ValidationError, systemClock, type Clock, type OutgoingEmail, type SendOptions, type SendResult, type SenderV1 } from '@cam/core'
import { describeValue, errorMessage, parseOptions, systemErrorCode } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { composeEmailFile } from './compose-email-file.js'
import { toSendError } from './file-system-errors.js'
import { booleanOption, nonEmptyString } from './option-schemas.js'

/** Options of {@link createFileSender}. */
export interface FileSenderOptions {
  /** The pickup directory (outbox): each sent email becomes one `.eml` file in it. */
  directory: string
  /** Name for logs and events. Default `file`. */
  name?: string | undefined
  /** Create the directory when it is missing (at the first send, never in the constructor). Default false. */
  createIfMissing?: boolean | undefined
  /** Source of the `Date` header. Default: the system clock. Pass the worker's clock in simulations. */
  clock?: Clock | undefined
  /** Flush each file (and the directory entry) to disk before `send` resolves. Default true. */
  fsync?: boolean | undefined
}

/** A CAM {@link SenderV1} writing `.eml` files. Idempotent: one idempotency key, one file. */
export interface FileSender extends SenderV1 {
  readonly idempotent: true
  /** Absolute path of the pickup directory. */
  readonly directory: string
  /** The file name an email sent with `idempotencyKey` gets (also its `providerId`). */
  fileNameFor(idempotencyKey: string): string
}

/**
 * The file name for an idempotency key: the key made file-name safe (letters, digits, `.`, `_`,
 * `-`; at most 80 characters), a dash, the first 16 hex digits of the key's SHA-256 (so two keys
 * that clean up to the same text still get different files), and `.eml`.
 * `cam-email-0193…` → `cam-email-0193…-5f2c0a9e4b7d1c33.eml`.
 */
export function emailFileName(idempotencyKey: string): string {
  const readable = idempotencyKey.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80)
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 16)
  return `${readable === '' ? 'email' : readable}-${digest}.eml`
}

/** The sender's options as {@link createFileSender} checks them, defaults applied. */
const optionsSchema = z.object({
  directory: nonEmptyString(),
  name: nonEmptyString().default('file'),
  createIfMissing: booleanOption().default(false),
  clock: z
    .custom<Clock>((value) => typeof value === 'object' && value !== null && typeof (value as Partial<Clock>).now === 'function', {
      abort: false,
      error: (issue) => `expected a Clock ({ now(): Date }), got ${describeValue(issue.input)}`,
    })
    .optional(),
  fsync: booleanOption().default(true),
})

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return false
    throw error
  }
}

/** Hard links unsupported here (some FAT/exFAT/SMB mounts): publishing falls back to rename. */
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'])

/**
 * Creates a CAM {@link SenderV1} that "sends" by writing each email as one RFC 5322 `.eml`
 * file into a pickup directory — the zero-setup quickstart's outbox, a directory an MTA or a
 * test harness picks mail up from, or a way to review what a campaign would send.
 *
 * - The message is built with nodemailer's `MailComposer`: CAM's `Message-ID`, `In-Reply-To`,
 *   `References`, `From`, `To`, `Reply-To`, `Subject`, `Date`, the custom headers (RFC 8058
 *   `List-Unsubscribe`, …), text and HTML as `multipart/alternative`, non-ASCII MIME-encoded.
 * - Idempotent: the file name is derived from the idempotency key. The message is written to a
 *   temporary dot-file, then hard-linked to its final name — an atomic step that fails if the
 *   name exists — so a retried or concurrent send with the same key never makes a second file,
 *   and a reader never sees a half-written one. The guarantee holds while the file stays in the
 *   directory: a pickup agent that deletes files it sent should keep a record of their names.
 * - No control character reaches a header: the subject and display names are made one line
 *   (line breaks and tabs become spaces, NUL, ESC and the other controls are removed), and
 *   display names lose the characters that could start another address, so lead data cannot
 *   add headers or recipients. A custom header value, an address or a Message-ID holding any
 *   control character is refused (permanent `SendError` naming the field).
 * - Resolves to `{ providerId: <file name> }`.
 *
 * @throws ValidationError (code `CONFIG_INVALID`) listing every invalid option.
 *
 * ```ts
 * const sender = createFileSender({ directory: '.cam-demo/outbox', createIfMissing: true })
 * ```
 */
export function createFileSender(options: FileSenderOptions): FileSender {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('file sender options', [{ path: '', message: 'expected an options object with at least `directory`' }], { code: 'CONFIG_INVALID' })
  }
  const { name, createIfMissing, fsync, clock, ...settings } = parseOptions(optionsSchema, options, 'file sender options')
  const directory = resolve(settings.directory)
  const now = () => (clock ?? systemClock).now()

  const syncDirectory = async () => {
    // A directory cannot be opened for fsync on Windows; elsewhere this makes the new name durable.
    if (!fsync || process.platform === 'win32') return
    const handle = await open(directory, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  /** Writes `content` under `fileName` unless that name exists. Never replaces an existing file. */
  const publish = async (fileName: string, content: Buffer): Promise<void> => {
    const target = join(directory, fileName)
    const temporary = join(directory, `.${fileName}.${randomUUID()}.tmp`)
    const handle = await open(temporary, 'wx', 0o644)
    try {
      try {
        await handle.writeFile(content)
        if (fsync) await handle.sync()
      } finally {
        await handle.close()
      }
      try {
        await link(temporary, target)
      } catch (error) {
        const code = systemErrorCode(error)
        if (code === 'EEXIST') return // an earlier or concurrent send with this key won
        if (code === undefined || !noHardLinks.has(code)) throw error
        if (await exists(target)) return
        await rename(temporary, target)
      }
      await syncDirectory()
    } finally {
      await unlink(temporary).catch((error: unknown) => {
        if (systemErrorCode(error) !== 'ENOENT') throw error
      })
    }
  }

  return {
    name,
    idempotent: true,
    directory,
    fileNameFor: emailFileName,
    async send(email: OutgoingEmail, sendOptions: SendOptions): Promise<SendResult> {
      const key = sendOptions?.idempotencyKey
      if (typeof key !== 'string' || key === '') {
        throw SendError.permanent('idempotencyKey: expected a non-empty string', { field: 'idempotencyKey' })
      }
      if (sendOptions.signal?.aborted) {
        throw SendError.retryable('send aborted before anything was written', { cause: sendOptions.signal.reason })
      }
      const fileName = emailFileName(key)
      try {
        // An earlier attempt with this key (before a crash or a lost answer) already wrote it.
        if (await exists(join(directory, fileName))) return { providerId: fileName }
      } catch (error) {
        throw toSendError(error, `checking ${fileName} in ${directory}`)
      }
      let content: Buffer
      try {
        content = await composeEmailFile(email, now())
      } catch (error) {
        if (SendError.isInstance(error)) throw error
        throw SendError.permanent(`the email could not be composed: ${errorMessage(error)}`, { cause: error })
      }
      try {
        if (createIfMissing) await mkdir(directory, { recursive: true })
        await publish(fileName, content)
      } catch (error) {
        throw toSendError(error, `writing ${fileName} into ${directory}`)
      }
      return { providerId: fileName }
    },
  }
}
