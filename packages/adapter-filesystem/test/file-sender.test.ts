import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ValidationError } from '@cam/core';
import { CamError } from '@cam/core'
import { createManualClock } from '@cam/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { createFileSender, emailFileName } from '../src/index.js'
import { allFiles, emlFiles, parsedOutbox } from './support/outbox.js'
import { largeEmail, sampleOutgoingEmail } from './support/sample-email.js'
import { removeTemporaryDirectories, temporaryDirectory } from './support/temporary-directory.js'
import { sendError } from './support/send-error.js'

afterAll(removeTemporaryDirectories)

describe('file sender: idempotency', () => {
  it('the same key twice writes one file; the repeat returns the same providerId and keeps the first file', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const clock = createManualClock(new Date('2026-03-02T09:00:00Z'))
    const sender = createFileSender({ directory, clock })
    const first = await sender.send(sampleOutgoingEmail(), { idempotencyKey: 'cam-email-1' })
    clock.advance(3_600_000)
    const second = await sender.send(sampleOutgoingEmail({ subject: 'changed in between' }), { idempotencyKey: 'cam-email-1' })
    expect(second).toEqual(first)
    expect(first.providerId).toBe(emailFileName('cam-email-1'))
    expect(await allFiles(directory)).toEqual([first.providerId])
    const [file] = await parsedOutbox(directory)
    expect(file!.parsed.subject).toBe('Quick question')
    expect(file!.parsed.date?.toISOString()).toBe('2026-03-02T09:00:00.000Z')
  })

  it('file names are derived from the key: readable, distinct for keys that clean up alike', () => {
    expect(emailFileName('cam-email-0193a')).toMatch(/^cam-email-0193a-[0-9a-f]{16}\.eml$/)
    expect(emailFileName('a/b')).not.toBe(emailFileName('a:b'))
    expect(emailFileName('../../etc/passwd')).toMatch(/^etc_passwd-[0-9a-f]{16}\.eml$/)
    expect(emailFileName('...')).toMatch(/^email-[0-9a-f]{16}\.eml$/)
    expect(emailFileName('x'.repeat(500)).length).toBeLessThan(120)
  })

  it('a sender process killed at any moment leaves no partial .eml, and the retry leaves exactly one complete file', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const childScript = fileURLToPath(new URL('./support/send-in-child.ts', import.meta.url))
    const tsx = createRequire(import.meta.url).resolve('tsx')
    const rounds = 8
    const bodyBytes = 2 * 1024 * 1024
    /** Runs one child that sends `key` and is killed `killAfterMs` after it says it is about to send. */
    const sendAndKill = (key: string, killAfterMs: number) =>
      new Promise<boolean>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', tsx, childScript, directory, key, String(bodyBytes)], { stdio: ['ignore', 'pipe', 'pipe'] })
        let output = ''
        let stderr = ''
        child.stderr.on('data', (chunk) => void (stderr += String(chunk)))
        child.stdout.on('data', (chunk) => {
          output += String(chunk)
          if (output.startsWith('ready') && !child.killed) setTimeout(() => child.kill('SIGKILL'), killAfterMs)
        })
        child.on('error', reject)
        child.on('exit', (code, signal) => {
          if (signal === null && code !== 0) reject(new Error(`child failed: ${stderr}`))
          else resolve(output.includes('sent'))
        })
      })
    // Eight processes at once (a child takes a while to start), each killed at a different moment.
    const finished = await Promise.all(Array.from({ length: rounds }, (_, round) => sendAndKill(`cam-email-crash-${round}`, (round * 13) % 150)))
    const killedBeforeFinishing = finished.filter((done) => !done).length
    // Whatever state the crashes left, no .eml is half-written: each is a complete message.
    for (const { parsed, fileName } of await parsedOutbox(directory)) {
      expect(parsed.text.trimEnd().endsWith(`END OF ${parsed.subject.replace('Large ', '')}`), `${fileName} is complete`).toBe(true)
    }
    // The worker retries each in-doubt send with the same key.
    for (let round = 0; round < rounds; round++) {
      const key = `cam-email-crash-${round}`
      const retried = await createFileSender({ directory }).send(largeEmail(key, bodyBytes), { idempotencyKey: key })
      expect(retried.providerId).toBe(emailFileName(key))
    }
    expect(killedBeforeFinishing).toBeGreaterThan(0) // the test really interrupted sends
    const files = await parsedOutbox(directory)
    expect(files.map((file) => file.fileName).sort()).toEqual(Array.from({ length: rounds }, (_, round) => emailFileName(`cam-email-crash-${round}`)).sort())
    for (const { parsed } of files) {
      const key = parsed.subject.replace('Large ', '')
      expect(parsed.text.trimEnd().endsWith(`END OF ${key}`)).toBe(true)
    }
  }, 120_000)

  it('no temporary files are left behind by successful sends', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const sender = createFileSender({ directory })
    await Promise.all(Array.from({ length: 10 }, (_, index) => sender.send(sampleOutgoingEmail({ messageId: `<m${index}@acme.example>` }), { idempotencyKey: `k${index % 5}` })))
    expect((await allFiles(directory)).every((name) => name.endsWith('.eml') && !name.startsWith('.'))).toBe(true)
    expect(await emlFiles(directory)).toHaveLength(5)
  })
})

