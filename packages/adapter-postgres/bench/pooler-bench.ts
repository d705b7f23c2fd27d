/**
  * `npx tsx bench/pooler-bench.ts`: what `preparedStatements: false` (and a transaction-mode PgBouncer
 * in between) costs the store (not a test).
 *
 * Three ways to reach the same server, in interleaved rounds:
 *   named    — directly, named prepared statements (the default);
 *   unnamed  — directly, `preparedStatements: false` (every statement parsed and planned each time);
 *   pooled   — through PgBouncer (Debian's package, started here on its own port,
 *              `pool_mode = transaction`, 20 server connections), `{ listen: false, preparedStatements: false }`.
 * For each: send-step throughput (N due emails across 50 campaigns, no-op sender, 1 and 4
 * workers in this process, sharing one long-lived pool per mode) and the idle cycle (every step, 50 active campaigns, nothing due),
 * with the CPU time spent per email / per cycle by the PostgreSQL backends serving the
 * stores (from /proc), by this Node process and by PgBouncer — CPU time stays meaningful
 * on a busy machine, where throughput does not.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_EMAILS (default 10000), BENCH_WORKERS (default "1,4"), BENCH_ROUNDS (default 3),
 * BENCH_CYCLES (default 50), BENCH_MODES (default "named,unnamed,pooled").
 * Results: printed and written to bench/results/pooler-bench.json.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createCamWorker, type SenderV1 } from '@cam/core'
import { sampleCampaign, sampleEmail, sampleLead } from '@cam/core/testing'
import { createPostgresStore, migrate, type PostgresStoreOptions } from '../src/index.js'
import { startPrivatePgBouncer, type PrivatePgBouncer } from '../test/support/private-pgbouncer.js'

type Mode = 'named' | 'unnamed' | 'pooled'

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const emailCount = Number(process.env.BENCH_EMAILS ?? 10_000)
const workerCounts = (process.env.BENCH_WORKERS ?? '1,4').split(',').filter(Boolean).map(Number)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const idleCycles = Number(process.env.BENCH_CYCLES ?? 50)
const modes = (process.env.BENCH_MODES ?? 'named,unnamed,pooled').split(',').filter(Boolean) as Mode[]
const campaignCount = 50
const admin = new pg.Pool({ connectionString: url, max: 2 })
const noopSender: SenderV1 = { name: 'noop', idempotent: true, send: async () => ({}) }
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits

let bouncer = null as PrivatePgBouncer | null

/** CPU time (ms) of a process so far, from /proc (0 when it is gone). */
function processCpuMs(pid: number): number {
  const file = `/proc/${pid}/stat`
  if (!existsSync(file)) return 0
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime + stime, at 100 ticks/s
}

/** PgBouncer's admin console (`SHOW SERVERS` names the backend behind each server connection). */
let bouncerConsole = null as pg.Client | null

/**
 * CPU time so far of the backends serving a mode (direct: by application name; pooled:
 * PgBouncer's server connections), of this Node process and of PgBouncer.
 */
async function cpuSnapshot(mode: Mode): Promise<{ backends: Map<number, number>; node: number; bouncer: number }> {
  const rows =
    mode === 'pooled'
      ? (await bouncerConsole!.query<{ remote_pid: number }>('SHOW SERVERS')).rows.map((row) => ({ pid: Number(row.remote_pid) }))
      : (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName(mode)])).rows
  const usage = process.cpuUsage()
  return {
    backends: new Map(rows.map((row) => [row.pid, processCpuMs(row.pid)])),
    node: (usage.user + usage.system) / 1000,
    bouncer: bouncer ? processCpuMs(bouncer.pid) : 0,
  }
}

/** CPU ms spent between two snapshots (backends that started in between count from zero). */
function cpuSpent(before: Awaited<ReturnType<typeof cpuSnapshot>>, after: Awaited<ReturnType<typeof cpuSnapshot>>) {
  let backends = 0
  for (const [pid, ms] of after.backends) backends += ms - (before.backends.get(pid) ?? 0)
  return { backends, node: after.node - before.node, bouncer: after.bouncer - before.bouncer }
}

