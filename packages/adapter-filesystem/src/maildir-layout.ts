import { mkdir, opendir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { toInboxError } from './file-system-errors.js'
import { maildirUniqueName } from './maildir-file-name.js'

/** The two Maildir subdirectories messages live in. `tmp/` holds deliveries in progress and is never read. */
export type MaildirFolder = 'new' | 'cur'

/** One message file found in a Maildir. */
export interface MaildirEntry {
  /** The part of the file name before the info separator: the message's stable identity. */
  uniqueName: string
  folder: MaildirFolder
  /** The file name as it is now (`<unique>` in `new/`, usually `<unique>:2,<flags>` in `cur/`). */
  fileName: string
}

/** `tmp/`, `new/` and `cur/` of a Maildir. */
export function maildirFolders(directory: string) {
  return { tmp: join(directory, 'tmp'), new: join(directory, 'new'), cur: join(directory, 'cur') }
}

/**
 * Makes sure `directory` is a Maildir. With `create`, makes `tmp/`, `new/` and `cur/` (and
 * the directory itself) when missing. Without, a missing `new/` or `cur/` is a permanent
 * `InboxError` naming the path.
 */
export async function ensureMaildir(directory: string, create: boolean): Promise<void> {
  const folders = maildirFolders(directory)
  try {
    if (create) {
      for (const folder of [folders.tmp, folders.new, folders.cur]) await mkdir(folder, { recursive: true, mode: 0o700 })
      return
    }
    for (const folder of [folders.new, folders.cur]) {
      const stats = await stat(folder)
      if (!stats.isDirectory()) throw Object.assign(new Error(`${folder} is not a directory`), { code: 'ENOTDIR' })
    }
  } catch (error) {
    throw toInboxError(error, `Maildir ${directory} is not usable`)
  }
}

/**
 * Lists the message files of one folder, skipping names that start with a dot (the
 * specification reserves them) and subdirectories. Streams the directory, so only the entries
 * `keep` accepts are held in memory.
 */
export async function listFolder(
  directory: string,
  folder: MaildirFolder,
  infoSeparator: string,
  keep: (uniqueName: string) => boolean,
): Promise<MaildirEntry[]> {
  const entries: MaildirEntry[] = []
  const handle = await opendir(join(directory, folder), { bufferSize: 256 })
  for await (const dirent of handle) {
    if (dirent.name.startsWith('.') || dirent.isDirectory()) continue
    const uniqueName = maildirUniqueName(dirent.name, infoSeparator)
    if (uniqueName === '' || !keep(uniqueName)) continue
    entries.push({ uniqueName, folder, fileName: dirent.name })
  }
  return entries
}

/**
 * Finds where the message with `uniqueName` is now: a mail client may have moved it from
 * `new/` to `cur/` or changed its flags (renaming `:2,S` to `:2,RS`) since it was listed.
 * Returns null when it is no longer in the Maildir (deleted, or moved to another folder).
 */
export async function locateMessage(directory: string, uniqueName: string, infoSeparator: string): Promise<MaildirEntry | null> {
  for (const folder of ['cur', 'new'] as const) {
    const [entry] = await listFolder(directory, folder, infoSeparator, (name) => name === uniqueName)
    if (entry) return entry
  }
  return null
}
