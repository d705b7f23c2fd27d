/**
 * `pnpm bench` — throughput, memory and push latency of @cam/adapter-imap against a real,
 * local Dovecot (started by the test harness; nothing leaves 127.0.0.1).
 *
 * 1. Ingest 5,000 mixed-size messages, each variant in a fresh child process (clean RSS):
 *    - bare-fetch:        a bare imapflow loop (`FETCH 1:* BODY.PEEK[]`), the reference;
 *    - adapter-fetch:     `inbox.fetch(null)` of this adapter, same work;
 *    - bare-pipeline:     bare imapflow loop → memory store → `parseRawMessage`;
 *    - adapter-pipeline:  adapter → memory store (message + cursor) → `parseRawMessage`,
 *                         i.e. what the worker's poll step does, plus parsing.
 *    Rounds alternate the order; the median is reported.
 * 2. Reply-to-`message:received` latency with IDLE: a running `createCamWorker` (memory
 *    store, interval 60 s, so only IDLE can wake it); replies appended one by one.
 *
 * Environment: BENCH_MESSAGES (default 5000), BENCH_ROUNDS (default 3), BENCH_REPLIES (default 40).
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ImapFlow } from 'imapflow'
import { createCamWorker, parseRawMessage, type InboxV1 } from '@cam/core'
import { createMemoryStore } from '@cam/core/testing'
import { createImapInbox } from '../src/index.js'
import { startDovecot } from '../test/support/dovecot-server.js'
import { buildMessage, messageIdOf, uniqueMessageId, waitUntil } from '../test/support/test-mail.js'
import { benchMessage } from './bench-messages.js'

type Variant = 'bare-fetch' | 'adapter-fetch' | 'bare-pipeline' | 'adapter-pipeline'
const variants: Variant[] = ['bare-fetch', 'adapter-fetch', 'bare-pipeline', 'adapter-pipeline']
/** Fetch-only runs with a full GC every 250 messages: what memory is really *retained*. */
type MemoryVariant = 'bare-fetch' | 'adapter-fetch'

interface Connection {
  port: number
  user: string
  password: string
}

interface ChildResult {
  variant: Variant
  messages: number
  bytes: number
  seconds: number
  messagesPerSecond: number
  peakRssMb: number
  /** Only with `measureRetained`: peak of heapUsed + arrayBuffers right after a full GC. */
  peakRetainedMb?: number
}

const here = dirname(fileURLToPath(import.meta.url))

// ── child: one measured run ─────────────────────────────────────────────────────────────

async function runChild(variant: Variant, connection: Connection, measureRetained: boolean): Promise<ChildResult> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (measureRetained && !gc) throw new Error('measuring retained memory needs --expose-gc')
  let peakRetained = 0
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 10)
  const store = createMemoryStore()
  const pipeline = variant.endsWith('pipeline')
  let messages = 0
  let bytes = 0
  const started = performance.now()

  const consume = async (sourceKey: string, raw: Uint8Array, cursor: string, receivedAt: Date | undefined) => {
    messages++
    bytes += raw.byteLength
    if (measureRetained && messages % 250 === 0) {
      gc!()
      const usage = process.memoryUsage()
      peakRetained = Math.max(peakRetained, usage.heapUsed + usage.arrayBuffers)
    }
    if (!pipeline) return
    await store.saveInboundMessage({
      inbox: 'bench',
      sourceKey,
      messageId: messageIdOf(raw),
      raw,
      truncated: false,
      receivedAt: receivedAt ?? new Date(),
      cursor,
    })
    await parseRawMessage(raw)
  }

  if (variant.startsWith('bare')) {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: connection.port,
      secure: false,
      auth: { user: connection.user, pass: connection.password },
      logger: false,
      disableAutoIdle: true,
    })
    client.on('error', () => {})
    await client.connect()
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true })
    for await (const message of client.fetch('1:*', { uid: true, source: true, internalDate: true }, { uid: true })) {
      const receivedAt = message.internalDate === undefined ? undefined : new Date(message.internalDate)
      await consume(`INBOX:${mailbox.uidValidity}:${message.uid}`, message.source!, String(message.uid), receivedAt)
    }
    await client.logout()
  } else {
    const inbox = createImapInbox({
      host: '127.0.0.1',
      port: connection.port,
      secure: false,
      auth: { user: connection.user, pass: connection.password },
    })
    for await (const message of inbox.fetch(null)) await consume(message.sourceKey, message.raw, message.cursor, message.receivedAt)
    await inbox.close()
  }

  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  return {
    variant,
    messages,
    bytes,
    seconds,
    messagesPerSecond: messages / seconds,
    peakRssMb: peakRss / 1024 / 1024,
    ...(measureRetained ? { peakRetainedMb: peakRetained / 1024 / 1024 } : {}),
  }
}

