/**
 * `pnpm bench`: throughput and idle-cycle benchmark of the PostgreSQL store (not a test).
 *
 * 1. send-step throughput: N due emails across 50 campaigns, a no-op sender, 1 and 4
 *    workers (in this process, each with its own pool), only the `send` step running;
 * 2. the same workload as no-op jobs drained by graphile-worker on the same database,
 *    in the same run (1 and 4 runners, concurrency 4 each = CAM's `sendConcurrency`);
 * 3. an idle worker cycle (every step, nothing due) with 10,000 vs 1,000,000 leads,
 *    with the plans of the hot queries.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_EMAILS (default 20000), BENCH_LEADS (default "10000,1000000"; empty skips the idle cycle),
 * BENCH_CYCLES (default 30), BENCH_WORKERS (default "1,4"), BENCH_PARTS (default "cam,async,graphile"; "perEmail" adds
 * CAM recording each email on its own, as before group commit, for a same-run comparison),
 * BENCH_ROUNDS (default 3: interleaved rounds per worker count, medians reported),
 * BENCH_CORE_BEFORE (the path of another build of @cam/core's dist/index.js: part "before" runs CAM
 * with it, for a same-run before/after of a change in core) and BENCH_ADAPTER_BEFORE (the path of
 * another copy's src/index.ts: part "before" runs its store).
 * WAL bytes per email/job: pg_current_wal_lsn() difference over the timed part (server-wide).
 * CPU per email/job: this process's CPU (process.cpuUsage) and that of the PostgreSQL backends of
 * the part's own connections (tagged by application_name, read from /proc; Linux, same machine).
 * Results: printed as tables and written to bench/results/postgres-bench.json (or BENCH_OUT, a file name in bench/results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, type as osType, release } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { Logger as GraphileLogger, run as runGraphileWorker, makeWorkerUtils, type Runner } from 'graphile-worker'
import { createCamWorker, type CamWorker, type SenderV1 } from '@cam/core'
import { sampleCampaign, sampleEmail, sampleLead } from '@cam/core/testing'
import { createPostgresStore, migrate, type PostgresStore } from '../src/index.js'
import { claimDueEmailsStatements } from '../src/claim-due-emails.js'

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const emailCount = Number(process.env.BENCH_EMAILS ?? 20_000)
const leadSizes = (process.env.BENCH_LEADS ?? '10000,1000000').split(',').filter(Boolean).map(Number)
const workerCounts = (process.env.BENCH_WORKERS ?? '1,4').split(',').filter(Boolean).map(Number)
const sendRounds = Number(process.env.BENCH_ROUNDS ?? 3)
const benchParts = new Set((process.env.BENCH_PARTS ?? 'cam,async,graphile').split(','))
const idleCycles = Number(process.env.BENCH_CYCLES ?? 30)
const campaignCount = 50
const admin = new pg.Pool({ connectionString: url, max: 2 })

/** Another build of @cam/core (BENCH_CORE_BEFORE), for part "before". */
const coreBefore = process.env.BENCH_CORE_BEFORE ? ((await import(pathToFileURL(process.env.BENCH_CORE_BEFORE).href)) as { createCamWorker: typeof createCamWorker }) : null
/** Another copy of this package's source (BENCH_ADAPTER_BEFORE), for part "before". */
const adapterBefore = process.env.BENCH_ADAPTER_BEFORE
  ? ((await import(pathToFileURL(process.env.BENCH_ADAPTER_BEFORE).href)) as { createPostgresStore: typeof createPostgresStore })
  : null
if (benchParts.has('before') && !coreBefore) throw new Error('part "before" needs BENCH_CORE_BEFORE (the path of another build of @cam/core dist/index.js)')

