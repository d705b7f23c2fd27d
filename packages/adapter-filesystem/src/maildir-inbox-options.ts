import { resolve } from 'node:path'
import { ValidationError, silentLogger, type Logger } from '@cam/core'
import { describeValue, parseOptions } from '@cam/core/adapter-kit'
import { z } from 'zod'
import { defaultInfoSeparator } from './maildir-file-name.js'
import { booleanOption, integerOption, loggerOption, nonEmptyString } from './option-schemas.js'

/** Push behaviour of `watch()`. */
export interface MaildirWatchOptions {
  /**
   * Watch by polling instead of `fs.watch` (inotify, FSEvents, …). Use it on network file
   * systems (NFS, SMB), where `fs.watch` does not see files written by other machines.
   * Default false; `watch()` also falls back to polling by itself when `fs.watch` fails.
   */
  polling?: boolean | undefined
  /** How often polling checks `new/` and `cur/`, in milliseconds. Default 1,000. */
  pollIntervalMs?: number | undefined
}

/** Options of {@link createMaildirInbox}. */
export interface MaildirInboxOptions {
  /** The Maildir: the directory holding `tmp/`, `new/` and `cur/` (e.g. `~/Maildir`, or `~/Maildir/.Replies` for a Maildir++ folder). */
  directory: string
  /** Name the cursor is stored under (`Inbox.name`). Default `maildir:<absolute directory>`. */
  name?: string | undefined
  /**
   * Create `tmp/`, `new/` and `cur/` when they are missing (at the first fetch or watch, never
   * in the constructor). Default false: a missing Maildir is a permanent `InboxError`, so a typo
   * in the path is reported instead of silently reading an empty mailbox.
   */
  createIfMissing?: boolean | undefined
  /**
   * Move each message from `new/` to `cur/` once it was read, appending the empty info `:2,`,
   * as a mail client does when it has seen a message. Its unique name — and so its source key
   * and its place in the cursor — does not change. Default false: the adapter never renames,
   * moves, flags or deletes anything, so it can share a Maildir with a mail client or Dovecot.
   */
  moveToCur?: boolean | undefined
  /**
   * Messages larger than this many bytes are yielded with their header block only and
   * `truncated: true`, instead of being read whole. Default 26,214,400 (25 MiB).
   */
  maxMessageBytes?: number | undefined
  /**
   * How many of the most recently delivered messages the cursor remembers by name. A message
   * that appears with a name sorting below all of them (delivered "in the past") is not
   * yielded; anything newer is, even if it arrives out of order. Default 1,000. Each name costs
   * about 60 bytes of cursor.
   */
  cursorCapacity?: number | undefined
  /** The character that separates the unique name from the info (`:2,FLAGS`). Default `:`. */
  infoSeparator?: string | undefined
  /** Push behaviour of `watch()`. */
  watch?: MaildirWatchOptions | undefined
  /** Structured logger (skipped files, watch fallbacks). Default: silent. */
  logger?: Logger | undefined
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

const objectMessage = (issue: { input?: unknown }) => `expected an object, got ${describeValue(issue.input)}`

/** The inbox options as {@link resolveMaildirInboxOptions} checks them, defaults applied. */
const optionsSchema = z.object({
  directory: nonEmptyString(),
  name: nonEmptyString().optional(),
  createIfMissing: booleanOption().default(false),
  moveToCur: booleanOption().default(false),
  maxMessageBytes: integerOption(1024).default(25 * 1024 * 1024),
  cursorCapacity: integerOption(1, 1_000_000).default(1_000),
  infoSeparator: z
    .string({ error: (issue) => `expected one punctuation character such as ":" or "!", got ${describeValue(issue.input)}` })
    .refine((separator) => separator.length === 1 && !/[\s/.0-9A-Za-z]/.test(separator), {
      error: (issue) => `expected one punctuation character such as ":" or "!", got ${describeValue(issue.input)}`,
    })
    .default(defaultInfoSeparator),
  watch: z
    .object(
      {
        polling: booleanOption().default(false),
        pollIntervalMs: integerOption(10, 3_600_000).default(1_000),
      },
      { error: objectMessage },
    )
    .default({ polling: false, pollIntervalMs: 1_000 }),
  logger: loggerOption().optional(),
})

/**
 * Checks `options` and applies defaults. Throws one `ValidationError` (code `CONFIG_INVALID`)
 * listing every problem, never only the first.
 */
export function resolveMaildirInboxOptions(options: MaildirInboxOptions): ResolvedMaildirInboxOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError('Maildir inbox options', [{ path: '', message: 'expected an options object with at least `directory`' }], {
      code: 'CONFIG_INVALID',
    })
  }
  const settings = parseOptions(optionsSchema, options, 'Maildir inbox options')
  const absolute = resolve(settings.directory)
  return {
    ...settings,
    directory: absolute,
    name: settings.name ?? `maildir:${absolute}`,
    logger: settings.logger ?? silentLogger,
  }
}
