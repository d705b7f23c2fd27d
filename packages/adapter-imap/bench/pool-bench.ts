/**
 * `pnpm bench:pool` (also run by `pnpm bench`) — a pool of IMAP mailboxes (default 200, one
 * account each) on a local, throwaway Dovecot; nothing leaves 127.0.0.1.
 *
 * 1. One CAM worker polls and watches (IDLE) all of them — memory store, 60 s interval, so
 *    only IDLE wakes it — in a fresh child process: RSS once every watch is up (after a full
 *    GC), CPU over 30 s of idle, then reply → `message:received` latency (p50/p99) over 100
 *    replies appended to random mailboxes, one at a time.
 * 2. The reference, in a fresh child process: one bare ImapFlow client per mailbox in IDLE
 *    (entered 50 ms after each command, as the adapter does) that fetches the new message on
 *    `EXISTS` — the same measurements.
 * 3. Four worker processes share the pool on PostgreSQL (`DATABASE_URL`, default
 *    postgres://postgres@127.0.0.1:5432/test; a throwaway schema): poll leases per worker once
 *    spread, then one is SIGKILLed — time until the three others poll every mailbox.
 *
 * A baseline child (the same modules loaded, nothing connected) shows what each variant adds.
 *
 * Environment: BENCH_POOL_MAILBOXES (200), BENCH_POOL_REPLIES (100), BENCH_POOL_IDLE_SECONDS (30).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ImapFlow } from 'imapflow'
import { createCamWorker } from '@cam/core'
import { createMemoryStore } from '@cam/core/testing'
import { createPostgresStore, migrate } from '@cam/adapter-postgres'
import { createImapInbox } from '../src/index.js'
import { startDovecot, type DovecotServer } from '../test/support/dovecot-server.js'
import { buildMessage, messageIdOf, uniqueMessageId, waitUntil } from '../test/support/test-mail.js'

/** One account of the pool. */
interface Account {
  user: string
  password: string
}

/** What a child needs to reach the pool. */
interface Pool {
  port: number
  accounts: Account[]
}

/** Messages between the parent and a measured child (IPC). */
type ChildMessage =
  | { type: 'ready'; connectSeconds: number }
  | { type: 'idle'; rssMb: number; retainedMb: number; cpuPercent: number; seconds: number }
  | { type: 'received'; messageId: string; at: number }

type Variant = 'cam' | 'bare' | 'baseline'

const here = dirname(fileURLToPath(import.meta.url))
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const send = (message: ChildMessage) => process.send?.(message)

/** Deterministic pseudo-random numbers (mulberry32), so every run appends to the same mailboxes. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ── children ─────────────────────────────────────────────────────────────────────────────

/** Waits for the parent's `measure` request, then reports memory and CPU over an idle period. */
function answerIdleMeasurement(idleSeconds: number): void {
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'measure') return
    void (async () => {
      const gc = (globalThis as { gc?: () => void }).gc
      gc?.()
      const usage = process.memoryUsage()
      const cpuBefore = process.cpuUsage()
      const started = performance.now()
      await sleep(idleSeconds * 1000)
      const cpu = process.cpuUsage(cpuBefore)
      const seconds = (performance.now() - started) / 1000
      send({
        type: 'idle',
        rssMb: round(usage.rss / 1024 / 1024, 1),
        retainedMb: round((usage.heapUsed + usage.external) / 1024 / 1024, 1),
        cpuPercent: round(((cpu.user + cpu.system) / 1e6 / seconds) * 100, 2),
        seconds: round(seconds, 1),
      })
    })()
  })
}

/** Variant `baseline`: the same modules loaded, nothing connected — what the other two add is above it. */
function runBaselineChild(idleSeconds: number): void {
  answerIdleMeasurement(idleSeconds)
  send({ type: 'ready', connectSeconds: 0 })
}

