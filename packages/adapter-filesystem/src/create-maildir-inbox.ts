import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { type FetchedMessage, type InboxFetchOptions, type InboxV1, type InboxWatch, type InboxWatchOptions } from '@cam/core'
import { errorMessage, sanitizeForLog, systemErrorCode } from '@cam/core/adapter-kit'
import { toInboxError } from './file-system-errors.js'
import { MaildirCursorState, parseMaildirCursor } from './maildir-cursor.js'
import { compareUniqueNames } from './maildir-file-name.js'
import { resolveMaildirInboxOptions, type MaildirInboxOptions, type ResolvedMaildirInboxOptions } from './maildir-inbox-options.js'
import { ensureMaildir, listFolder, locateMessage, maildirFolders, type MaildirEntry } from './maildir-layout.js'
import { startMaildirWatch } from './maildir-watch.js'
import { readMessageFile, type MessageFileContent } from './read-message-file.js'

/** A CAM {@link InboxV1} reading a Maildir. */
export interface MaildirInbox extends InboxV1 {
  /** Absolute path of the Maildir. */
  readonly directory: string
  /** Calls `onNewMail` when a message is delivered into `new/` (`fs.watch`, or polling). */
  watch(options: InboxWatchOptions): Promise<InboxWatch>
  /** Stops every watch started by this inbox. */
  close(): Promise<void>
}

/**
 * Creates a CAM {@link InboxV1} over a Maildir (https://cr.yp.to/proto/maildir.html), the
 * format Dovecot, Postfix's `local`/`virtual`, Exim, qmail, OfflineIMAP and mbsync deliver into.
 *
 * - Reads `new/` and `cur/` (never `tmp/`, never dot files) without renaming, moving, flagging
 *   or deleting anything, unless `moveToCur` is set.
 * - Source key: the message's unique name (the file name before `:2,FLAGS`), which stays the
 *   same when a mail client moves it to `cur/` or changes its flags.
 * - Order: delivery second from the name, then the name with numbers compared as numbers —
 *   delivery order for names written by {@link deliverToMaildir} and by Dovecot.
 * - Cursor: remembers the names of the `cursorCapacity` most recent messages it yielded, so a
 *   message that appears out of order (a slow delivery, several agents, a message moved in by a
 *   mail client) is still yielded once; see `MaildirCursor`.
 * - Reads one file at a time; a file larger than `maxMessageBytes` yields its header block
 *   with `truncated: true`. `receivedAt` is the file's modification time (Dovecot's convention).
 *
 * @throws ValidationError (code `CONFIG_INVALID`) listing every invalid option.
 *
 * ```ts
 * const inbox = createMaildirInbox({ directory: '/var/mail/vhosts/acme.example/sales/Maildir' })
 * ```
 */
export function createMaildirInbox(options: MaildirInboxOptions): MaildirInbox {
  const settings = resolveMaildirInboxOptions(options)
  const watches = new Set<InboxWatch>()

  return {
    name: settings.name,
    directory: settings.directory,
    fetch: (cursor, fetchOptions) => fetchMessages(settings, cursor, fetchOptions ?? {}),
    async watch(watchOptions) {
      await ensureMaildir(settings.directory, settings.createIfMissing)
      const started = await startMaildirWatch(
        {
          directory: settings.directory,
          infoSeparator: settings.infoSeparator,
          polling: settings.watch.polling,
          pollIntervalMs: settings.watch.pollIntervalMs,
          logger: settings.logger,
        },
        watchOptions,
      )
      const handle: InboxWatch = {
        async stop() {
          watches.delete(handle)
          await started.stop()
        },
      }
      watches.add(handle)
      return handle
    },
    async close() {
      await Promise.all([...watches].map((handle) => handle.stop()))
    },
  }
}