describe('file sender: the message', () => {
  it('is a complete RFC 5322 message: threading, custom headers, multipart/alternative, encoded non-ASCII', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const clock = createManualClock(new Date('2026-01-05T08:15:00Z'))
    const email = sampleOutgoingEmail({
      from: { email: 'ana@acme.example', name: 'Ana Müller' },
      to: { email: 'jose@prospect.example', name: 'José Núñez' },
      replyTo: 'replies@acme.example',
      subject: 'Re: Grüße aus Köln — kurze Frage',
      text: 'Hallo José,\n\nnur eine kurze Nachfrage ✓\n',
      html: '<p>Hallo José,</p><p>nur eine kurze Nachfrage ✓</p>',
      messageId: '<cam-2@acme.example>',
      inReplyTo: '<cam-1@acme.example>',
      references: ['<cam-0@acme.example>', '<cam-1@acme.example>'],
      headers: { 'List-Unsubscribe': '<https://acme.example/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    })
    await createFileSender({ directory, clock }).send(email, { idempotencyKey: 'k' })
    const [{ raw, parsed }] = (await parsedOutbox(directory)) as [Awaited<ReturnType<typeof parsedOutbox>>[number]]
    expect(parsed.problems).toEqual([])
    expect(parsed.from).toEqual({ name: 'Ana Müller', address: 'ana@acme.example' })
    expect(parsed.to).toEqual([{ name: 'José Núñez', address: 'jose@prospect.example' }])
    expect(parsed.replyTo.map((address) => address.address)).toEqual(['replies@acme.example'])
    expect(parsed.subject).toBe('Re: Grüße aus Köln — kurze Frage')
    expect(parsed.messageId).toBe('<cam-2@acme.example>')
    expect(parsed.inReplyTo).toBe('<cam-1@acme.example>')
    expect(parsed.references).toEqual(['<cam-0@acme.example>', '<cam-1@acme.example>'])
    expect(parsed.date?.toISOString()).toBe('2026-01-05T08:15:00.000Z')
    expect(parsed.headers['list-unsubscribe']).toBe('<https://acme.example/u/abc>')
    expect(parsed.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    expect(parsed.text).toBe('Hallo José,\n\nnur eine kurze Nachfrage ✓\n')
    expect(parsed.html).toBe('<p>Hallo José,</p><p>nur eine kurze Nachfrage ✓</p>')
    // On the wire: 7-bit headers, CRLF line endings, one alternative part each.
    const header = raw.slice(0, raw.indexOf('\r\n\r\n'))
    expect(header).toMatch(/^Content-Type: multipart\/alternative;/m)
    expect(/^[\x20-\x7e\r\n\t]*$/.test(header)).toBe(true)
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    expect(raw.match(/^Content-Type: text\/(plain|html)/gm)).toEqual(['Content-Type: text/plain', 'Content-Type: text/html'])
  })

  it('a text-only email is a single text/plain part without In-Reply-To or References', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    await createFileSender({ directory }).send(sampleOutgoingEmail(), { idempotencyKey: 'k' })
    const [{ raw, parsed }] = (await parsedOutbox(directory)) as [Awaited<ReturnType<typeof parsedOutbox>>[number]]
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m)
    expect(raw).not.toMatch(/multipart/)
    expect(parsed.headers['in-reply-to']).toBeUndefined()
    expect(parsed.headers['references']).toBeUndefined()
    expect(parsed.text).toBe('Hi Lee,\n\nquick question.\n')
  })
})

describe('file sender: header injection', () => {
  it('line breaks in the subject and display names cannot add headers or recipients', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    await createFileSender({ directory }).send(
      sampleOutgoingEmail({
        subject: 'Hello\r\nBcc: attacker@evil.example\r\nX-Injected: yes',
        from: { email: 'ana@acme.example', name: 'Ana\nBcc: attacker2@evil.example' },
        to: { email: 'lee@prospect.example', name: 'Lee", attacker3@evil.example, "x <attacker4@evil.example>\r\nCc: attacker5@evil.example' },
      }),
      { idempotencyKey: 'k' },
    )
    const [{ raw, parsed }] = (await parsedOutbox(directory)) as [Awaited<ReturnType<typeof parsedOutbox>>[number]]
    const headerNames = Object.keys(parsed.headers)
    expect(headerNames).not.toContain('bcc')
    expect(headerNames).not.toContain('cc')
    expect(headerNames).not.toContain('x-injected')
    expect(parsed.to.map((address) => address.address)).toEqual(['lee@prospect.example'])
    expect(parsed.cc).toEqual([])
    expect(parsed.from?.address).toBe('ana@acme.example')
    expect(parsed.subject).toBe('Hello Bcc: attacker@evil.example X-Injected: yes')
    expect(raw).not.toMatch(/^(Bcc|Cc|X-Injected):/im)
  })

  it('refuses custom headers that could inject: CR/LF in a value, a bad name, or a header the email itself sets', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const sender = createFileSender({ directory })
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'List-Unsubscribe': '<https://a.example>\r\nBcc: attacker@evil.example' }, 'headers.List-Unsubscribe'],
      [{ 'X-Bad: y\r\nBcc': 'attacker@evil.example' }, 'headers.X-Bad: y??Bcc'],
      [{ Bcc: 'attacker@evil.example' }, 'headers.Bcc'],
      [{ 'Message-ID': '<other@evil.example>' }, 'headers.Message-ID'],
    ]
    for (const [headers, field] of cases) {
      const error = await sendError(sender.send(sampleOutgoingEmail({ headers }), { idempotencyKey: `k-${field}` }))
      expect(error.kind).toBe('permanent')
      expect(error.field).toBe(field)
    }
    expect(await allFiles(directory)).toEqual([])
  })

  it('refuses invalid addresses and message ids as permanent errors naming the field', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const sender = createFileSender({ directory })
    const cases: Array<[Parameters<typeof sampleOutgoingEmail>[0], string]> = [
      [{ to: { email: 'lee@prospect.example>\r\nBcc: x@evil.example' } }, 'to'],
      [{ from: { email: 'not an address' } }, 'from'],
      [{ replyTo: 'nope' }, 'replyTo'],
      [{ messageId: '<a@b>\r\nBcc: x@evil.example' }, 'messageId'],
      [{ inReplyTo: 'no-brackets@b' }, 'inReplyTo'],
      [{ references: ['<ok@b>', 'bad'] }, 'references.1'],
    ]
    for (const [overrides, field] of cases) {
      const error = await sendError(sender.send(sampleOutgoingEmail(overrides), { idempotencyKey: `k-${field}` }))
      expect(error.kind).toBe('permanent')
      expect(error.field).toBe(field)
      expect(error.message).toContain(field)
    }
    expect((await sendError(sender.send(sampleOutgoingEmail(), { idempotencyKey: '' }))).field).toBe('idempotencyKey')
    expect(await allFiles(directory)).toEqual([])
  })
})

