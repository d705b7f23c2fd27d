/**
 * Benchmark of @cam/adapter-filesystem: `pnpm --filter @cam/adapter-filesystem bench`.
 *
 * - Maildir fetch throughput over a 10,000-message Maildir, with the default cursor (1,000
 *   names, so each yielded cursor is ~60 KB of JSON) and a small one, and the memory it holds;
 * - the worker's way: pages of 100 from the stored cursor, and a fetch with nothing new;
 * - `fs.watch` latency from `deliverToMaildir` to `onNewMail`;
 * - file sender throughput (with and without fsync).
 *
 * Environment: BENCH_MESSAGES (default 10000).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OutgoingEmail } from '@cam/core'
import { createFileSender, createMaildirInbox, deliverToMaildir } from '../src/index.js'

const messageCount = Number(process.env.BENCH_MESSAGES ?? 10_000)
const mib = 1024 * 1024

function message(index: number): string {
  const body = `Thanks for reaching out, message ${index}. `.repeat(90) // ~4 KB
  return `From: Lee <lee${index}@prospect.example>\r\nTo: ana@acme.example\r\nSubject: Re: quick question ${index}\r\nMessage-ID: <bench-${index}@prospect.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

async function measureFetch(directory: string, label: string, cursorCapacity?: number): Promise<void> {
  const inbox = createMaildirInbox({ directory, ...(cursorCapacity ? { cursorCapacity } : {}) })
  globalThis.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  let peakHeap = heapBefore
  let bytes = 0
  let count = 0
  let cursorBytes = 0
  const started = performance.now()
  for await (const item of inbox.fetch(null)) {
    bytes += item.raw.byteLength
    cursorBytes = item.cursor.length
    if (++count % 500 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  }
  const seconds = (performance.now() - started) / 1000
  console.log(
    JSON.stringify({
      benchmark: `maildir fetch(null), ${label}`,
      messages: count,
      seconds: round(seconds, 2),
      messagesPerSecond: Math.round(count / seconds),
      mebibytesPerSecond: round(bytes / mib / seconds),
      lastCursorBytes: cursorBytes,
      peakHeapGrowthMiB: round((peakHeap - heapBefore) / mib),
    }),
  )
}

async function measurePages(directory: string): Promise<void> {
  const inbox = createMaildirInbox({ directory })
  let cursor: string | null = null
  let pages = 0
  const started = performance.now()
  for (;;) {
    let got = 0
    for await (const item of inbox.fetch(cursor, { limit: 100 })) {
      cursor = item.cursor
      got++
    }
    if (got === 0) break
    pages++
  }
  const seconds = (performance.now() - started) / 1000
  const idleStarted = performance.now()
  for await (const _ of inbox.fetch(cursor)) throw new Error('nothing should be new')
  const idleMs = performance.now() - idleStarted
  console.log(
    JSON.stringify({
      benchmark: 'maildir worker-style pages of 100 from the stored cursor',
      pages,
      seconds: round(seconds, 2),
      messagesPerSecond: Math.round(messageCount / seconds),
      fetchWithNothingNewMs: round(idleMs),
    }),
  )
}

async function measureWatch(directory: string): Promise<void> {
  const inbox = createMaildirInbox({ directory })
  let resolveNext: (() => void) | null = null
  let calls = 0
  const watch = await inbox.watch({
    onNewMail: () => {
      calls++
      resolveNext?.()
      resolveNext = null
    },
  })
  const latencies: number[] = []
  for (let index = 0; index < 50; index++) {
    const notified = new Promise<void>((resolve) => (resolveNext = resolve))
    const started = performance.now()
    await deliverToMaildir(directory, message(index), { fsync: false })
    await notified
    latencies.push(performance.now() - started)
  }
  await watch.stop()
  latencies.sort((left, right) => left - right)
  console.log(
    JSON.stringify({
      benchmark: 'fs.watch latency, deliverToMaildir → onNewMail (includes the delivery)',
      deliveries: latencies.length,
      onNewMailCalls: calls,
      medianMs: round(latencies[Math.floor(latencies.length / 2)]!, 2),
      p95Ms: round(latencies[Math.floor(latencies.length * 0.95)]!, 2),
    }),
  )
}

async function measureSender(root: string, fsync: boolean): Promise<void> {
  const directory = join(root, `outbox-${fsync ? 'fsync' : 'nofsync'}`)
  const sender = createFileSender({ directory, createIfMissing: true, fsync })
  const count = 1_000
  const started = performance.now()
  for (let index = 0; index < count; index++) {
    const email: OutgoingEmail = {
      from: { email: 'ana@acme.example', name: 'Ana Müller' },
      to: { email: `lead${index}@prospect.example`, name: `Lead ${index}` },
      subject: `Quick question ${index}`,
      text: 'Hi,\n\ndoes this help? ✓\n'.repeat(20),
      html: '<p>Hi,</p><p>does this help? ✓</p>'.repeat(20),
      messageId: `<cam-${index}@acme.example>`,
      references: [],
      headers: { 'List-Unsubscribe': `<https://acme.example/u/${index}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      tags: { campaignId: 'c', leadId: `l${index}`, emailId: `e${index}`, stepIndex: 0 },
    }
    await sender.send(email, { idempotencyKey: `cam-email-${index}` })
  }
  const seconds = (performance.now() - started) / 1000
  console.log(JSON.stringify({ benchmark: `file sender, fsync ${fsync ? 'on' : 'off'}`, emails: count, seconds: round(seconds, 2), emailsPerSecond: Math.round(count / seconds) }))
}

const root = await mkdtemp(join(tmpdir(), 'cam-fs-bench-'))
try {
  const maildir = join(root, 'Maildir')
  const started = performance.now()
  await deliverToMaildir(maildir, message(0), { createIfMissing: true, fsync: false })
  for (let index = 1; index < messageCount; index++) await deliverToMaildir(maildir, message(index), { fsync: false })
  console.log(JSON.stringify({ benchmark: 'deliverToMaildir (fsync off)', messages: messageCount, messagesPerSecond: Math.round(messageCount / ((performance.now() - started) / 1000)) }))
  await measureFetch(maildir, 'default cursor (1,000 names)')
  await measureFetch(maildir, 'cursorCapacity 50', 50)
  await measurePages(maildir)
  await measureWatch(join(root, 'Maildir'))
  await measureSender(root, true)
  await measureSender(root, false)
  console.log(JSON.stringify({ rssMiB: round(process.memoryUsage().rss / mib) }))
} finally {
  await rm(root, { recursive: true, force: true })
}