interface Measure {
  /** emails/s, or the median cycle in ms. */
  value: number
  /** CPU µs per email (or per cycle): PostgreSQL backends, this process, PgBouncer. */
  backendUs: number
  nodeUs: number
  bouncerUs: number
}

const applicationName = (mode: Mode) => `cam-bench-${mode}`

/**
 * One long-lived pg pool per mode, shared by that mode's stores (the workers of a run and
 * every run after it): backends are compared warm, as in production, never fresh against warm.
 */
const pools = new Map<Mode, pg.Pool>()
function poolOf(mode: Mode): pg.Pool {
  let pool = pools.get(mode)
  if (!pool) {
    pool = new pg.Pool({ connectionString: mode === 'pooled' ? bouncer!.url : url, max: 24, application_name: applicationName(mode) })
    pool.on('error', () => undefined)
    pools.set(mode, pool)
  }
  return pool
}

function storeOptions(mode: Mode, schema: string): PostgresStoreOptions {
  return { pool: poolOf(mode), schema, listen: false, preparedStatements: mode === 'named' }
}

function perUnit(value: number, spent: ReturnType<typeof cpuSpent>, units: number): Measure {
  return { value, backendUs: Math.round((spent.backends * 1000) / units), nodeUs: Math.round((spent.node * 1000) / units), bouncerUs: Math.round((spent.bouncer * 1000) / units) }
}

/** A fresh migrated schema with 50 active campaigns and `emails` due first steps. */
async function seed(emails: number): Promise<string> {
  const schema = `cam_bench_pooler_${randomUUID().slice(0, 6)}`
  await migrate({ connectionString: url, schema })
  const store = createPostgresStore({ connectionString: url, schema, poolSize: 4, listen: false })
  const now = new Date()
  const due = new Date(now.getTime() - 60_000)
  for (let c = 0; c < campaignCount; c++) {
    const campaign = await store.createCampaign(sampleCampaign({ dailyCap: 100_000 }), now)
    await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
    const share = Math.floor(emails / campaignCount) + (c < emails % campaignCount ? 1 : 0)
    if (share > 0) await store.addLeads({ campaignId: campaign.id, leads: Array.from({ length: share }, () => ({ lead: sampleLead(), firstEmail: sampleEmail(0, due) })), now })
  }
  await store.close()
  await admin.query(`VACUUM ANALYZE ${quote(schema)}.outbound_emails, ${quote(schema)}.leads, ${quote(schema)}.campaigns`)
  return schema
}

