/**
 * `pnpm bench` (in packages/dashboard): how long the dashboard takes to render its pages on a
 * PostgreSQL store holding many leads and replies. Not a test, not run in CI.
 *
 *   pnpm bench                                   1,000,000 leads, 100,000 replies, 50,000 suppressions
 *   pnpm bench --leads 100000 --replies 10000    a smaller store
 *   pnpm bench --keep                                                    keep the seeded schema (reused by the next run with the same sizes)
 *
 * The campaigns are made through the client; leads, replies (real RFC 822 bytes, processed,
 * classified), per-day counters and suppressions are seeded with set-based SQL
 * (INSERT … SELECT generate_series) straight into the store's migrated schema — through the
 * store API it would take hours. Each page is rendered through the handler (Request in,
 * Response text out, no network), 3 warm-up renders, then `--runs` (default 15) timed ones;
 * the median and p90 are printed. DATABASE_URL: default postgres://postgres@127.0.0.1:5432/test.
 */
import { parseArgs } from 'node:util'
import { createPostgresStore, migrate } from '@cam/adapter-postgres'
import { createCamClient, createConsoleLogger } from '@cam/core'
import pg from 'pg'
import { createDashboard } from '../src/index.js'

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    replies: { type: 'string', default: '100000' },
    suppressions: { type: 'string', default: '50000' },
    campaigns: { type: 'string', default: '10' },
    runs: { type: 'string', default: '15' },
    keep: { type: 'boolean', default: false },
  },
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
})
const sizes = { leads: Number(values.leads), replies: Number(values.replies), suppressions: Number(values.suppressions), campaigns: Number(values.campaigns) }
const runs = Number(values.runs)
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `cam_bench_dashboard_${sizes.leads}_${sizes.replies}`
const admin = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`

async function seeded(): Promise<boolean> {
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'leads'`, [schema])
  if (Number(rows[0]!.n) === 0) return false
  const { rows: counts } = await admin.query<{ leads: string; replies: string }>(`SELECT (SELECT count(*) FROM "${schema}".leads) AS leads, (SELECT count(*) FROM "${schema}".inbound_messages) AS replies`)
  return Number(counts[0]!.leads) === sizes.leads && Number(counts[0]!.replies) === sizes.replies
}

async function seed(): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await migrate({ connectionString: databaseUrl, schema })
  const store = createPostgresStore({ connectionString: databaseUrl, schema })
  const client = createCamClient({ store })
  const started = performance.now()
  for (let index = 0; index < sizes.campaigns; index++) {
    const campaign = await client.createCampaign({
      name: `Bench campaign ${index + 1}`,
      sender: { email: `sender${index}@acme.test` },
      steps: [
        { subject: 'Idea for {{ company }}', text: 'Hi {{ firstName }}', delayDays: 0 },
        { text: 'Following up', delayDays: 3 },
      ],
    })
    await client.startCampaign(campaign.id)
  }
  await store.close?.()
  const s = `"${schema}"`
  const step = async (label: string, sql: string) => {
    const from = performance.now()
    await admin.query(sql)
    console.log(`  ${label} (${seconds(from)})`)
  }
  console.log(`seeding ${schema}:`)
  // Leads: spread over the campaigns; states as a campaign weeks in has them.
  await step(
    `${sizes.leads.toLocaleString('en-US')} leads`,
    `INSERT INTO ${s}.leads (id, campaign_id, email, email_normalized, first_name, last_name, company, state, state_reason, next_step_index, last_sent_at, created_at, updated_at)
     SELECT gen_random_uuid()::text, c.id, 'lead' || n || '@prospect' || (n % 5000) || '.test', 'lead' || n || '@prospect' || (n % 5000) || '.test',
            'First' || n, 'Last' || (n % 997), 'Company ' || (n % 50000),
            (ARRAY['completed','completed','completed','no_reply','no_reply','active','queued','replied','interested','not_interested','unsubscribed','bounced'])[1 + n % 12],
            'seeded', 1 + n % 2, now() - ((n % 60) || ' days')::interval, now() - interval '70 days', now() - ((n % 60) || ' days')::interval
     FROM generate_series(1, ${sizes.leads}) AS n
     JOIN (SELECT id, row_number() OVER (ORDER BY created_at, id) - 1 AS k FROM ${s}.campaigns) c ON c.k = n % ${sizes.campaigns}`,
  )
  // Replies: real RFC 822 bytes with quoted history, processed and classified, one per lead of a sample.
  await step(
    `${sizes.replies.toLocaleString('en-US')} replies`,
    `INSERT INTO ${s}.inbound_messages (id, inbox, source_key, message_id, raw, received_at, status, processed_at, lead_id, campaign_id, classification, attempts)
     SELECT gen_random_uuid()::text, 'bench', 'INBOX:1:' || r.n, '<reply' || r.n || '@prospect.test>',
            convert_to('From: ' || l.first_name || ' <' || l.email || E'>\\r\\nTo: sender@acme.test\\r\\nSubject: Re: Idea for ' || l.company || E'\\r\\nMessage-ID: <reply' || r.n || E'@prospect.test>\\r\\nDate: Mon, 2 Mar 2026 10:00:00 +0000\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n\\r\\n'
              || (ARRAY['Sounds interesting, can we talk on Thursday?','Not interested, thanks.','Please remove me from your list.','What does it cost for a team of ten?','I am out of the office until Monday.'])[1 + r.n % 5]
              || E'\\r\\n\\r\\nBest,\\r\\n' || l.first_name || E'\\r\\n\\r\\nOn Mon, 2 Mar 2026 ana wrote:\\r\\n> Hi ' || l.first_name || E', a quick idea for ' || l.company || E'.\\r\\n> ' || repeat('We help teams like yours send fewer, better emails. ', 8) || E'\\r\\n', 'UTF8'),
            now() - ((r.n % 60) || ' days')::interval - ((r.n % 1440) || ' minutes')::interval, 'processed', now(), l.id, l.campaign_id,
            jsonb_build_object('category', (ARRAY['positive','negative','unsubscribe','question','out_of_office'])[1 + r.n % 5], 'confidence', 0.9, 'reason', 'seeded reply', 'classifier', 'rules'), 1
     FROM generate_series(1, ${sizes.replies}) AS r(n)
     JOIN ${s}.leads l ON l.seq = 1 + ((r.n::bigint * 7919) % ${sizes.leads})`,
  )
  await step(
    `${sizes.suppressions.toLocaleString('en-US')} suppressions`,
    `INSERT INTO ${s}.suppressions (email, reason, source, created_at)
     SELECT 'suppressed' || n || '@blocked' || (n % 300) || '.test', (ARRAY['unsubscribe','hard_bounce','complaint','manual'])[1 + n % 4], 'seeded', now() - ((n % 90) || ' days')::interval
     FROM generate_series(1, ${sizes.suppressions}) AS n`,
  )
  await step(
    'daily counters (90 days × campaigns)',
    `INSERT INTO ${s}.campaign_counters (campaign_id, day, sent, replied, positive, negative, bounced, hard_bounced, unsubscribed, delivered)
     SELECT c.id, (now() - (d || ' days')::interval)::date, 400 + d % 50, 20 + d % 7, 4 + d % 3, 3 + d % 4, 6 + d % 5, 2 + d % 2, 1 + d % 3, 380 + d % 40
     FROM ${s}.campaigns c CROSS JOIN generate_series(0, 89) AS d`,
  )
  await step('analyze', `ANALYZE ${s}.leads; ANALYZE ${s}.inbound_messages; ANALYZE ${s}.suppressions; ANALYZE ${s}.campaign_counters`)
  console.log(`seeded in ${seconds(started)}`)
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