async function spawnChild(variant: Variant, connection: Connection, measureRetained = false): Promise<ChildResult> {
  const script = fileURLToPath(import.meta.url)
  return await new Promise((resolve, reject) => {
    const flags = measureRetained ? ['--expose-gc'] : []
    const child = spawn(process.execPath, [...process.execArgv, ...flags, script, '--child', variant, JSON.stringify(connection), String(measureRetained)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? ''
      if (code !== 0) reject(new Error(`${variant} exited with ${code}: ${output}`))
      else resolve(JSON.parse(line) as ChildResult)
    })
  })
}

// ── main ───────────────────────────────────────────────────────────────────────────────

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits

async function main(): Promise<void> {
  const messageCount = Number(process.env.BENCH_MESSAGES ?? 5_000)
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const replies = Number(process.env.BENCH_REPLIES ?? 40)

  const server = await startDovecot()
  try {
    let mailboxBytes = 0
    server.deliverToMaildir(
      (function* () {
        for (let index = 0; index < messageCount; index++) {
          const raw = benchMessage(index)
          mailboxBytes += Buffer.byteLength(raw)
          yield raw
        }
      })(),
    )
    const connection: Connection = { port: server.port, user: server.user, password: server.password }
    console.log(`mailbox: ${messageCount} messages, ${round(mailboxBytes / 1024 / 1024, 1)} MiB (Dovecot maildir on 127.0.0.1:${server.port})`)

    // Warm-up: Dovecot indexes the new maildir files and the page cache fills once, untimed.
    await spawnChild('bare-fetch', connection)

    const results = new Map<Variant, ChildResult[]>(variants.map((variant) => [variant, []]))
    for (let index = 0; index < rounds; index++) {
      const order = index % 2 === 0 ? variants : [...variants].reverse()
      for (const variant of order) {
        const result = await spawnChild(variant, connection)
        if (result.messages !== messageCount) throw new Error(`${variant} read ${result.messages} of ${messageCount} messages`)
        results.get(variant)!.push(result)
        console.log(`  round ${index + 1} ${variant.padEnd(17)} ${round(result.messagesPerSecond).toString().padStart(6)} msg/s  ${round(result.seconds, 2)} s  peak RSS ${round(result.peakRssMb)} MiB`)
      }
    }
    const summary = Object.fromEntries(
      variants.map((variant) => {
        const runs = results.get(variant)!
        return [variant, { messagesPerSecond: round(median(runs.map((run) => run.messagesPerSecond))), peakRssMb: round(median(runs.map((run) => run.peakRssMb))) }]
      }),
    ) as Record<Variant, { messagesPerSecond: number; peakRssMb: number }>
    const fetchRatio = summary['adapter-fetch'].messagesPerSecond / summary['bare-fetch'].messagesPerSecond
    const pipelineRatio = summary['adapter-pipeline'].messagesPerSecond / summary['bare-pipeline'].messagesPerSecond
    const pipelineVersusBareFetch = summary['adapter-pipeline'].messagesPerSecond / summary['bare-fetch'].messagesPerSecond

    const retained: Record<MemoryVariant, number> = { 'bare-fetch': 0, 'adapter-fetch': 0 }
    for (const variant of Object.keys(retained) as MemoryVariant[]) {
      retained[variant] = round((await spawnChild(variant, connection, true)).peakRetainedMb ?? 0, 1)
    }

    // ── latency: reply appended → message:received, through IDLE ──
    const latency = await measureLatency(server, replies)

    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: round(totalmem() / 1024 ** 3, 1),
      node: process.version,
      dovecot: execFileSync('/usr/sbin/dovecot', ['--version'], { encoding: 'utf8' }).trim(),
    }
    const report = {
      machine,
      messageCount,
      mailboxMb: round(mailboxBytes / 1024 / 1024, 1),
      rounds,
      summary,
      fetchRatio,
      pipelineRatio,
      pipelineVersusBareFetch,
      retainedMb: retained,
      latency,
    }

    console.log('')
    console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GiB, Node ${machine.node}, Dovecot ${machine.dovecot}`)
    console.log('')
    console.log('| variant | messages/s (median) | peak RSS (MiB) |')
    console.log('|---|---:|---:|')
    for (const variant of variants) console.log(`| ${variant} | ${summary[variant].messagesPerSecond} | ${summary[variant].peakRssMb} |`)
    console.log('')
    console.log(`adapter fetch / bare imapflow fetch: ${round(fetchRatio, 2)}×`)
    console.log(`adapter pipeline / bare imapflow pipeline (store + parse): ${round(pipelineRatio, 2)}×`)
    console.log(`adapter pipeline / bare imapflow fetch: ${round(pipelineVersusBareFetch, 2)}×`)
    console.log(`peak retained memory (heap + buffers after a full GC every 250 messages): bare ${retained['bare-fetch']} MiB, adapter ${retained['adapter-fetch']} MiB`)
    console.log('')
    console.log(`reply → message:received (IDLE, ${latency.samples} replies): p50 ${latency.receivedP50} ms, p99 ${latency.receivedP99} ms`)
    console.log(`  of which reply → IDLE notice from the server: p50 ${latency.noticeP50} ms, p99 ${latency.noticeP99} ms`)
    console.log(`  and IDLE notice → message:received (fetch + store): p50 ${latency.pipelineP50} ms, p99 ${latency.pipelineP99} ms`)

    const resultsDirectory = join(here, '..', 'bench-results')
    mkdirSync(resultsDirectory, { recursive: true })
    writeFileSync(join(resultsDirectory, 'imap-bench.json'), `${JSON.stringify(report, null, 2)}\n`)
  } finally {
    await server.dispose()
  }
}

async function measureLatency(server: Awaited<ReturnType<typeof startDovecot>>, replies: number) {
  const inbox = createImapInbox({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    mailboxes: ['Latency'],
    name: 'latency',
  })
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user: server.user, pass: server.password }, logger: false })
  client.on('error', () => {})
  await client.connect()
  await client.mailboxCreate('Latency')

  // Records when the server's IDLE notice reached the worker, without changing what it does.
  let lastNotice = 0
  const observed: InboxV1 = {
    name: inbox.name,
    fetch: (cursor, options) => inbox.fetch(cursor, options),
    watch: (options) =>
      inbox.watch({
        ...options,
        onNewMail: () => {
          lastNotice = performance.now()
          options.onNewMail()
        },
      }),
    close: () => inbox.close(),
  }
  const worker = createCamWorker({ store: createMemoryStore(), inbox: observed, config: { intervalMs: 60_000, stopOnSignals: false } })
  const received = new Map<string, number>()
  let cycles = 0
  worker.on('message:received', (event) => {
    if (event.headerMessageId) received.set(event.headerMessageId, performance.now())
  })
  worker.on('cycle:end', () => void cycles++)
  const running = worker.start()
  await waitUntil(() => cycles >= 1, 10_000, 'the first worker cycle')

  const total: number[] = []
  const notice: number[] = []
  const pipeline: number[] = []
  for (let index = 0; index < replies; index++) {
    await new Promise((resolve) => setTimeout(resolve, 100 + (index % 5) * 37))
    const messageId = uniqueMessageId()
    const raw = buildMessage({ messageId, inReplyTo: `<cam-${index}@cam-bench.example>` })
    const appendedAt = performance.now()
    await client.append('Latency', raw)
    await waitUntil(() => received.has(messageId), 10_000, `message:received for reply ${index + 1}`)
    const receivedAt = received.get(messageId)!
    total.push(receivedAt - appendedAt)
    notice.push(lastNotice - appendedAt)
    pipeline.push(receivedAt - lastNotice)
  }
  await worker.stop()
  await running
  await inbox.close()
  await client.logout()
  return {
    samples: replies,
    receivedP50: round(percentile(total, 50)),
    receivedP99: round(percentile(total, 99)),
    noticeP50: round(percentile(notice, 50)),
    noticeP99: round(percentile(notice, 99)),
    pipelineP50: round(percentile(pipeline, 50), 1),
    pipelineP99: round(percentile(pipeline, 99), 1),
  }
}

if (process.argv[2] === '--child') {
  const result = await runChild(process.argv[3] as Variant, JSON.parse(process.argv[4]!) as Connection, process.argv[5] === 'true')
  console.log(JSON.stringify(result))
  process.exit(0)
} else {
  await main()
}