async function sendThroughput(mode: Mode, workerCount: number): Promise<Measure> {
  const schema = await seed(emailCount)
  const stores = Array.from({ length: workerCount }, () => createPostgresStore(storeOptions(mode, schema)))
  const workers = stores.map((store, i) =>
    createCamWorker({
      store,
      sender: noopSender,
      config: { workerId: `bench-${i}`, stopOnSignals: false, maxSendsPerCycle: 1_000_000 },
      hooks: { steps: (steps) => steps.filter((step) => step.name === 'send') },
    }),
  )
  await Promise.all(stores.map((store) => store.listCampaigns()))
  const before = await cpuSnapshot(mode)
  const start = process.hrtime.bigint()
  const sent = await Promise.all(
    workers.map(async (worker) => {
      let total = 0
      for (;;) {
        const step = (await worker.runOnce()).steps.find((s) => s.name === 'send')
        if (step?.status !== 'ok') throw new Error(`send step failed (${mode}): ${step?.error}`)
        total += step.counts.sent ?? 0
        if ((step.counts.claimed ?? 0) === 0) return total
      }
    }),
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const spent = cpuSpent(before, await cpuSnapshot(mode))
  const total = sent.reduce((a, b) => a + b, 0)
  if (total !== emailCount) throw new Error(`expected ${emailCount} sent, got ${total} (${mode})`)
  await Promise.all(stores.map((store) => store.close()))
  await admin.query(`DROP SCHEMA ${quote(schema)} CASCADE`)
  return perUnit(Math.round(total / seconds), spent, total)
}

async function idleCycle(mode: Mode): Promise<Measure> {
  const schema = await seed(0)
  const store = createPostgresStore(storeOptions(mode, schema))
  const worker = createCamWorker({ store, sender: noopSender, config: { stopOnSignals: false } })
  for (let i = 0; i < 3; i++) await worker.runOnce()
  const durations: number[] = []
  const before = await cpuSnapshot(mode)
  for (let i = 0; i < idleCycles; i++) {
    const report = await worker.runOnce()
    const failed = report.steps.find((step) => step.status === 'error')
    if (failed) throw new Error(`${failed.name} failed (${mode}): ${failed.error}`)
    durations.push(report.durationMs)
  }
  const spent = cpuSpent(before, await cpuSnapshot(mode))
  await store.close()
  await admin.query(`DROP SCHEMA ${quote(schema)} CASCADE`)
  return perUnit(round(median(durations), 2), spent, idleCycles)
}

async function main() {
  const version = await admin.query('SHOW server_version')
  const [host, port] = [new URL(url).hostname, Number(new URL(url).port || 5432)]
  if (modes.includes('pooled')) {
    if (host !== '127.0.0.1' && host !== 'localhost') throw new Error('the pooled mode starts PgBouncer in front of 127.0.0.1: point DATABASE_URL there')
    bouncer = await startPrivatePgBouncer({ serverPort: port, database: new URL(url).pathname.slice(1) || 'postgres', poolSize: 20 })
    bouncerConsole = new pg.Client({ connectionString: bouncer.url.replace(/\/[^/]*$/, '/pgbouncer') })
    await bouncerConsole.connect()
  }
  console.log(`${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}, PostgreSQL ${version.rows[0].server_version}`)
  const medianOf = (measures: Measure[]): Measure => ({
    value: round(median(measures.map((m) => m.value)), 2),
    backendUs: Math.round(median(measures.map((m) => m.backendUs))),
    nodeUs: Math.round(median(measures.map((m) => m.nodeUs))),
    bouncerUs: Math.round(median(measures.map((m) => m.bouncerUs))),
  })
  const row = (label: string, mode: Mode, m: Measure, unit: string) => ({
    [label]: mode,
    [unit]: m.value,
    'backend CPU µs': m.backendUs,
    'Node CPU µs': m.nodeUs,
    'PgBouncer CPU µs': m.bouncerUs,
  })
  const send: Array<{ workers: number; mode: Mode; rounds: Measure[]; median: Measure }> = []
  for (const workers of workerCounts) {
    const results = new Map<Mode, Measure[]>(modes.map((mode) => [mode, []]))
    for (let r = 1; r <= rounds; r++) {
      for (const mode of modes) results.get(mode)!.push(await sendThroughput(mode, workers))
      console.log(`send, ${workers} worker(s), round ${r}: ${modes.map((mode) => `${mode} ${results.get(mode)!.at(-1)!.value}/s, ${results.get(mode)!.at(-1)!.backendUs} µs backend CPU/email`).join('; ')}`)
    }
    for (const mode of modes) send.push({ workers, mode, rounds: results.get(mode)!, median: medianOf(results.get(mode)!) })
  }
  const idleRuns = new Map<Mode, Measure[]>(modes.map((mode) => [mode, []]))
  for (let r = 1; r <= rounds; r++) for (const mode of modes) idleRuns.get(mode)!.push(await idleCycle(mode))
  const idle = modes.map((mode) => ({ mode, rounds: idleRuns.get(mode)!, median: medianOf(idleRuns.get(mode)!) }))
  for (const workers of workerCounts) {
    console.log(`\nSend step, ${workers} worker(s): ${emailCount} due emails across ${campaignCount} campaigns, median of ${rounds}; CPU per email`)
    console.table(send.filter((s) => s.workers === workers).map((s) => row('mode', s.mode, s.median, 'emails/s')))
  }
  console.log(`\nIdle cycle (50 active campaigns, nothing due): median ms of ${idleCycles} cycles, median of ${rounds}; CPU per cycle`)
  console.table(idle.map((i) => row('mode', i.mode, i.median, 'cycle ms')))
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'pooler-bench.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, postgres: version.rows[0].server_version, emails: emailCount, campaigns: campaignCount, send, idle }, null, 2)}\n`)
  console.log(`written to ${out}`)
}

try {
  await main()
} finally {
  await Promise.all([...pools.values()].map((pool) => pool.end()))
  await bouncerConsole?.end()
  await bouncer?.destroy()
  await admin.end()
}