async function main(): Promise<void> {
  if (await seeded()) console.log(`reusing ${schema} (seeded by an earlier --keep run)`)
  else await seed()
  const store = createPostgresStore({ connectionString: databaseUrl, schema })
  const client = createCamClient({ store })
  const dashboard = createDashboard({ client, basePath: '/cam', authorize: () => ({ actor: 'bench' }), logger: createConsoleLogger({ level: 'warn' }) })
  const s = `"${schema}"`
  const [campaign] = await client.listCampaigns()
  const deepReply = (await admin.query<{ id: string }>(`SELECT id FROM ${s}.inbound_messages ORDER BY seq DESC OFFSET ${Math.floor(sizes.replies * 0.9)} LIMIT 1`)).rows[0]!.id
  const deepLead = (await admin.query<{ id: string }>(`SELECT id FROM ${s}.leads WHERE campaign_id = $1 ORDER BY seq OFFSET ${Math.floor((sizes.leads / sizes.campaigns) * 0.9)} LIMIT 1`, [campaign!.id])).rows[0]!.id
  const deepSuppression = (await admin.query<{ email: string }>(`SELECT email FROM ${s}.suppressions ORDER BY seq OFFSET ${Math.floor(sizes.suppressions * 0.9)} LIMIT 1`)).rows[0]!.email
  const pages: Array<[string, string]> = [
    [`campaigns list (${sizes.campaigns} campaigns)`, '/'],
    ['one campaign (charts, first page of leads)', `/campaigns/${campaign!.id}`],
    ['one campaign, leads page at 90%', `/campaigns/${campaign!.id}?after=${encodeURIComponent(deepLead)}`],
    ['replies, newest 50', '/replies'],
    ['replies, positive only', '/replies?category=positive'],
    ['replies, one campaign', `/replies?campaign=${campaign!.id}`],
    ['replies, page at 90% (before=…)', `/replies?before=${encodeURIComponent(deepReply)}`],
    ['suppressions, first page', '/suppressions'],
    ['suppressions, search "blocked7"', '/suppressions?search=blocked7'],
    ['suppressions, search with no match', '/suppressions?search=nobody-has-this'],
    ['suppressions, page at 90% (after=…)', `/suppressions?after=${encodeURIComponent(deepSuppression)}`],
  ]
  console.log(`\n${sizes.leads.toLocaleString('en-US')} leads, ${sizes.replies.toLocaleString('en-US')} replies, ${sizes.suppressions.toLocaleString('en-US')} suppressions; ${runs} renders each after 3 warm-ups\n`)
  console.log(`${'page'.padEnd(44)}${'median'.padStart(10)}${'p90'.padStart(10)}${'KB'.padStart(8)}`)
  for (const [label, path] of pages) {
    const times: number[] = []
    let size = 0
    for (let run = 0; run < runs + 3; run++) {
      const from = performance.now()
      const response = await dashboard(new Request(`http://localhost/cam${path === '/' ? '' : path}`))
      const text = await response.text()
      if (response.status !== 200) throw new Error(`${path}: ${response.status}\n${text.slice(0, 500)}`)
      if (run >= 3) times.push(performance.now() - from)
      size = text.length
    }
    times.sort((a, b) => a - b)
    console.log(`${label.padEnd(44)}${`${quantile(times, 0.5).toFixed(0)} ms`.padStart(10)}${`${quantile(times, 0.9).toFixed(0)} ms`.padStart(10)}${(size / 1024).toFixed(0).padStart(8)}`)
  }
  await store.close?.()
  if (!values.keep) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin.end()
}

await main()
