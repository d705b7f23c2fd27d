/**
 * `pnpm bench:sustained`: the store at scale (not a test, not run by CI).
 *
 * 1. sustained run: SUSTAINED_LEADS (default 1,000,000) leads across SUSTAINED_CAMPAIGNS
 *    (default 200) campaigns — 3-step sequences, caps far above what is sent, send window
 *    always open — every lead's first email due; a pool of SUSTAINED_MAILBOXES (default 20;
 *    0: the worker's single sender) no-op idempotent mailboxes. Then, on the same data, one
 *    phase per SUSTAINED_WORKERS entry (default "2,4"; workers in this process, each with its
 *    own pool, only the `send` step; "4/0": 4 workers without the mailbox pool) for SUSTAINED_SECONDS (default 180) each, sampled every
 *    SUSTAINED_INTERVAL (default 15) seconds: emails/s, p50/p99 `claimDueEmails` latency,
 *    table and index sizes, dead tuples and autovacuum activity, WAL bytes per email;
 * 2. pgbench's simple-update (`-N`) for 30 s at 1 and 4 clients on a scratch database
 *    (`cam_pgbench_scratch`, created and dropped here; SUSTAINED_PGBENCH, default
 *    /usr/lib/postgresql/15/bin/pgbench): the ceiling for one transaction per item.
 *
 * After the phases, VACUUM of outbound_emails and leads throttled like autovacuum's defaults
 * (timed; SUSTAINED_VACUUM=0 skips it).
 * SUSTAINED_PARTS (default "sustained,pgbench") narrows a run. Seeding is set-based SQL that
 * writes exactly the rows `addLeads` writes (a `queued` lead and its first email, `queued`).
 * Results: printed and written to bench/results/sustained-bench.json.
 */
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createCamWorker, type MailboxConfig, type SenderV1, type StoreV1 } from '@cam/core'
import { sampleCampaign } from '@cam/core/testing'
import { createPostgresStore, migrate } from '../src/index.js'

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const env = (name: string, fallback: string) => process.env[name] ?? fallback
const leadCount = Number(env('SUSTAINED_LEADS', '1000000'))
const campaignCount = Number(env('SUSTAINED_CAMPAIGNS', '200'))
const mailboxCount = Number(env('SUSTAINED_MAILBOXES', '20'))
// "4/0": 4 workers without the pool (the worker's single sender), for comparison.
const phasesToRun = env('SUSTAINED_WORKERS', '2,4')
  .split(',')
  .filter(Boolean)
  .map((entry) => ({ workers: Number(entry.split('/')[0]), mailboxes: Number(entry.split('/')[1] ?? mailboxCount) }))
const phaseSeconds = Number(env('SUSTAINED_SECONDS', '180'))
const intervalSeconds = Number(env('SUSTAINED_INTERVAL', '15'))
const parts = new Set(env('SUSTAINED_PARTS', 'sustained,pgbench').split(','))
const pgbenchPath = env('SUSTAINED_PGBENCH', '/usr/lib/postgresql/15/bin/pgbench')
const admin = new pg.Pool({ connectionString: url, max: 2 })

