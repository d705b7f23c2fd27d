import { execFileSync } from 'node:child_process'
import { mkdir, readdir, rename, symlink, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CamError, InboxError, ValidationError, parseRawMessage, type FetchedMessage } from '@cam/core'
import { afterAll, describe, expect, it } from 'vitest'
import { createMaildirInbox, deliverToMaildir, parseMaildirCursor, type MaildirInboxOptions } from '../src/index.js'
import { collect, maildirFiles, removeTemporaryDirectories, temporaryDirectory } from './support/temporary-directory.js'

afterAll(removeTemporaryDirectories)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let sequence = 0
/** A small reply with a unique Message-ID; LF line endings, as Maildir files usually have. */
function message(label: string, extra = ''): string {
  sequence++
  return `From: Lee <lee@prospect.example>\nTo: ana@acme.example\nSubject: ${label}\nMessage-ID: <${label.replace(/\W+/g, '-')}-${sequence}@prospect.example>\n\nbody of ${label}\n${extra}`
}

/** A Maildir with `tmp/`, `new/`, `cur/`. */
async function maildir(): Promise<string> {
  const directory = await temporaryDirectory('cam-maildir-')
  for (const folder of ['tmp', 'new', 'cur']) await mkdir(join(directory, folder))
  return directory
}

/** Writes a file under an exact name, the way another delivery agent (or a mail client) would leave it. */
async function place(directory: string, folder: 'new' | 'cur' | 'tmp', fileName: string, raw: string): Promise<void> {
  await writeFile(join(directory, folder, fileName), raw)
}

const subjects = (messages: readonly FetchedMessage[]) => messages.map((item) => /^Subject: (.*)$/m.exec(new TextDecoder().decode(item.raw))?.[1])
const keys = (messages: readonly FetchedMessage[]) => messages.map((item) => item.sourceKey)
const inboxOn = (directory: string, options: Partial<MaildirInboxOptions> = {}) => createMaildirInbox({ directory, name: 'replies', ...options })