/** The database URL with an application_name, so that the part's backends can be told apart. */
const taggedUrl = (tag: string) => `${url}${url.includes('?') ? '&' : '?'}application_name=${tag}`
const clockTicksPerSecond = 100
/** CPU time (µs) of each PostgreSQL backend with application_name `tag`, by pid (from /proc: the server runs on this machine). */
async function backendCpu(tag: string): Promise<Map<number, number>> {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [tag])
  const cpu = new Map<number, number>()
  for (const { pid } of rows as Array<{ pid: number }>) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      // utime and stime: fields 14 and 15 of stat, 12 and 13 after "(comm) ".
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicksPerSecond)
    } catch {
      // The backend ended meanwhile.
    }
  }
  return cpu
}
/** CPU (µs) the backends of `tag` used since `before` (a backend that started meanwhile counts whole). */
async function backendCpuSince(tag: string, before: Map<number, number>): Promise<number> {
  let total = 0
  for (const [pid, us] of await backendCpu(tag)) total += us - (before.get(pid) ?? 0)
  return total
}
const nodeCpu = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const silentGraphileLogger = new GraphileLogger(() => () => {})
const noopSender: SenderV1 = { name: 'noop', idempotent: true, send: async () => ({}) }
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits
/** The server's WAL position: the difference of two, divided by the items, is WAL bytes per item (server-wide: includes what else runs on it). */
const walLsn = async () => String((await admin.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn)
const walBytesSince = async (lsn: string) => Number((await admin.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS n', [lsn])).rows[0].n)

async function freshSchema(prefix: string): Promise<string> {
  const schema = `cam_bench_${prefix}_${randomUUID().slice(0, 6)}`
  await admin.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`)
  return schema
}
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`)

// ── 1. CAM send throughput ──────────────────────────────────────────────────────

async function seedSendWorkload(store: PostgresStore): Promise<void> {
  const now = new Date()
  const due = new Date(now.getTime() - 60_000)
  for (let c = 0; c < campaignCount; c++) {
    const campaign = await store.createCampaign(sampleCampaign({ dailyCap: 100_000 }), now)
    await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
    const share = Math.floor(emailCount / campaignCount) + (c < emailCount % campaignCount ? 1 : 0)
    for (let offset = 0; offset < share; offset += 2000) {
      const leads = Array.from({ length: Math.min(2000, share - offset) }, () => ({ lead: sampleLead(), firstEmail: sampleEmail(0, due) }))
      await store.addLeads({ campaignId: campaign.id, leads, now })
    }
  }
}

/**
 * `groupCommit` false: the store without `recordEmailsSent`, so each email is recorded on its own (as before group commit).
 * `core`: the build of @cam/core that runs the workers (part "before": BENCH_CORE_BEFORE).
 */
async function camSendThroughput(
  workerCount: number,
  asyncCommitSendRecords = false,
  groupCommit = true,
  core: { createCamWorker: typeof createCamWorker } = { createCamWorker },
  adapter: { createPostgresStore: typeof createPostgresStore } = { createPostgresStore },
) {
  const tag = `cam-bench-${randomUUID().slice(0, 8)}`
  const schema = await freshSchema(`send${workerCount}`)
  await migrate({ connectionString: url, schema })
  const seedStore = createPostgresStore({ connectionString: url, schema, poolSize: 4 })
  await seedSendWorkload(seedStore)
  await seedStore.close()
  await admin.query(`VACUUM ANALYZE ${quote(schema)}.outbound_emails, ${quote(schema)}.leads, ${quote(schema)}.campaigns`)
  const stores = Array.from({ length: workerCount }, () => adapter.createPostgresStore({ connectionString: taggedUrl(tag), schema, poolSize: 6, listen: false, asyncCommitSendRecords }))
  const workers: CamWorker[] = stores.map((store, i) =>
    core.createCamWorker({
      store: groupCommit ? store : { ...store, recordEmailsSent: undefined },
      sender: noopSender,
      config: { workerId: `bench-${i}`, stopOnSignals: false, maxSendsPerCycle: 1_000_000 },
      hooks: { steps: (steps) => steps.filter((step) => step.name === 'send') },
    }),
  )
  await Promise.all(stores.map((store) => store.listCampaigns())) // connect + schema check before timing
  const walStart = await walLsn()
  const backendStart = await backendCpu(tag)
  const nodeStart = nodeCpu()
  const start = process.hrtime.bigint()
  const sent = await Promise.all(
    workers.map(async (worker) => {
      let total = 0
      for (;;) {
        const report = await worker.runOnce()
        const step = report.steps.find((s) => s.name === 'send')
        if (step?.status !== 'ok') throw new Error(`send step failed: ${step?.error}`)
        total += step.counts.sent ?? 0
        if ((step.counts.claimed ?? 0) === 0) return total
      }
    }),
  )
  const elapsedMs = ms(start)
  const nodeUs = nodeCpu() - nodeStart
  const backendUs = await backendCpuSince(tag, backendStart)
  const walBytes = await walBytesSince(walStart)
  const total = sent.reduce((a, b) => a + b, 0)
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${quote(schema)}.outbound_emails WHERE status = 'sent'`)
  if (total !== emailCount || rows[0].n !== emailCount) throw new Error(`expected ${emailCount} sent, got ${total} (store: ${rows[0].n})`)
  await Promise.all(stores.map((store) => store.close()))
  await dropSchema(schema)
  return {
    workers: workerCount,
    asyncCommitSendRecords,
    groupCommit,
    emails: total,
    seconds: round(elapsedMs / 1000, 2),
    perSecond: Math.round(total / (elapsedMs / 1000)),
    walBytesPerItem: Math.round(walBytes / total),
    nodeCpuUsPerItem: Math.round(nodeUs / total),
    backendCpuUsPerItem: Math.round(backendUs / total),
  }
}

// ── 2. graphile-worker on the same workload ─────────────────────────────────────

async function graphileThroughput(runnerCount: number) {
  const schema = await freshSchema(`gw${runnerCount}`)
  const utils = await makeWorkerUtils({ connectionString: url, schema, logger: silentGraphileLogger })
  await utils.migrate()
  await utils.release()
  await admin.query(
    `SELECT ${quote(schema)}.add_job('noop', json_build_object('campaign', i % ${campaignCount}, 'lead', i)) FROM generate_series(1, $1) AS i`,
    [emailCount],
  )
  await admin.query(`VACUUM ANALYZE ${quote(schema)}._private_jobs`)
  let done = 0
  let finish: () => void = () => {}
  const finished = new Promise<void>((resolve) => (finish = resolve))
  const runners: Runner[] = []
  const tag = `gw-bench-${randomUUID().slice(0, 8)}`
  const walStart = await walLsn()
  const nodeStart = nodeCpu()
  const start = process.hrtime.bigint()
  for (let i = 0; i < runnerCount; i++) {
    const runner = await runGraphileWorker({
      connectionString: taggedUrl(tag),
      schema,
      concurrency: 4,
      noHandleSignals: true,
      pollInterval: 1000,
      // Silent: graphile-worker logs every job by default, which would slow it down here.
      logger: silentGraphileLogger,
      crontab: '',
      taskList: {
        noop: async () => {
          if (++done === emailCount) finish()
        },
      },
    })
    runners.push(runner)
  }
  await finished
  // Completions are written after the task returns: wait until the queue is empty.
  for (;;) {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${quote(schema)}._private_jobs`)
    if (rows[0].n === 0) break
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const elapsedMs = ms(start)
  const nodeUs = nodeCpu() - nodeStart
  // Its backends connected after the start: each counts whole (connection setup included).
  const backendUs = await backendCpuSince(tag, new Map())
  const walBytes = await walBytesSince(walStart)
  await Promise.all(runners.map((runner) => runner.stop()))
  await dropSchema(schema)
  return {
    runners: runnerCount,
    jobs: emailCount,
    seconds: round(elapsedMs / 1000, 2),
    perSecond: Math.round(emailCount / (elapsedMs / 1000)),
    walBytesPerItem: Math.round(walBytes / emailCount),
    nodeCpuUsPerItem: Math.round(nodeUs / emailCount),
    backendCpuUsPerItem: Math.round(backendUs / emailCount),
  }
}

// ── 3. idle cycle vs store size ────────────────────────────────────────────────

/** Seeds `leadCount` leads in a realistic mix with SQL (the store API would take minutes for a million). */
async function seedLeads(schema: string, leadCount: number): Promise<void> {
  const s = quote(schema)
  const store = createPostgresStore({ connectionString: url, schema, poolSize: 2, listen: false })
  const now = new Date()
  for (let c = 0; c < campaignCount; c++) {
    const campaign = await store.createCampaign(sampleCampaign({ dailyCap: 100_000 }), now)
    await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
  }
  await store.close()
  // 60% completed (reply deadline ahead), 30% active (a follow-up queued days ahead), 10% replied.
  await admin.query(
    `INSERT INTO ${s}.leads (id, campaign_id, email, email_normalized, first_name, variables, state, next_step_index, last_sent_at, reply_deadline_at, thread_subject, created_at, updated_at)
     SELECT 'lead-' || i, c.ids[1 + i % ${campaignCount}], 'p' || i || '@prospect.example', 'p' || i || '@prospect.example', 'P', '{}',
            CASE WHEN i % 10 < 6 THEN 'completed' WHEN i % 10 < 9 THEN 'active' ELSE 'replied' END,
            CASE WHEN i % 10 < 6 THEN 3 ELSE 1 END,
            now() - interval '1 day',
            CASE WHEN i % 10 < 6 THEN now() + interval '10 days' END,
            'Hello', now() - interval '20 days', now()
     FROM generate_series(1, $1) AS i, (SELECT array_agg(id ORDER BY seq) AS ids FROM ${s}.campaigns) AS c`,
    [leadCount],
  )
  await admin.query(
    `INSERT INTO ${s}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, subject, attempts, sent_at, cap_day, created_at, updated_at)
     SELECT 'e0-' || l.id, l.campaign_id, l.id, 0, 'sent', now() - interval '3 days', '<e0-' || l.id || '@x>', 'k0-' || l.id, 'Hello', 1, now() - interval '3 days', '2000-01-01', now() - interval '20 days', now()
     FROM ${s}.leads l`,
  )
  await admin.query(
    `INSERT INTO ${s}.outbound_emails (id, campaign_id, lead_id, step_index, status, scheduled_at, message_id, idempotency_key, created_at, updated_at)
     SELECT 'e1-' || l.id, l.campaign_id, l.id, 1, 'queued', now() + interval '3 days', '<e1-' || l.id || '@x>', 'k1-' || l.id, now(), now()
     FROM ${s}.leads l WHERE l.state = 'active'`,
  )
  await admin.query(
    `INSERT INTO ${s}.campaign_counters (campaign_id, day, sent, replied, bounced, unsubscribed)
     SELECT c.id, current_date - d, 100, 5, 2, 1 FROM ${s}.campaigns c, generate_series(0, 89) AS d`,
  )
  await admin.query(
    `INSERT INTO ${s}.suppressions (email, reason, source, created_at)
     SELECT 'p' || i || '@prospect.example', 'unsubscribe', 'bench', now() FROM generate_series(1, $1, 100) AS i`,
    [leadCount],
  )
  await admin.query(
    `INSERT INTO ${s}.inbound_messages (id, inbox, source_key, message_id, raw, received_at, status, processed_at, lead_id)
     SELECT 'm-' || i, 'inbox', 'INBOX:1:' || i, '<m-' || i || '@prospect.example>', convert_to('Subject: Re: Hello', 'UTF8'), now(), 'processed', now(), 'lead-' || i
     FROM generate_series(1, $1, 20) AS i`,
    [leadCount],
  )
  await admin.query(`VACUUM ANALYZE ${s}.leads, ${s}.outbound_emails, ${s}.campaign_counters, ${s}.suppressions, ${s}.inbound_messages, ${s}.campaigns`)
}

/** EXPLAIN (ANALYZE, BUFFERS) of the queries an idle cycle runs. */
async function idlePlans(schema: string) {
  const s = quote(schema)
  const client = await admin.connect()
  const plans: Record<string, { ms: number; buffers: number; plan: string[] }> = {}
  try {
    const { rows: campaigns } = await client.query(`SELECT id FROM ${s}.campaigns`)
    const ids = campaigns.map((c) => c.id)
    const now = new Date()
    const claim = claimDueEmailsStatements(s)
    const queries: Record<string, [string, unknown[]]> = {
      'claim: due candidates (send step)': [claim.candidates, [ids, ids.map(() => '2030-01-01'), ids.map(() => 100_000), now, 50, true, 0, 10]],
      'timeouts: leads past reply deadline': [
        `SELECT * FROM ${s}.leads WHERE reply_due_at IS NOT NULL AND reply_due_at <= $1 ORDER BY reply_due_at, seq LIMIT 1000`,
        [now],
      ],
      'metrics: counters of 50 campaigns': [
        `SELECT campaign_id, sum(sent), sum(sent) FILTER (WHERE day >= $2::date) FROM ${s}.campaign_counters WHERE campaign_id = ANY($1::text[]) GROUP BY campaign_id`,
        [ids, '2000-01-01'],
      ],
      'process: pending messages': [
        `SELECT id FROM ${s}.inbound_messages WHERE status = 'pending' AND available_at <= $1 AND (claimed_by IS NULL OR claim_expires_at <= $1) ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED`,
        [now],
      ],
    }
    for (const [name, [sql, params]] of Object.entries(queries)) {
      await client.query('BEGIN')
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)
      await client.query('ROLLBACK')
      const root = (rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode; 'Execution Time': number }>)[0]!
      plans[name] = { ms: round(root['Execution Time'], 3), buffers: (root.Plan['Shared Hit Blocks'] ?? 0) + (root.Plan['Shared Read Blocks'] ?? 0), plan: flattenPlan(root.Plan) }
    }
  } finally {
    client.release()
  }
  return plans
}