describe('file sender: directory and options', () => {
  it('a missing directory is a permanent error naming it; createIfMissing creates it at the first send', async () => {
    const parent = await temporaryDirectory()
    const directory = join(parent, 'outbox')
    const error = await sendError(createFileSender({ directory }).send(sampleOutgoingEmail(), { idempotencyKey: 'k' }))
    expect(error.kind).toBe('permanent')
    expect(error.field).toBe('directory')
    expect(error.message).toContain(directory)
    const sender = createFileSender({ directory, createIfMissing: true })
    expect(await allFiles(parent)).toEqual([]) // nothing happens in the constructor
    await sender.send(sampleOutgoingEmail(), { idempotencyKey: 'k' })
    expect(await emlFiles(directory)).toEqual([emailFileName('k')])
  })

  it('a path that is a file, not a directory, is a permanent error', async () => {
    const parent = await temporaryDirectory()
    const file = join(parent, 'not-a-directory')
    await writeFile(file, 'x')
    const error = await sendError(createFileSender({ directory: file }).send(sampleOutgoingEmail(), { idempotencyKey: 'k' }))
    expect(error.kind).toBe('permanent')
    expect(await readFile(file, 'utf8')).toBe('x')
  })

  it('an aborted send writes nothing and is retryable', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const controller = new AbortController()
    controller.abort()
    const error = await sendError(createFileSender({ directory }).send(sampleOutgoingEmail(), { idempotencyKey: 'k', signal: controller.signal }))
    expect(error.kind).toBe('retryable')
    expect(await allFiles(directory)).toEqual([])
  })

  it('invalid options are reported together, each naming its field', () => {
    try {
      createFileSender({ directory: '  ', name: '', createIfMissing: 1, fsync: 'no', clock: {} } as never)
      expect.unreachable()
    } catch (error) {
      expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
      expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual(['clock', 'createIfMissing', 'directory', 'fsync', 'name'])
    }
  })

  it('declares its name and idempotence', async () => {
    const sender = createFileSender({ directory: await temporaryDirectory(), name: 'outbox' })
    expect(sender.name).toBe('outbox')
    expect(sender.idempotent).toBe(true)
  })
})