describe('Maildir inbox: restart safety', () => {
  it('a new inbox instance resumes from the stored cursor: nothing lost, nothing twice', async () => {
    const directory = await maildir()
    for (const label of ['a', 'b', 'c', 'd']) await deliverToMaildir(directory, message(label))
    // "Process 1" stores each message with its cursor, then dies after two.
    let stored: string | null = null
    const seen: FetchedMessage[] = []
    for await (const item of inboxOn(directory).fetch(null)) {
      seen.push(item)
      stored = item.cursor
      if (seen.length === 2) break
    }
    await deliverToMaildir(directory, message('e'))
    // "Process 2": a fresh instance, only the stored cursor survives.
    const resumed = await collect(inboxOn(directory).fetch(stored))
    expect(subjects([...seen, ...resumed])).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(await collect(inboxOn(directory).fetch(resumed.at(-1)!.cursor))).toEqual([])
  })

  it('a message delivered with an older timestamp than the cursor is still yielded, once', async () => {
    const directory = await maildir()
    await place(directory, 'new', '1700000100.M10P1.mx1', message('t100'))
    await place(directory, 'new', '1700000101.M500P1.mx1', message('t101'))
    await place(directory, 'new', '1700000102.M10P1.mx1', message('t102'))
    const first = await collect(inboxOn(directory).fetch(null))
    expect(subjects(first)).toEqual(['t100', 't101', 't102'])
    const cursor = first.at(-1)!.cursor

    // A slow delivery that started earlier (its name carries its start time), a second agent
    // in the same second with a lower microsecond count, and a message far older.
    await place(directory, 'new', '1700000101.M20P2.mx2', message('late same second'))
    await place(directory, 'new', '1700000050.M1P3.mx1', message('late by a minute'))
    await place(directory, 'new', '1700000103.M1P1.mx1', message('t103'))
    const late = await collect(inboxOn(directory).fetch(cursor))
    expect(subjects(late)).toEqual(['late by a minute', 'late same second', 't103'])
    // Resuming from each of those cursors yields exactly the rest.
    for (const [index, item] of late.entries()) {
      expect(keys(await collect(inboxOn(directory).fetch(item.cursor)))).toEqual(keys(late.slice(index + 1)))
    }
    expect(await collect(inboxOn(directory).fetch(late.at(-1)!.cursor))).toEqual([])
  })

  it('messages a mail client moved from new/ to cur/ (and flagged) are not yielded again', async () => {
    const directory = await maildir()
    for (const label of ['one', 'two', 'three']) await deliverToMaildir(directory, message(label))
    const first = await collect(inboxOn(directory).fetch(null))
    const cursor = first.at(-1)!.cursor
    // The client reads them: new/X → cur/X:2,S, then answers one (:2,RS).
    for (const file of await maildirFiles(directory)) await rename(join(directory, 'new', file.fileName), join(directory, 'cur', `${file.fileName}:2,S`))
    const [answered] = await maildirFiles(directory)
    await rename(join(directory, 'cur', answered!.fileName), join(directory, 'cur', `${answered!.uniqueName}:2,RS`))

    expect(await collect(inboxOn(directory).fetch(cursor))).toEqual([])
    // Same source keys as before the move: the store would recognise them.
    expect(keys(await collect(inboxOn(directory).fetch(null)))).toEqual(keys(first))
    await deliverToMaildir(directory, message('four'))
    expect(subjects(await collect(inboxOn(directory).fetch(cursor)))).toEqual(['four'])
  })

  it('a message moved or reflagged between listing and reading is read where it is now; one deleted is skipped', async () => {
    const directory = await maildir()
    const deliveries = []
    for (const label of ['first', 'moved', 'deleted', 'reflagged']) deliveries.push(await deliverToMaildir(directory, message(label)))
    await rename(deliveries[3]!.path, join(directory, 'cur', `${deliveries[3]!.uniqueName}:2,S`))
    const seen: FetchedMessage[] = []
    for await (const item of inboxOn(directory).fetch(null)) {
      seen.push(item)
      if (seen.length === 1) {
        // The listing is done; now a mail client acts.
        await rename(deliveries[1]!.path, join(directory, 'cur', `${deliveries[1]!.uniqueName}:2,S`))
        await unlink(deliveries[2]!.path)
        await rename(join(directory, 'cur', `${deliveries[3]!.uniqueName}:2,S`), join(directory, 'cur', `${deliveries[3]!.uniqueName}:2,FS`))
      }
    }
    expect(subjects(seen)).toEqual(['first', 'moved', 'reflagged'])
    expect(keys(seen)).toEqual([deliveries[0]!.uniqueName, deliveries[1]!.uniqueName, deliveries[3]!.uniqueName])
  })

  it('a future-dated file does not hide later deliveries', async () => {
    const directory = await maildir()
    const nextYear = Math.floor(Date.now() / 1000) + 365 * 24 * 3600
    await place(directory, 'new', `${nextYear}.M1P1.clock-ahead`, message('from the future'))
    const first = await collect(inboxOn(directory).fetch(null))
    expect(subjects(first)).toEqual(['from the future'])
    await deliverToMaildir(directory, message('today'))
    await deliverToMaildir(directory, message('later today'))
    expect(subjects(await collect(inboxOn(directory).fetch(first[0]!.cursor)))).toEqual(['today', 'later today'])
  })

  it('cursorCapacity bounds the cursor; a delivery older than every remembered name is below the floor', async () => {
    const directory = await maildir()
    for (let second = 10; second < 16; second++) await place(directory, 'new', `17000000${second}.M1P1.mx`, message(`t${second}`))
    const all = await collect(inboxOn(directory, { cursorCapacity: 3 }).fetch(null))
    const cursor = parseMaildirCursor(all.at(-1)!.cursor)
    expect(cursor.seen).toEqual(['1700000013.M1P1.mx', '1700000014.M1P1.mx', '1700000015.M1P1.mx'])
    expect(cursor.floor).toBe('1700000012.M1P1.mx')
    await place(directory, 'new', '1700000011.M9P1.mx', message('below the floor'))
    await place(directory, 'new', '1700000013.M9P1.mx', message('above the floor'))
    expect(subjects(await collect(inboxOn(directory, { cursorCapacity: 3 }).fetch(all.at(-1)!.cursor)))).toEqual(['above the floor'])
  })
})