interface PlanNode {
  'Node Type': string
  'Index Name'?: string
  'Relation Name'?: string
  'Actual Rows'?: number
  'Shared Hit Blocks'?: number
  'Shared Read Blocks'?: number
  Plans?: PlanNode[]
}

function flattenPlan(node: PlanNode, depth = 0, out: string[] = []): string[] {
  const target = node['Index Name'] ? ` using ${node['Index Name']}` : node['Relation Name'] ? ` on ${node['Relation Name']}` : ''
  out.push(`${'  '.repeat(depth)}${node['Node Type']}${target} (rows ${node['Actual Rows'] ?? 0})`)
  for (const child of node.Plans ?? []) flattenPlan(child, depth + 1, out)
  return out
}

async function idleCycle(leadCount: number) {
  const schema = await freshSchema(`idle${leadCount}`)
  await migrate({ connectionString: url, schema })
  const seedStart = process.hrtime.bigint()
  await seedLeads(schema, leadCount)
  const seedSeconds = ms(seedStart) / 1000
  const store = createPostgresStore({ connectionString: url, schema, poolSize: 4, listen: false })
  const worker = createCamWorker({ store, sender: noopSender, config: { stopOnSignals: false } })
  for (let i = 0; i < 3; i++) await worker.runOnce() // warm-up: connections, prepared statements, caches
  const durations: number[] = []
  const steps = new Map<string, number[]>()
  for (let i = 0; i < idleCycles; i++) {
    const report = await worker.runOnce()
    for (const step of report.steps) {
      if (step.status === 'error') throw new Error(`${step.name} failed: ${step.error}`)
      steps.set(step.name, [...(steps.get(step.name) ?? []), step.durationMs])
    }
    if ((report.steps.find((s) => s.name === 'send')?.counts.claimed ?? 0) > 0) throw new Error('the idle cycle sent something')
    durations.push(report.durationMs)
  }
  const plans = await idlePlans(schema)
  await worker.stop()
  await store.close()
  const size = await admin.query(`SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS size FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`, [schema])
  await dropSchema(schema)
  return {
    leads: leadCount,
    seedSeconds: round(seedSeconds, 1),
    storeSize: String(size.rows[0].size),
    cycleMedianMs: round(median(durations), 2),
    cycleP95Ms: round(percentile(durations, 0.95), 2),
    stepsMedianMs: Object.fromEntries([...steps].map(([name, values]) => [name, round(median(values), 2)])),
    plans,
  }
}

