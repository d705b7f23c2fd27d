import { resolve } from 'node:path'
import { ValidationError, silentLogger, type Logger, type ValidationIssue } from '@cam/core'
import { defaultInfoSeparator } from './maildir-file-name.js'
import { createOptionReader, describeValue } from './option-reader.js'

/** Push behaviour of `watch()`. */
export interface MaildirWatchOptions {
  /**
   * Watch by polling instead of `fs.watch` (inotify, FSEvents, …). Use it on network file
   * systems (NFS, SMB), where `fs.watch` does not see files written by other machines.
   * Default false; `watch()` also falls back to polling by itself when `fs.watch` fails.
   */
  polling?: boolean
  /** How often polling checks `new/` and `cur/`, in milliseconds. Default 1,000. */
  pollIntervalMs?: number
}

/** Options of {@link createMaildirInbox}. */
export interface MaildirInboxOptions {
  /** The Maildir: the directory holding `tmp/`, `new/` and `cur/` (e.g. `~/Maildir`, or `~/Maildir/.Replies` for a Maildir++ folder). */
  directory: string
  /** Name the cursor is stored under (`Inbox.name`). Default `maildir:<absolute directory>`. */
  name?: string
  /**
   * Create `tmp/`, `new/` and `cur/` when they are missing (at the first fetch or watch, never
   * in the constructor). Default false: a missing Maildir is a permanent `InboxError`, so a typo
   * in the path is reported instead of silently reading an empty mailbox.
   */
  createIfMissing?: boolean
  /**
   * Move each message from `new/` to `cur/` once it was read, appending the empty info `:2,`,
   * as a mail client does when it has seen a message. Its unique name — and so its source key
   * and its place in the cursor — does not change. Default false: the adapter never renames,
   * moves, flags or deletes anything, so it can share a Maildir with a mail client or Dovecot.
   */
  moveToCur?: boolean
  /**
   * Messages larger than this many bytes are yielded with their header block only and
   * `truncated: true`, instead of being read whole. Default 26,214,400 (25 MiB).
   */
  maxMessageBytes?: number
  /**
   * How many of the most recently delivered messages the cursor remembers by name. A message
   * that appears with a name sorting below all of them (delivered "in the past") is not
   * yielded; anything newer is, even if it arrives out of order. Default 1,000. Each name costs
   * about 60 bytes of cursor.
   */
  cursorCapacity?: number
  /** The character that separates the unique name from the info (`:2,FLAGS`). Default `:`. */
  infoSeparator?: string
  /** Push behaviour of `watch()`. */
  watch?: MaildirWatchOptions
  /** Structured logger (skipped files, watch fallbacks). Default: silent. */
  logger?: Logger
}

/** Options with every default applied. */
export interface ResolvedMaildirInboxOptions {
  directory: string
  name: string
  createIfMissing: boolean
  moveToCur: boolean
  maxMessageBytes: number
  cursorCapacity: number
  infoSeparator: string
  watch: Required<MaildirWatchOptions>
  logger: Logger
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Checks `options` and applies defaults. Throws one `ValidationError` (code `CONFIG_INVALID`)
 * listing every problem, never only the first.
 */
export function resolveMaildirInboxOptions(options: MaildirInboxOptions): ResolvedMaildirInboxOptions {
  if (!isRecord(options)) {
    throw new ValidationError('Maildir inbox options', [{ path: '', message: 'expected an options object with at least `directory`' }], {
      code: 'CONFIG_INVALID',
    })
  }
  const issues: ValidationIssue[] = []
  const read = createOptionReader(issues)
  const input = options as unknown as Record<string, unknown>
  const directory = read.string('directory', input.directory, true)
  const name = read.string('name', input.name, false)
  const createIfMissing = read.boolean('createIfMissing', input.createIfMissing, false)
  const moveToCur = read.boolean('moveToCur', input.moveToCur, false)
  const maxMessageBytes = read.integer('maxMessageBytes', input.maxMessageBytes, 25 * 1024 * 1024, 1024)
  const cursorCapacity = read.integer('cursorCapacity', input.cursorCapacity, 1_000, 1, 1_000_000)
  let infoSeparator = defaultInfoSeparator
  if (input.infoSeparator !== undefined) {
    if (typeof input.infoSeparator !== 'string' || input.infoSeparator.length !== 1 || /[\s/.0-9A-Za-z]/.test(input.infoSeparator)) {
      issues.push({ path: 'infoSeparator', message: `expected one punctuation character such as ":" or "!", got ${describeValue(input.infoSeparator)}` })
    } else {
      infoSeparator = input.infoSeparator
    }
  }
  const watchInput = input.watch
  let watch: Required<MaildirWatchOptions> = { polling: false, pollIntervalMs: 1_000 }
  if (watchInput !== undefined) {
    if (!isRecord(watchInput)) {
      issues.push({ path: 'watch', message: `expected an object, got ${describeValue(watchInput)}` })
    } else {
      watch = {
        polling: read.boolean('watch.polling', watchInput.polling, false),
        pollIntervalMs: read.integer('watch.pollIntervalMs', watchInput.pollIntervalMs, 1_000, 10, 3_600_000),
      }
    }
  }
  const logger = input.logger
  if (logger !== undefined && (!isRecord(logger) || typeof logger.warn !== 'function' || typeof logger.debug !== 'function')) {
    issues.push({ path: 'logger', message: 'expected a Logger with debug/info/warn/error methods' })
  }
  if (issues.length > 0) throw new ValidationError('Maildir inbox options', issues, { code: 'CONFIG_INVALID' })
  const absolute = resolve(directory!)
  return {
    directory: absolute,
    name: name ?? `maildir:${absolute}`,
    createIfMissing,
    moveToCur,
    maxMessageBytes,
    cursorCapacity,
    infoSeparator,
    watch,
    logger: (logger as Logger | undefined) ?? silentLogger,
  }
}