describe('Maildir inbox: reading', () => {
  it('yields new/ and cur/ but never tmp/ (deliveries in progress) or dot files', async () => {
    const directory = await maildir()
    await place(directory, 'tmp', '1700000000.M1P1.mx', message('in progress'))
    await place(directory, 'new', '.1700000000.M2P1.mx', message('hidden'))
    await mkdir(join(directory, 'new', '1700000000.M3P1.dir'))
    await place(directory, 'new', '1700000001.M1P1.mx', message('in new'))
    await place(directory, 'cur', '1700000002.M1P1.mx:2,S', message('in cur'))
    expect(subjects(await collect(inboxOn(directory).fetch(null)))).toEqual(['in new', 'in cur'])
  })

  it.skipIf(process.platform === 'win32')('skips a FIFO or a symlink to a directory instead of hanging or failing', async () => {
    const directory = await maildir()
    await place(directory, 'new', '1700000001.M1P1.mx', message('before'))
    execFileSync('mkfifo', [join(directory, 'new', '1700000002.M1P1.fifo')])
    await symlink(join(directory, 'tmp'), join(directory, 'new', '1700000003.M1P1.link'))
    await place(directory, 'new', '1700000004.M1P1.mx', message('after'))
    expect(subjects(await collect(inboxOn(directory).fetch(null)))).toEqual(['before', 'after'])
  })

  it('infoSeparator: a Maildir written with "!" (mbsync on file systems without colons) keeps stable keys', async () => {
    const directory = await maildir()
    await place(directory, 'new', '1700000001.M1P1.mx', message('unread'))
    const [before] = await collect(inboxOn(directory, { infoSeparator: '!' }).fetch(null))
    await rename(join(directory, 'new', '1700000001.M1P1.mx'), join(directory, 'cur', '1700000001.M1P1.mx!2,S'))
    const [after] = await collect(inboxOn(directory, { infoSeparator: '!' }).fetch(null))
    expect(after!.sourceKey).toBe(before!.sourceKey)
    expect(await collect(inboxOn(directory, { infoSeparator: '!' }).fetch(before!.cursor))).toEqual([])
  })

  it('keeps bytes exactly as delivered (LF and CRLF files) and reports the file time as receivedAt', async () => {
    const directory = await maildir()
    const lf = 'Subject: lf\n\nline one\nline two\n'
    const crlf = 'Subject: crlf\r\n\r\nZeile eins — ü\r\n'
    const receivedAt = new Date('2026-01-07T10:30:00Z')
    await deliverToMaildir(directory, lf, { receivedAt })
    await deliverToMaildir(directory, new TextEncoder().encode(crlf))
    const [first, second] = await collect(inboxOn(directory).fetch(null))
    expect(new TextDecoder().decode(first!.raw)).toBe(lf)
    expect(new TextDecoder().decode(second!.raw)).toBe(crlf)
    expect(first!.receivedAt?.toISOString()).toBe(receivedAt.toISOString())
    expect(Math.abs(second!.receivedAt!.getTime() - Date.now())).toBeLessThan(60_000)
  })

  it('a message over maxMessageBytes yields only its header block, marked truncated', async () => {
    const directory = await maildir()
    const attachment = 'QUJD'.repeat(50_000) // ~200 KB of base64
    const big = `From: Lee <lee@prospect.example>\r\nSubject: huge attachment\r\nMessage-ID: <big@prospect.example>\r\nContent-Type: text/plain\r\n\r\n${attachment}\r\n`
    await deliverToMaildir(directory, big)
    await deliverToMaildir(directory, message('small'))
    const [huge, small] = await collect(inboxOn(directory, { maxMessageBytes: 4096 }).fetch(null))
    expect(huge!.truncated).toBe(true)
    const text = new TextDecoder().decode(huge!.raw)
    expect(text).toBe('From: Lee <lee@prospect.example>\r\nSubject: huge attachment\r\nMessage-ID: <big@prospect.example>\r\nContent-Type: text/plain\r\n\r\n')
    expect((await parseRawMessage(huge!.raw)).messageId).toBe('<big@prospect.example>')
    expect(small!.truncated).toBeUndefined()
  })

  it('a huge header block without an end is cut at a line break', async () => {
    const directory = await maildir()
    const header = Array.from({ length: 20_000 }, (_, index) => `X-Filler-${index}: ${'x'.repeat(20)}`).join('\n')
    await deliverToMaildir(directory, `Subject: endless header\n${header}`)
    const [item] = await collect(inboxOn(directory, { maxMessageBytes: 4096 }).fetch(null))
    expect(item!.truncated).toBe(true)
    expect(item!.raw.byteLength).toBeLessThanOrEqual(4096)
    expect(new TextDecoder().decode(item!.raw).endsWith('\n')).toBe(true)
  })

  it('never changes the Maildir by default; moveToCur moves each read message like a mail client', async () => {
    const directory = await maildir()
    for (const label of ['x', 'y']) await deliverToMaildir(directory, message(label))
    const before = await maildirFiles(directory)
    await collect(inboxOn(directory).fetch(null))
    expect(await maildirFiles(directory)).toEqual(before)

    const moving = inboxOn(directory, { moveToCur: true })
    const first = await collect(moving.fetch(null))
    expect(subjects(first)).toEqual(['x', 'y'])
    const after = await maildirFiles(directory)
    expect(after.map((file) => [file.folder, file.fileName])).toEqual(before.map((file) => ['cur', `${file.uniqueName}:2,`]))
    expect(await collect(moving.fetch(first.at(-1)!.cursor))).toEqual([])
    expect(keys(await collect(moving.fetch(null)))).toEqual(keys(first))
  })
})

