import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compareUniqueNames, maildirUniqueName } from '../../src/maildir-file-name.js'

const created: string[] = []

/** A fresh directory under the OS temp directory; {@link removeTemporaryDirectories} deletes them. */
export async function temporaryDirectory(prefix = 'cam-fs-'): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix))
  created.push(directory)
  return directory
}

/** Deletes every directory made by {@link temporaryDirectory} (call in `afterEach`/`afterAll`). */
export async function removeTemporaryDirectories(): Promise<void> {
  await Promise.all(created.splice(0).map((directory) => rm(directory, { recursive: true, force: true })))
}

/** IMAP flag names of the Maildir info letters (https://cr.yp.to/proto/maildir.html). */
const flagNames: Record<string, string> = { D: '\\Draft', F: '\\Flagged', P: '$Forwarded', R: '\\Answered', S: '\\Seen', T: '\\Deleted' }

/** Every message file of a Maildir (`new/` and `cur/`), in delivery order, with its folder and flags. */
export async function maildirFiles(directory: string): Promise<Array<{ folder: 'new' | 'cur'; fileName: string; uniqueName: string; flags: string[] }>> {
  const files = []
  for (const folder of ['new', 'cur'] as const) {
    for (const fileName of await readdir(join(directory, folder))) {
      if (fileName.startsWith('.')) continue
      const info = fileName.includes(':2,') ? fileName.slice(fileName.indexOf(':2,') + 3) : ''
      files.push({ folder, fileName, uniqueName: maildirUniqueName(fileName), flags: [...info].map((letter) => flagNames[letter] ?? letter) })
    }
  }
  return files.sort((left, right) => compareUniqueNames(left.uniqueName, right.uniqueName))
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}