const noopSender: SenderV1 = { name: 'noop', idempotent: true, send: async () => ({}) }
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits
const mb = (bytes: number) => round(bytes / 1024 ** 2, 1)
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0
const walLsn = async () => String((await admin.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn)
/** Server-wide WAL and checkpoint counters: full-page images and forced checkpoints explain WAL per email at scale. */
const walCounters = async () => {
  const { rows } = await admin.query(
    `SELECT w.wal_records::bigint AS records, w.wal_fpi::bigint AS fpi, b.checkpoints_timed::int AS timed, b.checkpoints_req::int AS requested FROM pg_stat_wal w, pg_stat_bgwriter b`,
  )
  return { records: Number(rows[0].records), fpi: Number(rows[0].fpi), checkpointsTimed: rows[0].timed as number, checkpointsRequested: rows[0].requested as number }
}
const walBytesSince = async (lsn: string) => Number((await admin.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS n', [lsn])).rows[0].n)

// ── seeding ─────────────────────────────────────────────────────────────────────

async function seed(schema: string): Promise<number> {
  const start = Date.now()
  await migrate({ connectionString: url, schema })
  const store = createPostgresStore({ connectionString: url, schema, poolSize: 2, listen: false })
  const now = new Date()
  for (let c = 0; c < campaignCount; c++) {
    const campaign = await store.createCampaign(sampleCampaign({ dailyCap: 100_000 }), now)
    await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
  }
  await store.close()
  const s = quote(schema)
  // What addLeads writes: the lead (`queued`, step 0) and its first email (`queued`, due a minute ago),
  // with sampleLead's fields and sampleEmail's id, message id and idempotency key shapes.
  await admin.query(
    `INSERT INTO ${s}.leads (id, campaign_id, email, email_normalized, first_name, last_name, company, variables, timezone, state, next_step_index, created_at, updated_at)
     SELECT md5('lead' || i)::uuid::text, c.ids[1 + i % ${campaignCount}], 'lead-' || i || '@prospect.example', 'lead-' || i || '@prospect.example',
            'Lee', 'Ad', 'Prospect Co', '{"role":"CTO"}', NULL, 'queued', 0, $2, $2
     FROM generate_series(1, $1) AS i, (SELECT array_agg(id ORDER BY seq) AS ids FROM ${s}.campaigns) AS c`,
    [leadCount, now],
  )
  await admin.query(
    `INSERT INTO ${s}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, in_reply_to, thread_references, created_at, updated_at)
     SELECT e.id, l.campaign_id, l.id, 0, 'queued', $1::timestamptz - interval '1 minute', '<cam.' || e.id || '@sender.example>', 'cam-email-' || e.id, NULL, '{}', $1, $1
     FROM ${s}.leads l, LATERAL (SELECT md5('email' || l.id)::uuid::text AS id) AS e
     ORDER BY l.seq`,
    [now],
  )
  await admin.query(`VACUUM ANALYZE ${s}.leads, ${s}.outbound_emails, ${s}.campaigns`)
  return (Date.now() - start) / 1000
}

// ── sampling ────────────────────────────────────────────────────────────────────

async function tableStats(schema: string) {
  const { rows } = await admin.query(
    `SELECT c.relname AS table, pg_relation_size(c.oid)::bigint AS heap, pg_indexes_size(c.oid)::bigint AS indexes, pg_total_relation_size(c.oid)::bigint AS total,
            s.n_live_tup::bigint AS live, s.n_dead_tup::bigint AS dead, s.autovacuum_count::int AS autovacuums, s.autoanalyze_count::int AS autoanalyzes,
            s.last_autovacuum, s.n_tup_hot_upd::bigint AS hot_updates, s.n_tup_upd::bigint AS updates
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE n.nspname = $1 AND c.relname IN ('outbound_emails', 'leads') ORDER BY c.relname`,
    [schema],
  )
  return Object.fromEntries(
    rows.map((r) => [
      r.table,
      {
        heapMb: mb(Number(r.heap)),
        indexesMb: mb(Number(r.indexes)),
        totalMb: mb(Number(r.total)),
        live: Number(r.live),
        dead: Number(r.dead),
        autovacuums: r.autovacuums,
        autoanalyzes: r.autoanalyzes,
        lastAutovacuum: r.last_autovacuum ? new Date(r.last_autovacuum).toISOString() : null,
        hotUpdates: Number(r.hot_updates),
        updates: Number(r.updates),
      },
    ]),
  )
}

async function indexSizes(schema: string) {
  const { rows } = await admin.query(
    `SELECT i.relname AS index, t.relname AS table, pg_relation_size(i.oid)::bigint AS size
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND t.relname IN ('outbound_emails', 'leads') ORDER BY t.relname, i.relname`,
    [schema],
  )
  return Object.fromEntries(rows.map((r) => [`${r.table}.${r.index}`, mb(Number(r.size))]))
}

async function emailCounts(schema: string) {
  const { rows } = await admin.query(`SELECT status, count(*)::int AS n FROM ${quote(schema)}.outbound_emails GROUP BY status ORDER BY status`)
  return Object.fromEntries(rows.map((r) => [r.status, r.n]))
}

// ── 1. sustained run ────────────────────────────────────────────────────────────

/** The store with `claimDueEmails` timed and the recorded sends counted. */
function instrument(store: StoreV1, claimMs: number[], sent: { n: number }): StoreV1 {
  return {
    ...store,
    claimDueEmails: async (input) => {
      const start = process.hrtime.bigint()
      const result = await store.claimDueEmails(input)
      claimMs.push(Number(process.hrtime.bigint() - start) / 1e6)
      return result
    },
    recordEmailSent: async (input) => {
      const email = await store.recordEmailSent(input)
      sent.n++
      return email
    },
    recordEmailsSent: store.recordEmailsSent
      ? async (inputs) => {
          const result = await store.recordEmailsSent!(inputs)
          sent.n += result.recorded.length
          return result
        }
      : undefined,
  }
}

const pool = (count: number): MailboxConfig[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `mb-${i}@sender.example`,
    from: { email: `mb-${i}@sender.example`, name: 'Ana' },
    sender: noopSender,
    dailyLimit: 100_000,
    rampUp: null,
    minGapMs: 0,
    gapJitterMs: 0,
  }))

async function phase(schema: string, workerCount: number, mailboxes: number) {
  const claimMs: number[] = []
  const sent = { n: 0 }
  const stores = Array.from({ length: workerCount }, () => createPostgresStore({ connectionString: url, schema, poolSize: 6, listen: false }))
  const workers = stores.map((store, i) =>
    createCamWorker({
      store: instrument(store, claimMs, sent),
      ...(mailboxes > 0 ? { mailboxes: pool(mailboxes) } : { sender: noopSender }),
      config: { workerId: `sustained-${workerCount}-${i}`, stopOnSignals: false, maxSendsPerCycle: 2000 },
      hooks: { steps: (steps) => steps.filter((step) => step.name === 'send') },
    }),
  )
  await Promise.all(stores.map((store) => store.listCampaigns()))
  const samples: Array<Record<string, unknown>> = []
  const walStart = await walLsn()
  const countersStart = await walCounters()
  const start = Date.now()
  const deadline = start + phaseSeconds * 1000
  let errors = 0
  const loops = workers.map(async (worker) => {
    while (Date.now() < deadline) {
      const report = await worker.runOnce()
      const step = report.steps.find((s) => s.name === 'send')
      if (step?.status !== 'ok') errors++
      if ((step?.counts.claimed ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })
  let done = false
  void Promise.all(loops).finally(() => (done = true))
  let last = { at: start, sent: 0, claims: 0 }
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    if (Date.now() - last.at < intervalSeconds * 1000 && !done) continue
    const at = Date.now()
    const claims = claimMs.slice(last.claims)
    const tables = await tableStats(schema)
    const sample = {
      workers: workerCount,
      mailboxes,
      t: round((at - start) / 1000, 0),
      emailsPerSecond: Math.round((sent.n - last.sent) / ((at - last.at) / 1000)),
      sentTotal: sent.n,
      claims: claims.length,
      claimP50Ms: round(percentile(claims, 0.5), 2),
      claimP99Ms: round(percentile(claims, 0.99), 2),
      load1: round(loadavg()[0] ?? 0, 2),
      tables,
    }
    samples.push(sample)
    const e = tables.outbound_emails
    const l = tables.leads
    console.log(
      `${workerCount}w/${mailboxes}mb t=${sample.t}s ${sample.emailsPerSecond}/s claim p50 ${sample.claimP50Ms} p99 ${sample.claimP99Ms} ms | ` +
        `emails ${e?.heapMb}+${e?.indexesMb} MB dead ${e?.dead} av ${e?.autovacuums} | leads ${l?.heapMb}+${l?.indexesMb} MB dead ${l?.dead} av ${l?.autovacuums} | load ${sample.load1}`,
    )
    last = { at, sent: sent.n, claims: claimMs.length }
  }
  const seconds = (Date.now() - start) / 1000
  const walBytes = await walBytesSince(walStart)
  const countersEnd = await walCounters()
  await Promise.all(workers.map((worker) => worker.stop()))
  await Promise.all(stores.map((store) => store.close()))
  return {
    workers: workerCount,
    mailboxes,
    seconds: round(seconds, 1),
    sent: sent.n,
    emailsPerSecond: Math.round(sent.n / seconds),
    claimP50Ms: round(percentile(claimMs, 0.5), 2),
    claimP99Ms: round(percentile(claimMs, 0.99), 2),
    walBytesPerEmail: sent.n ? Math.round(walBytes / sent.n) : null,
    fullPageImagesPerEmail: sent.n ? round((countersEnd.fpi - countersStart.fpi) / sent.n, 2) : null,
    walRecordsPerEmail: sent.n ? round((countersEnd.records - countersStart.records) / sent.n, 1) : null,
    checkpoints: countersEnd.checkpointsTimed + countersEnd.checkpointsRequested - countersStart.checkpointsTimed - countersStart.checkpointsRequested,
    checkpointsRequested: countersEnd.checkpointsRequested - countersStart.checkpointsRequested,
    stepErrors: errors,
    samples,
  }
}

/**
 * VACUUM of the hot tables after the run, throttled as autovacuum is by default
 * (cost delay 2 ms, cost limit 200): how long autovacuum would need for the garbage the
 * run left (this server may run with `autovacuum = off`, as the CI configuration does).
 */
async function throttledVacuum(schema: string) {
  const client = await admin.connect()
  const results = []
  try {
    await client.query(`SET vacuum_cost_delay = '2ms'`)
    await client.query('SET vacuum_cost_limit = 200')
    for (const table of ['outbound_emails', 'leads']) {
      const before = (await tableStats(schema))[table]
      const start = Date.now()
      await client.query(`VACUUM ${quote(schema)}.${table}`)
      const seconds = (Date.now() - start) / 1000
      results.push({ table, seconds: round(seconds, 1), deadBefore: before?.dead ?? null, deadPerSecond: before ? Math.round(before.dead / seconds) : null, totalMbBefore: before?.totalMb ?? null })
      console.log(`VACUUM ${table} (autovacuum's default throttling): ${round(seconds, 1)} s for ${before?.dead} dead tuples`)
    }
  } finally {
    client.release()
  }
  return results
}

async function sustained() {
  const schema = `cam_bench_sustained_${randomUUID().slice(0, 6)}`
  console.log(`seeding ${leadCount} leads across ${campaignCount} campaigns into ${schema} …`)
  const seedSeconds = await seed(schema)
  const seeded = { tables: await tableStats(schema), indexes: await indexSizes(schema) }
  console.log(`seeded in ${round(seedSeconds, 0)} s: outbound_emails ${seeded.tables.outbound_emails?.totalMb} MB, leads ${seeded.tables.leads?.totalMb} MB`)
  const phases = []
  for (const { workers, mailboxes } of phasesToRun) phases.push(await phase(schema, workers, mailboxes))
  const after = { tables: await tableStats(schema), indexes: await indexSizes(schema), emails: await emailCounts(schema) }
  const vacuum = process.env.SUSTAINED_VACUUM === '0' ? null : await throttledVacuum(schema)
  if (!process.env.SUSTAINED_KEEP) await admin.query(`DROP SCHEMA ${quote(schema)} CASCADE`)
  const { rows } = await admin.query(
    `SELECT name, setting FROM pg_settings WHERE name IN ('autovacuum', 'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_scale_factor', 'autovacuum_naptime', 'autovacuum_vacuum_cost_limit', 'shared_buffers', 'max_wal_size', 'synchronous_commit', 'checkpoint_timeout')`,
  )
  console.log('\nSustained run')
  console.table(phases.map(({ samples: _samples, ...rest }) => rest))
  return { leads: leadCount, campaigns: campaignCount, mailboxes: mailboxCount, seedSeconds: round(seedSeconds, 0), seeded, phases, after, vacuum, settings: Object.fromEntries(rows.map((r) => [r.name, r.setting])) }
}

// ── 2. pgbench ceiling ──────────────────────────────────────────────────────────

function pgbench(args: string[], database: string): string {
  const target = new URL(url)
  target.pathname = `/${database}`
  const result = spawnSync(pgbenchPath, [...args, target.toString()], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`pgbench ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

async function pgbenchCeiling() {
  const database = 'cam_pgbench_scratch'
  await admin.query(`DROP DATABASE IF EXISTS ${database}`)
  await admin.query(`CREATE DATABASE ${database}`)
  try {
    pgbench(['-i', '-q', '-s', '10'], database)
    const runs = []
    for (const clients of [1, 4]) {
      const out = pgbench(['-N', '-T', '30', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-n'], database)
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0)
      const latency = Number(/latency average = ([\d.]+)/.exec(out)?.[1] ?? 0)
      runs.push({ clients, tps: Math.round(tps), latencyMs: latency, load1: round(loadavg()[0] ?? 0, 2) })
      console.log(`pgbench -N ${clients} client(s): ${Math.round(tps)} tps, ${latency} ms`)
    }
    return runs
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`)
  }
}

// ── main ───────────────────────────────────────────────────────────────────────

async function main() {
  const version = await admin.query('SHOW server_version')
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: round(totalmem() / 1024 ** 3, 1), node: process.version, postgres: String(version.rows[0].server_version) }
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}`)
  const result: Record<string, unknown> = { date: new Date().toISOString(), machine }
  if (parts.has('pgbench')) result.pgbench = await pgbenchCeiling()
  if (parts.has('sustained')) result.sustained = await sustained()
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', process.env.SUSTAINED_OUT || 'sustained-bench.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(`\nwritten to ${out}`)
}

try {
  await main()
} finally {
  await admin.end()
}