describe('Maildir inbox: errors and options', () => {
  it('a missing Maildir is a permanent InboxError naming the path; createIfMissing creates it at the first fetch', async () => {
    const parent = await temporaryDirectory()
    const directory = join(parent, 'Maildir')
    const inbox = inboxOn(directory)
    expect(await readdir(parent)).toEqual([]) // the constructor touches nothing
    const error = await collect(inbox.fetch(null)).catch((caught: unknown) => caught)
    expect(InboxError.isInstance(error)).toBe(true)
    expect((error as InboxError).permanent).toBe(true)
    expect((error as InboxError).message).toContain(directory)
    expect((error as InboxError).message).toContain('createIfMissing')

    const creating = inboxOn(directory, { createIfMissing: true })
    expect(await readdir(parent)).toEqual([])
    expect(await collect(creating.fetch(null))).toEqual([])
    expect((await readdir(directory)).sort()).toEqual(['cur', 'new', 'tmp'])
  })

  it('a corrupt cursor is a ValidationError, not a restart from the beginning', async () => {
    const directory = await maildir()
    await deliverToMaildir(directory, message('a'))
    await expect(collect(inboxOn(directory).fetch('{"v":1,"floor":null}'))).rejects.toSatisfy((error) => ValidationError.isInstance(error))
  })

  it('invalid options are reported together, each naming its field', () => {
    try {
      createMaildirInbox({ directory: '', cursorCapacity: 0, maxMessageBytes: 10, infoSeparator: 'ab', watch: { pollIntervalMs: -1 }, moveToCur: 'yes' } as never)
      expect.unreachable()
    } catch (error) {
      expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
      expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual(
        ['cursorCapacity', 'directory', 'infoSeparator', 'maxMessageBytes', 'moveToCur', 'watch.pollIntervalMs'].sort(),
      )
    }
  })

  it('defaults its name to maildir:<absolute path>', () => {
    expect(createMaildirInbox({ directory: '/var/mail/acme/Maildir' }).name).toBe('maildir:/var/mail/acme/Maildir')
  })
})

describe('Maildir inbox: watch', () => {
  const waitFor = async (condition: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    while (!condition() && Date.now() < deadline) await sleep(10)
    return condition()
  }

  for (const polling of [false, true]) {
    it(`${polling ? 'polling' : 'fs.watch'}: fires on delivery, not when a mail client moves or flags a message`, async () => {
      const directory = await maildir()
      const delivered = await deliverToMaildir(directory, message('already there'))
      const inbox = inboxOn(directory, { watch: { polling, pollIntervalMs: 20 } })
      let calls = 0
      const errors: unknown[] = []
      const watch = await inbox.watch({ onNewMail: () => void calls++, onError: (error) => void errors.push(error) })
      try {
        await rename(delivered.path, join(directory, 'cur', `${delivered.uniqueName}:2,S`))
        await sleep(200)
        expect(calls).toBe(0)
        await rename(join(directory, 'cur', `${delivered.uniqueName}:2,S`), join(directory, 'cur', `${delivered.uniqueName}:2,RS`))
        await sleep(200)
        expect(calls).toBe(0)
        await deliverToMaildir(directory, message('new one'))
        expect(await waitFor(() => calls > 0, 20_000)).toBe(true)
      } finally {
        await inbox.close()
      }
      const atClose = calls
      await deliverToMaildir(directory, message('after close'))
      await sleep(200)
      expect(calls).toBe(atClose)
      expect(errors).toEqual([])
      void watch
    })
  }

  it('polling reports a message placed straight into cur/ (a sync tool such as mbsync)', async () => {
    const directory = await maildir()
    const inbox = inboxOn(directory, { watch: { polling: true, pollIntervalMs: 20 } })
    let calls = 0
    await inbox.watch({ onNewMail: () => void calls++ })
    try {
      await place(directory, 'cur', '1700000000.M1P1.sync:2,S', message('synced'))
      expect(await waitFor(() => calls > 0, 20_000)).toBe(true)
    } finally {
      await inbox.close()
    }
  })

  it('watch on a missing Maildir fails with a permanent InboxError', async () => {
    const parent = await temporaryDirectory()
    const error = await inboxOn(join(parent, 'nope')).watch({ onNewMail: () => undefined }).catch((caught: unknown) => caught)
    expect(InboxError.isInstance(error) && error.permanent).toBe(true)
  })

  it('touching a file (mtime change) in new/ is not new mail for fs.watch', async () => {
    const directory = await maildir()
    const delivered = await deliverToMaildir(directory, message('touched'))
    const inbox = inboxOn(directory)
    let calls = 0
    await inbox.watch({ onNewMail: () => void calls++ })
    try {
      await utimes(delivered.path, new Date(), new Date())
      await sleep(200)
      expect(calls).toBe(0)
    } finally {
      await inbox.close()
    }
  })
})