// ── main ───────────────────────────────────────────────────────────────────────

async function main() {
  const version = await admin.query('SHOW server_version')
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    os: `${osType()} ${release()}`,
    node: process.version,
    postgres: String(version.rows[0].server_version),
  }
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}`)
  const send = []
  const skipped = { perSecond: 0, seconds: 0, walBytesPerItem: 0, nodeCpuUsPerItem: 0, backendCpuUsPerItem: 0 }
  for (const workers of workerCounts) {
    // Interleaved rounds (CAM, CAM async, graphile-worker, then again) so that a noisy
    // neighbour on the machine hits all three alike; the medians are reported.
    const rounds: Array<{
      cam: number
      camAsync: number
      camPerEmail: number
      before: number
      graphile: number
      /** CPU per email/job (µs): this process, the part's PostgreSQL backends. */
      cpu: Record<'cam' | 'before' | 'graphile', { node: number; backend: number }>
      camWal: number
      camAsyncWal: number
      camPerEmailWal: number
      graphileWal: number
    }> = []
    for (let attempt = 1; attempt <= sendRounds; attempt++) {
      const cam = benchParts.has('cam') ? await camSendThroughput(workers) : skipped
      const camAsync = benchParts.has('async') ? await camSendThroughput(workers, true) : skipped
      const camPerEmail = benchParts.has('perEmail') ? await camSendThroughput(workers, false, false) : skipped
      const before = benchParts.has('before') && coreBefore ? await camSendThroughput(workers, false, true, coreBefore, adapterBefore ?? { createPostgresStore }) : skipped
      const graphile = benchParts.has('graphile') ? await graphileThroughput(workers) : skipped
      const cpuOf = (r: { nodeCpuUsPerItem?: number; backendCpuUsPerItem?: number }) => ({ node: r.nodeCpuUsPerItem ?? 0, backend: r.backendCpuUsPerItem ?? 0 })
      rounds.push({
        cam: cam.perSecond,
        camAsync: camAsync.perSecond,
        camPerEmail: camPerEmail.perSecond,
        before: before.perSecond,
        graphile: graphile.perSecond,
        cpu: { cam: cpuOf(cam), before: cpuOf(before), graphile: cpuOf(graphile) },
        camWal: cam.walBytesPerItem,
        camAsyncWal: camAsync.walBytesPerItem,
        camPerEmailWal: camPerEmail.walBytesPerItem,
        graphileWal: graphile.walBytesPerItem,
      })
      console.log(
        `send ${workers} worker(s), round ${attempt}: CAM ${cam.perSecond}/s, ${cam.walBytesPerItem} WAL B/email (async send records ${camAsync.perSecond}/s; ` +
          `one record per email ${camPerEmail.perSecond}/s, ${camPerEmail.walBytesPerItem} WAL B/email), ` +
          `graphile-worker ${graphile.perSecond}/s, ${graphile.walBytesPerItem} WAL B/job` +
          (before.perSecond ? `; before (BENCH_CORE_BEFORE) ${before.perSecond}/s` : '') +
          `; CPU µs per item (node+backend): CAM ${cam.nodeCpuUsPerItem ?? 0}+${cam.backendCpuUsPerItem ?? 0}` +
          (before.perSecond ? `, before ${before.nodeCpuUsPerItem ?? 0}+${before.backendCpuUsPerItem ?? 0}` : '') +
          `, graphile-worker ${graphile.nodeCpuUsPerItem ?? 0}+${graphile.backendCpuUsPerItem ?? 0}`,
      )
    }
    const cam = Math.round(median(rounds.map((r) => r.cam)))
    const camAsync = Math.round(median(rounds.map((r) => r.camAsync)))
    const camPerEmail = Math.round(median(rounds.map((r) => r.camPerEmail)))
    const graphile = Math.round(median(rounds.map((r) => r.graphile)))
    const before = Math.round(median(rounds.map((r) => r.before)))
    const cpuMedian = (part: 'cam' | 'before' | 'graphile') => ({
      node: Math.round(median(rounds.map((r) => r.cpu[part].node))),
      backend: Math.round(median(rounds.map((r) => r.cpu[part].backend))),
    })
    send.push({
      workers,
      rounds,
      cam,
      camAsync,
      camPerEmail,
      graphile,
      camPerEmailWalBytesPerEmail: Math.round(median(rounds.map((r) => r.camPerEmailWal))),
      camWalBytesPerEmail: Math.round(median(rounds.map((r) => r.camWal))),
      camAsyncWalBytesPerEmail: Math.round(median(rounds.map((r) => r.camAsyncWal))),
      graphileWalBytesPerJob: Math.round(median(rounds.map((r) => r.graphileWal))),
      ratio: graphile ? round(cam / graphile, 2) : null,
      // The median of each round's own ratio: steadier than the ratio of medians on a busy machine.
      ratioOfRounds: graphile ? round(median(rounds.map((r) => (r.graphile ? r.cam / r.graphile : 0))), 2) : null,
      ratioAsync: graphile ? round(camAsync / graphile, 2) : null,
      ratioPerEmail: graphile ? round(camPerEmail / graphile, 2) : null,
      before,
      ratioBefore: graphile && before ? round(before / graphile, 2) : null,
      ratioOfRoundsBefore: graphile && before ? round(median(rounds.map((r) => (r.graphile ? r.before / r.graphile : 0))), 2) : null,
      afterOverBeforeOfRounds: before ? round(median(rounds.map((r) => (r.before ? r.cam / r.before : 0))), 2) : null,
      cpuUsPerItem: { cam: cpuMedian('cam'), before: cpuMedian('before'), graphile: cpuMedian('graphile') },
    })
  }
  console.log(`\nSend-step throughput: ${emailCount} due emails across ${campaignCount} campaigns, no-op sender, median of ${sendRounds} round(s)`)
  console.table(
    send.map((r) => ({
      workers: r.workers,
      'CAM emails/s': r.cam,
      'graphile-worker jobs/s': r.graphile,
      'CAM ÷ graphile-worker': r.ratio,
      'median of round ratios': r.ratioOfRounds,
      'CAM WAL B/email': r.camWalBytesPerEmail,
      'graphile-worker WAL B/job': r.graphileWalBytesPerJob,
      'CAM async-commit emails/s': r.camAsync,
      'async ÷ graphile-worker': r.ratioAsync,
      'one record per email emails/s': r.camPerEmail,
      'per email ÷ graphile-worker': r.ratioPerEmail,
      'per email WAL B/email': r.camPerEmailWalBytesPerEmail,
      ...(r.before ? { 'before emails/s': r.before, 'before ÷ graphile-worker (round ratios)': r.ratioOfRoundsBefore, 'CAM ÷ before (round ratios)': r.afterOverBeforeOfRounds } : {}),
    })),
  )
  console.log('\nCPU per email/job (µs, medians): this process (node) and the part\'s PostgreSQL backends')
  console.table(
    send.map((r) => ({
      workers: r.workers,
      'CAM node': r.cpuUsPerItem.cam.node,
      'CAM backend': r.cpuUsPerItem.cam.backend,
      ...(r.before ? { 'before node': r.cpuUsPerItem.before.node, 'before backend': r.cpuUsPerItem.before.backend } : {}),
      'graphile-worker node': r.cpuUsPerItem.graphile.node,
      'graphile-worker backend': r.cpuUsPerItem.graphile.backend,
    })),
  )
  const idle = []
  for (const leads of leadSizes) {
    const result = await idleCycle(leads)
    idle.push(result)
    console.log(`idle cycle with ${leads} leads: median ${result.cycleMedianMs} ms`)
  }
  console.log('\nIdle cycle (every step, nothing due)')
  console.table(idle.map((r) => ({ leads: r.leads, 'store size': r.storeSize, 'median ms': r.cycleMedianMs, 'p95 ms': r.cycleP95Ms, ...r.stepsMedianMs })))
  const [smallest, largest] = [idle[0], idle.at(-1)]
  const idleRatio = smallest && largest ? round(largest.cycleMedianMs / smallest.cycleMedianMs, 2) : null
  if (idleRatio !== null) console.log(`largest ÷ smallest idle cycle: ${idleRatio}×`)
  for (const result of idle) {
    console.log(`\nQuery plans with ${result.leads} leads:`)
    for (const [name, plan] of Object.entries(result.plans)) console.log(`  ${name}: ${plan.ms} ms, ${plan.buffers} buffers\n    ${plan.plan.join('\n    ')}`)
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', process.env.BENCH_OUT || 'postgres-bench.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, emails: emailCount, campaigns: campaignCount, send, idle, idleRatio }, null, 2)}\n`)
  console.log(`\nwritten to ${out}`)
}

try {
  await main()
} finally {
  await admin.end()
}