async function* fetchMessages(settings: ResolvedMaildirInboxOptions, cursor: string | null, options: InboxFetchOptions): AsyncGenerator<FetchedMessage> {
  // A corrupt cursor throws a ValidationError before anything is read.
  const state = new MaildirCursorState(parseMaildirCursor(cursor), settings.cursorCapacity)
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  options.signal?.throwIfAborted()
  await ensureMaildir(settings.directory, settings.createIfMissing)

  const candidates = await listCandidates(settings, state)
  let yielded = 0
  for (const candidate of candidates) {
    if (yielded >= limit) return
    options.signal?.throwIfAborted()
    const found = await readCandidate(settings, candidate)
    if (found === null) continue
    const { entry, content } = found
    if (settings.moveToCur && entry.folder === 'new') await moveToCur(settings, entry)
    const nextCursor = state.markDone(entry.uniqueName)
    yielded++
    yield {
      sourceKey: entry.uniqueName,
      raw: content.raw,
      cursor: nextCursor,
      receivedAt: content.modifiedAt,
      ...(content.truncated ? { truncated: true } : {}),
    }
  }
}

/**
 * Every message not yet yielded, in yield order. `new/` is listed before `cur/`: a message a
 * mail client moves from `new/` to `cur/` while we list is then seen in at least one of them
 * (listing `cur/` first could miss it in both).
 */
async function listCandidates(settings: ResolvedMaildirInboxOptions, state: MaildirCursorState): Promise<MaildirEntry[]> {
  const byName = new Map<string, MaildirEntry>()
  try {
    for (const folder of ['new', 'cur'] as const) {
      for (const entry of await listFolder(settings.directory, folder, settings.infoSeparator, (name) => !state.isDone(name))) {
        // Seen in both (moved while listing): cur/ is where it is now.
        byName.set(entry.uniqueName, entry)
      }
    }
  } catch (error) {
    throw toInboxError(error, `listing Maildir ${settings.directory}`)
  }
  return [...byName.values()].sort((left, right) => compareUniqueNames(left.uniqueName, right.uniqueName))
}

/**
 * Reads a listed message. When its file moved since the listing (new/ → cur/, a flag change),
 * reads it where it is now; returns null when it left the Maildir.
 */
async function readCandidate(
  settings: ResolvedMaildirInboxOptions,
  listed: MaildirEntry,
): Promise<{ entry: MaildirEntry; content: MessageFileContent } | null> {
  let entry: MaildirEntry | null = listed
  for (let attempt = 0; attempt < 5 && entry !== null; attempt++) {
    try {
      const content = await readMessageFile(join(settings.directory, entry.folder, entry.fileName), settings.maxMessageBytes)
      return { entry, content }
    } catch (error) {
      const code = systemErrorCode(error)
      if (code === 'EISDIR' || code === 'ENOTREGULAR') {
        // A directory, FIFO or socket (through a symlink, say) is not a message; it must not block the mailbox.
        settings.logger.warn('maildir: skipping an entry that is not a regular file', { file: sanitizeForLog(`${entry.folder}/${entry.fileName}`) })
        return null
      }
      if (code !== 'ENOENT') throw toInboxError(error, `reading ${entry.folder}/${entry.fileName} in Maildir ${settings.directory}`)
      try {
        entry = await locateMessage(settings.directory, listed.uniqueName, settings.infoSeparator)
      } catch (locateError) {
        throw toInboxError(locateError, `listing Maildir ${settings.directory}`)
      }
    }
  }
  if (entry === null) {
    settings.logger.debug('maildir message left the mailbox before it was read', { uniqueName: sanitizeForLog(listed.uniqueName) })
    return null
  }
  // Renamed five times in a row while we tried to read it: let the next fetch try again.
  throw toInboxError(new Error(`${listed.uniqueName} kept moving while it was read`), `reading Maildir ${settings.directory}`)
}

/** `moveToCur`: new/<unique> → cur/<unique>:2, (seen by a client, no flags), as a mail client does. */
async function moveToCur(settings: ResolvedMaildirInboxOptions, entry: MaildirEntry): Promise<void> {
  const folders = maildirFolders(settings.directory)
  const target = `${entry.uniqueName}${settings.infoSeparator}2,`
  try {
    await rename(join(folders.new, entry.fileName), join(folders.cur, target))
  } catch (error) {
    // Someone else (a mail client) moved it first, or the move is not allowed: the message was
    // read, and moving it is only a courtesy to mail clients, so the fetch goes on.
    if (systemErrorCode(error) !== 'ENOENT') {
      settings.logger.warn('maildir: could not move a message to cur/', { uniqueName: sanitizeForLog(entry.uniqueName), error: errorMessage(error) })
    }
  }
}
