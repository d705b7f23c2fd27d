import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseRawMessage, type ParsedMessage } from '@cam/core'
import type { ReceivedEmail } from '@cam/core/testing'

/** The `.eml` files of a pickup directory (dot-files — writes in progress — excluded), oldest first. */
export async function emlFiles(directory: string): Promise<string[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.eml') && !name.startsWith('.'))
  const withTimes = await Promise.all(names.map(async (name) => ({ name, time: (await stat(join(directory, name))).mtimeMs })))
  return withTimes.sort((left, right) => left.time - right.time || (left.name < right.name ? -1 : 1)).map((entry) => entry.name)
}

/** Every file in the directory, dot-files included (to check that nothing is left behind). */
export async function allFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).sort()
}

/** Parses every `.eml` file of a pickup directory with CAM's own MIME parser. */
export async function parsedOutbox(directory: string): Promise<Array<{ fileName: string; raw: string; parsed: ParsedMessage }>> {
  const result = []
  for (const fileName of await emlFiles(directory)) {
    const raw = await readFile(join(directory, fileName))
    result.push({ fileName, raw: raw.toString('utf8'), parsed: await parseRawMessage(raw) })
  }
  return result
}

/** What the sender conformance suite compares: each `.eml` file as a mail client would read it. */
export async function receivedEmails(directory: string): Promise<ReceivedEmail[]> {
  return (await parsedOutbox(directory)).map(({ parsed }) => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(parsed.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value
    return {
      from: parsed.from?.address ?? '',
      to: [...parsed.to, ...parsed.cc].map((address) => address.address),
      subject: parsed.subject,
      text: parsed.text === '' ? undefined : parsed.text,
      html: parsed.html ?? undefined,
      headers,
    }
  })
}