/** Variant `cam`: one worker, every mailbox an inbox of it. */
async function runCamChild(pool: Pool, idleSeconds: number): Promise<void> {
  const started = performance.now()
  const inboxes = pool.accounts.map((account) =>
    createImapInbox({ host: '127.0.0.1', port: pool.port, secure: false, auth: { user: account.user, pass: account.password }, name: account.user }),
  )
  const worker = createCamWorker({ store: createMemoryStore(), inbox: inboxes, config: { intervalMs: 60_000, stopOnSignals: false } })
  worker.on('message:received', (event) => {
    if (event.headerMessageId) send({ type: 'received', messageId: event.headerMessageId, at: Date.now() })
  })
  let cycles = 0
  worker.on('cycle:end', () => void cycles++)
  worker.on('worker:error', (event) => console.error(`worker:error during ${event.during}: ${String(event.error)}`))
  void worker.start()
  // The first cycle takes every poll lease (a lone worker's quota is the whole pool) and ends once every watch is up.
  await waitUntil(() => cycles >= 1, 300_000, 'the first cycle')
  answerIdleMeasurement(idleSeconds)
  send({ type: 'ready', connectSeconds: round((performance.now() - started) / 1000, 1) })
}

/** Variant `bare`: one ImapFlow client per mailbox, IDLE on INBOX, fetch the new message on EXISTS. */
async function runBareChild(pool: Pool, idleSeconds: number): Promise<void> {
  const started = performance.now()
  const connect = async (account: Account) => {
    // IDLE 50 ms after each command, as the adapter's watch connections do (imapflow's default waits 15 s).
    const client = new ImapFlow({ host: '127.0.0.1', port: pool.port, secure: false, auth: { user: account.user, pass: account.password }, logger: false, autoIdleDelay: 50 })
    client.on('error', () => {})
    await client.connect()
    await client.mailboxOpen('INBOX', { readOnly: true })
    client.on('exists', (event: { count: number; prevCount: number }) => {
      if (event.count <= event.prevCount) return
      void (async () => {
        for await (const message of client.fetch(`${event.prevCount + 1}:${event.count}`, { source: true })) {
          const messageId = message.source ? messageIdOf(message.source) : null
          if (messageId) send({ type: 'received', messageId, at: Date.now() })
        }
      })().catch((error: unknown) => console.error(`bare fetch failed: ${String(error)}`))
    })
    return client
  }
  const clients: ImapFlow[] = []
  for (let index = 0; index < pool.accounts.length; index += 16) {
    clients.push(...(await Promise.all(pool.accounts.slice(index, index + 16).map(connect))))
  }
  // imapflow enters IDLE by itself shortly after the last command.
  await sleep(1000)
  answerIdleMeasurement(idleSeconds)
  send({ type: 'ready', connectSeconds: round((performance.now() - started) / 1000, 1) })
}

/** A worker process of part 3: PostgreSQL store, every mailbox an inbox. */
async function runPoolWorker(id: string, schema: string, databaseUrl: string, pool: Pool): Promise<void> {
  const store = createPostgresStore({ connectionString: databaseUrl, schema })
  const inboxes = pool.accounts.map((account) =>
    createImapInbox({ host: '127.0.0.1', port: pool.port, secure: false, auth: { user: account.user, pass: account.password }, name: account.user }),
  )
  const worker = createCamWorker({ store, inbox: inboxes, config: { workerId: id, intervalMs: 1_000, leaseTtlMs: 10_000, stopOnSignals: true } })
  await worker.start()
  await store.close()
}

// ── parent ───────────────────────────────────────────────────────────────────────────────

interface MeasuredChild {
  process: ChildProcess
  received: Map<string, number>
  next<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>>
}

/** The pool travels in the environment (not the command line, which `ps` shows to everyone). */
const poolEnvironment = (pool: Pool) => ({ ...process.env, CAM_BENCH_POOL: JSON.stringify(pool) })

function spawnMeasured(args: string[], pool: Pool): MeasuredChild {
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: poolEnvironment(pool) })
  const received = new Map<string, number>()
  const inbox: ChildMessage[] = []
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'received') received.set(message.messageId, message.at)
    else inbox.push(message)
  })
  return {
    process: child,
    received,
    async next(type, timeoutMs) {
      await waitUntil(() => inbox.some((message) => message.type === type), timeoutMs, `the child's "${type}"`)
      const index = inbox.findIndex((message) => message.type === type)
      return inbox.splice(index, 1)[0] as Extract<ChildMessage, { type: typeof type }>
    },
  }
}

