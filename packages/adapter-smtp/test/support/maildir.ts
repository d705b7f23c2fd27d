/**
 * Maildir delivery and reading, the way a local delivery agent and a mail client see a mailbox
 * that Dovecot serves: a message is written into `tmp/`, then renamed into `new/`, so that a
 * reader never sees half of it (the Maildir protocol); Dovecot moves it to `cur/` once a client
 * has looked. Files belong to the Maildir's owner (`nobody` when the tests run as root).
 */
import { chownSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

let deliveries = 0

function countBareLineFeeds(bytes: Uint8Array): number {
  let count = 0
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index] === 0x0a && (index === 0 || bytes[index - 1] !== 0x0d)) count++
  }
  return count
}

/**
 * Delivers one message into the Maildir (its `INBOX`): `tmp/` then `new/`, named like
 * Dovecot's own delivery agents name files (unique, with `S=` and `W=` sizes). Returns the file
 * name.
 */
export function deliverToMaildir(maildir: string, raw: Uint8Array): string {
  const owner = statSync(maildir)
  deliveries++
  const stamp = Math.floor(Date.now() / 1000)
  const host = hostname().replace(/[/:]/g, '_') || 'localhost'
  const name = `${stamp}.M${String(deliveries).padStart(9, '0')}P${process.pid}.${host},S=${raw.length},W=${raw.length + countBareLineFeeds(raw)}`
  const tmpPath = join(maildir, 'tmp', name)
  writeFileSync(tmpPath, raw, { mode: 0o600 })
  if (process.getuid?.() === 0) chownSync(tmpPath, owner.uid, owner.gid)
  renameSync(tmpPath, join(maildir, 'new', name))
  return name
}

/** Every message of the Maildir's `INBOX` (`new/` and `cur/`), in the order they were delivered. */
export function readMaildir(maildir: string): Buffer[] {
  const files: Array<{ key: string; path: string }> = []
  for (const sub of ['new', 'cur']) {
    const folder = join(maildir, sub)
    if (!existsSync(folder)) continue
    for (const name of readdirSync(folder)) {
      // Dovecot appends `:2,<flags>` when it moves a file to cur/; the part before names the delivery.
      files.push({ key: name.split(':')[0]!, path: join(folder, name) })
    }
  }
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((file) => readFileSync(file.path))
}