async function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}

/** Appends `raw` to the INBOX of `account`, over a connection kept per account. */
function createAppender(server: DovecotServer) {
  const clients = new Map<string, ImapFlow>()
  return {
    async append(account: Account, raw: string): Promise<void> {
      let client = clients.get(account.user)
      if (!client) {
        client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth: { user: account.user, pass: account.password }, logger: false, disableAutoIdle: true })
        client.on('error', () => {})
        await client.connect()
        clients.set(account.user, client)
      }
      await client.append('INBOX', raw)
    },
    async close(): Promise<void> {
      await Promise.all([...clients.values()].map((client) => client.logout().catch(() => client.close())))
      clients.clear()
    },
  }
}

async function measureVariant(variant: Variant, server: DovecotServer, pool: Pool, replies: number, idleSeconds: number) {
  const child = spawnMeasured(['--child', variant, String(idleSeconds)], pool)
  try {
    const ready = await child.next('ready', 600_000)
    if (variant !== 'baseline') console.log(`  ${variant}: ${pool.accounts.length} mailboxes connected and watched in ${ready.connectSeconds} s`)
    await sleep(2000)
    child.process.send({ type: 'measure' })
    const idle = await child.next('idle', idleSeconds * 1000 + 60_000)
    console.log(`  ${variant}: RSS ${idle.rssMb} MiB (heap + external ${idle.retainedMb} MiB), CPU at idle ${idle.cpuPercent} % of a core over ${idle.seconds} s`)
    if (replies === 0) return { ...idle, connectSeconds: ready.connectSeconds, samples: 0, p50: 0, p99: 0 }
    const appender = createAppender(server)
    const pick = random(42)
    const latencies: number[] = []
    try {
      for (let index = 0; index < replies; index++) {
        await sleep(100 + Math.floor(pick() * 200))
        const account = pool.accounts[Math.floor(pick() * pool.accounts.length)]!
        const messageId = uniqueMessageId()
        const raw = buildMessage({ messageId, inReplyTo: `<cam-${index}@cam-bench.example>` })
        const appendedAt = Date.now()
        await appender.append(account, raw)
        await waitUntil(() => child.received.has(messageId), 60_000, `${variant}: reply ${index + 1} (${account.user})`)
        latencies.push(child.received.get(messageId)! - appendedAt)
      }
    } finally {
      await appender.close()
    }
    const result = { ...idle, connectSeconds: ready.connectSeconds, samples: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
    console.log(`  ${variant}: reply → received over ${result.samples} replies: p50 ${result.p50} ms, p99 ${result.p99} ms`)
    return result
  } finally {
    await killChild(child.process)
  }
}

async function measureFourWorkers(pool: Pool) {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = `cam_bench_pool_${randomBytes(4).toString('hex')}`
  await migrate({ connectionString: databaseUrl, schema })
  const store = createPostgresStore({ connectionString: databaseUrl, schema })
  const ids = ['bench-w1', 'bench-w2', 'bench-w3', 'bench-w4']
  const workers = ids.map((id) => spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--pool-worker', id, schema, databaseUrl], { stdio: ['ignore', 'inherit', 'inherit'], env: poolEnvironment(pool) }))
  const total = pool.accounts.length
  /** Poll leases each worker listed in its last heartbeat. */
  const leases = async (among: string[]) => {
    const heartbeats = await store.listHeartbeats()
    const held = new Map(among.map((id) => [id, heartbeats.find((heartbeat) => heartbeat.workerId === id)?.leases.filter((name) => name.startsWith('cam:poll:')) ?? []]))
    const covered = new Set([...held.values()].flat()).size
    return { counts: Object.fromEntries([...held].map(([id, names]) => [id, names.length])), covered }
  }
  try {
    const startedAt = performance.now()
    const quota = Math.ceil(total / 4)
    let spread = await leases(ids)
    while (!(spread.covered === total && Object.values(spread.counts).every((count) => count === quota))) {
      if (performance.now() - startedAt > 600_000) throw new Error(`four workers did not spread within 10 minutes: ${JSON.stringify(spread)}`)
      await sleep(250)
      spread = await leases(ids)
    }
    const spreadSeconds = round((performance.now() - startedAt) / 1000, 1)
    console.log(`  4 workers: poll leases ${JSON.stringify(spread.counts)} ${spreadSeconds} s after start`)
    const survivors = ids.slice(0, 3)
    const killedAt = performance.now()
    workers[3]!.kill('SIGKILL')
    let after = await leases(survivors)
    while (after.covered < total) {
      if (performance.now() - killedAt > 600_000) throw new Error(`the survivors did not take over within 10 minutes: ${JSON.stringify(after)}`)
      await sleep(100)
      after = await leases(survivors)
    }
    const rebalanceSeconds = round((performance.now() - killedAt) / 1000, 1)
    console.log(`  SIGKILL ${ids[3]}: the 3 others poll all ${total} after ${rebalanceSeconds} s (lease TTL 10 s, interval 1 s): ${JSON.stringify(after.counts)}`)
    return { workers: 4, leaseTtlMs: 10_000, intervalMs: 1_000, spreadCounts: spread.counts, spreadSeconds, afterKillCounts: after.counts, rebalanceSeconds }
  } finally {
    await Promise.all(workers.map((worker) => killChild(worker)))
    await store.close()
    execFileSync('psql', [databaseUrl, '-q', '-c', `DROP SCHEMA IF EXISTS "${schema}" CASCADE`], { stdio: 'ignore' })
  }
}

const inotifyInstancesPath = '/proc/sys/fs/inotify/max_user_instances'

/**
 * Each IDLE session of Dovecot watches its Maildir with an inotify instance of its own, and
 * every session runs as one user here: past `max_user_instances` (often 128) Dovecot falls
 * back to checking the mailbox every `mailbox_idle_check_interval` (30 s). A server meant to
 * hold hundreds of IDLE sessions raises the limit; so does the benchmark, when it may.
 * Returns the Dovecot settings to add when it cannot (check every second instead).
 */
function ensureInotifyInstances(needed: number): { note: string; extraConfig: string[] } {
  let current = 0
  try {
    current = Number(readFileSync(inotifyInstancesPath, 'utf8').trim())
  } catch {
    return { note: 'inotify limits unknown', extraConfig: [] }
  }
  if (current >= needed) return { note: `fs.inotify.max_user_instances = ${current}`, extraConfig: [] }
  try {
    writeFileSync(inotifyInstancesPath, String(needed))
    return { note: `fs.inotify.max_user_instances raised from ${current} to ${needed} (one per IDLE session)`, extraConfig: [] }
  } catch {
    return {
      note: `fs.inotify.max_user_instances = ${current} < ${needed} and cannot be raised: Dovecot checks mailboxes beyond it every second (latencies include up to 1 s)`,
      extraConfig: ['mailbox_idle_check_interval = 1 secs'],
    }
  }
}

async function main(): Promise<void> {
  const mailboxes = Number(process.env.BENCH_POOL_MAILBOXES ?? 200)
  const replies = Number(process.env.BENCH_POOL_REPLIES ?? 100)
  const idleSeconds = Number(process.env.BENCH_POOL_IDLE_SECONDS ?? 30)
  const accounts: Account[] = Array.from({ length: mailboxes }, (_, index) => ({ user: `box${String(index).padStart(3, '0')}`, password: randomBytes(9).toString('base64url') }))
  // Every session may IDLE (fetch connections too, between polls): two per mailbox per process, with room to spare.
  const inotify = ensureInotifyInstances(Math.max(1024, mailboxes * 4 + 256))
  console.log(inotify.note)
  const server = await startDovecot({
    extraUsers: accounts,
    // Hundreds of connections: one imap process each (Dovecot's default limit is 100 per service).
    extraConfig: ['default_process_limit = 2000', 'default_client_limit = 10000', 'default_vsz_limit = 1G', ...inotify.extraConfig],
  })
  try {
    const pool: Pool = { port: server.port, accounts }
    console.log(`pool: ${mailboxes} mailboxes (one account each) on Dovecot at 127.0.0.1:${server.port}`)
    console.log('0. baseline: the same modules loaded, nothing connected')
    const baseline = await measureVariant('baseline', server, pool, 0, idleSeconds)
    console.log('1. one CAM worker polls and watches every mailbox')
    const cam = await measureVariant('cam', server, pool, replies, idleSeconds)
    console.log('2. bare imapflow: one client per mailbox in IDLE, fetch on EXISTS')
    const bare = await measureVariant('bare', server, pool, replies, idleSeconds)
    console.log('3. four CAM workers (PostgreSQL) share the pool')
    const four = await measureFourWorkers(pool)

    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: round(totalmem() / 1024 ** 3, 1),
      node: process.version,
      dovecot: execFileSync('/usr/sbin/dovecot', ['--version'], { encoding: 'utf8' }).trim(),
    }
    const perMailboxKb = (rssMb: number) => round(((rssMb - baseline.rssMb) * 1024) / mailboxes)
    const ratios = {
      rss: round(cam.rssMb / bare.rssMb, 2),
      rssAboveBaseline: round((cam.rssMb - baseline.rssMb) / (bare.rssMb - baseline.rssMb), 2),
      retained: round(cam.retainedMb / bare.retainedMb, 2),
      p50: round(cam.p50 / bare.p50, 2),
      p99: round(cam.p99 / bare.p99, 2),
    }
    console.log('')
    console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GiB, Node ${machine.node}, Dovecot ${machine.dovecot}`)
    console.log('')
    console.log(`| ${mailboxes} mailboxes, IDLE | RSS (MiB) | heap + external (MiB) | CPU at idle | reply → received p50 | p99 |`)
    console.log('|---|---:|---:|---:|---:|---:|')
    console.log(`| one CAM worker | ${cam.rssMb} | ${cam.retainedMb} | ${cam.cpuPercent} % | ${cam.p50} ms | ${cam.p99} ms |`)
    console.log(`| ${mailboxes} bare ImapFlow clients | ${bare.rssMb} | ${bare.retainedMb} | ${bare.cpuPercent} % | ${bare.p50} ms | ${bare.p99} ms |`)
    console.log(`| CAM / bare | ${ratios.rss}× | ${ratios.retained}× | | ${ratios.p50}× | ${ratios.p99}× |`)
    console.log(`| baseline (modules loaded, nothing connected) | ${baseline.rssMb} | ${baseline.retainedMb} | ${baseline.cpuPercent} % | | |`)
    console.log('')
    console.log(`RSS above the baseline: CAM ${perMailboxKb(cam.rssMb)} KiB per mailbox (a fetch and an IDLE connection each), bare ${perMailboxKb(bare.rssMb)} KiB per mailbox (one connection each): ${ratios.rssAboveBaseline}×`)
    console.log('')
    console.log(`four workers: ${JSON.stringify(four.spreadCounts)} poll leases; after a SIGKILL the others poll all ${mailboxes} within ${four.rebalanceSeconds} s: ${JSON.stringify(four.afterKillCounts)}`)
    const resultsDirectory = join(here, '..', 'bench-results')
    mkdirSync(resultsDirectory, { recursive: true })
    writeFileSync(join(resultsDirectory, 'pool-bench.json'), `${JSON.stringify({ machine, inotify: inotify.note, mailboxes, replies, idleSeconds, baseline, cam, bare, ratios, four }, null, 2)}\n`)
  } finally {
    await server.dispose()
  }
}

if (process.argv[2] === '--child') {
  const pool = JSON.parse(process.env.CAM_BENCH_POOL!) as Pool
  const idleSeconds = Number(process.argv[4])
  if (process.argv[3] === 'cam') await runCamChild(pool, idleSeconds)
  else if (process.argv[3] === 'bare') await runBareChild(pool, idleSeconds)
  else runBaselineChild(idleSeconds)
} else if (process.argv[2] === '--pool-worker') {
  await runPoolWorker(process.argv[3]!, process.argv[4]!, process.argv[5]!, JSON.parse(process.env.CAM_BENCH_POOL!) as Pool)
} else {
  await main()
  process.exit(0)
}
