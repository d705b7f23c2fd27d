import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createFileSender, createMaildirInbox } from '@cam/adapter-filesystem'
import { createPostgresStore, openEmbeddedDatabase } from '@cam/adapter-postgres'
import { createCamClient, createCamWorker, createConsoleAlerts, type CampaignMetrics, type Lead, type ReplyCategory } from '@cam/core'
import { createManualClock } from '@cam/core/testing'
import { demoCampaign, demoLeads, personaOf } from './demo-campaign.js'
import { ProspectSimulator } from './prospect-simulator.js'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the database, outbox and Maildir live. */
  dataDir: string
  /** Simulated days to run (default 21). */
  days?: number
  /** Start over: delete `dataDir` first. */
  reset?: boolean
  /** Where progress goes (default stdout). */
  out?: { write(text: string): unknown }
}

/** What the demo did, for the summary and for tests. */
export interface DemoSummary {
  firstRun: boolean
  simulatedFrom: Date
  simulatedTo: Date
  sentThisRun: number
  receivedThisRun: number
  classifiedThisRun: Partial<Record<ReplyCategory, number>>
  leads: Array<Pick<Lead, 'email' | 'state' | 'stateReason' | 'timezone'> & { name: string; persona: string }>
  metrics: CampaignMetrics
  alertsDelivered: number
  paths: { dataDir: string; outbox: string; maildir: string; database: string }
}

const hour = 3_600_000
const start = new Date('2026-01-04T23:00:00Z') // Monday 2026-01-05, 00:00 in Berlin: one simulated day = one Berlin calendar day

interface DemoState {
  clock: string
  campaignId: string
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text.slice(0, width - 1)}…` : text + ' '.repeat(width - text.length)
}

/**
 * Runs the zero-setup demo: the real worker on embedded PostgreSQL (PGlite), a Maildir
 * inbox, a pickup-directory sender and console alerts, with a prospect simulator and a
 * simulated clock that advances hour by hour. A second run continues from the stored
 * state (nothing is sent twice).
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const out = options.out ?? process.stdout
  const days = options.days ?? 21
  const dataDir = options.dataDir
  if (options.reset) await rm(dataDir, { recursive: true, force: true })
  await mkdir(dataDir, { recursive: true })
  const paths = { dataDir, outbox: join(dataDir, 'outbox'), maildir: join(dataDir, 'Maildir'), database: join(dataDir, 'pgdata') }
  const stateFile = join(dataDir, 'demo-state.json')
  const previous = await readFile(stateFile, 'utf8').then((text) => JSON.parse(text) as DemoState, () => null)

  // Created as a draft and renamed into place when complete: a demo killed during its first
  // start leaves no half-made database; one that cannot be opened names the way out.
  const pglite = await openEmbeddedDatabase({
    dataDir: paths.database,
    recoveryAdvice: `run \`pnpm demo --reset\` to start over (it deletes the demo's data in ${dataDir})`,
  })
  const store = createPostgresStore({ pglite })
  const clock = createManualClock(previous ? new Date(previous.clock) : start)
  const client = createCamClient({ store, clock })
  try {
    let campaignId = previous?.campaignId
    if (!campaignId) {
      const campaign = await client.createCampaign(demoCampaign)
      const report = await client.addLeads(campaign.id, demoLeads.map(({ persona: _persona, ...lead }) => lead))
      out.write(`Created campaign "${campaign.name}" with ${report.added} leads (3 steps, weekdays 09:00–17:00 Berlin, ${demoCampaign.dailyCap} emails/day).\n`)
      await client.startCampaign(campaign.id)
      campaignId = campaign.id
      await writeFile(stateFile, JSON.stringify({ clock: clock.now().toISOString(), campaignId } satisfies DemoState))
    } else {
      out.write(`Continuing from ${clock.now().toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' })} with the stored state in ${dataDir} (use --reset to start over).\n`)
    }

    const simulator = new ProspectSimulator(paths.outbox, paths.maildir, join(dataDir, 'simulator.json'))
    await simulator.load()
    const worker = createCamWorker({
      store,
      clock,
      inbox: createMaildirInbox({ directory: paths.maildir, name: 'demo-replies', createIfMissing: true }),
      sender: createFileSender({ directory: paths.outbox, createIfMissing: true, clock }),
      alerts: [createConsoleAlerts({ stream: out })],
      config: {
        workerId: 'demo-worker',
        stopOnSignals: false,
        unsubscribe: { secret: 'demo-unsubscribe-secret-0123456789', url: 'http://localhost:3000/unsubscribe' },
      },
    })
    let sent = 0
    let received = 0
    const classified: Partial<Record<ReplyCategory, number>> = {}
    let daySent = 0
    let dayReceived = 0
    let dayClassified: string[] = []
    worker.on('email:sent', () => void (sent++, daySent++))
    worker.on('message:received', () => void (received++, dayReceived++))
    worker.on('reply:classified', ({ classification }) => {
      classified[classification.category] = (classified[classification.category] ?? 0) + 1
      dayClassified.push(classification.category === 'bounce' ? `bounce (${classification.bounce?.type ?? '?'})` : classification.category)
    })
    worker.on('step:error', ({ step, error }) => void out.write(`  ! step ${step} failed: ${error instanceof Error ? error.message : String(error)}\n`))

    const simulatedFrom = clock.now()
    for (let day = 0; day < days; day++) {
      const label = clock.now().toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'Europe/Berlin' })
      for (let h = 0; h < 24; h++) {
        await simulator.deliverDue(clock.now())
        await worker.runOnce()
        await simulator.readOutbox()
        clock.advance(hour)
      }
      const summary = dayClassified.length > 0 ? dayClassified.join(', ') : '—'
      out.write(`${pad(label, 12)} sent ${String(daySent).padStart(2)}   received ${String(dayReceived).padStart(2)}   classified: ${summary}\n`)
      daySent = 0
      dayReceived = 0
      dayClassified = []
      await writeFile(stateFile, JSON.stringify({ clock: clock.now().toISOString(), campaignId } satisfies DemoState))
    }

    const leads = await client.listLeads({ campaignId, limit: 1000 })
    const metrics = await client.getCampaignMetrics(campaignId, { windowDays: 30 })
    const alertsDelivered = (await store.listAlertDeliveries({ statuses: ['delivered'] })).length
    return {
      firstRun: previous === null,
      simulatedFrom,
      simulatedTo: clock.now(),
      sentThisRun: sent,
      receivedThisRun: received,
      classifiedThisRun: classified,
      leads: leads.map((lead) => ({
        name: [lead.firstName, lead.lastName].filter(Boolean).join(' '),
        email: lead.email,
        state: lead.state,
        stateReason: lead.stateReason,
        timezone: lead.timezone,
        persona: personaOf(lead.email)?.persona ?? '?',
      })),
      metrics,
      alertsDelivered,
      paths,
    }
  } finally {
    await store.close?.()
    await pglite.close()
  }
}

/** Prints the end-of-run summary: lead states, campaign metrics, alerts, paths. */
export function printSummary(summary: DemoSummary, out: { write(text: string): unknown } = process.stdout): void {
  const line = (text = '') => out.write(`${text}\n`)
  line()
  line(`Simulated ${summary.simulatedFrom.toISOString().slice(0, 10)} → ${summary.simulatedTo.toISOString().slice(0, 10)}: sent ${summary.sentThisRun}, received ${summary.receivedThisRun} this run.`)
  line()
  line('Leads')
  line(`  ${pad('name', 18)}${pad('persona', 16)}${pad('state', 16)}reason`)
  for (const lead of [...summary.leads].sort((a, b) => a.state.localeCompare(b.state) || a.name.localeCompare(b.name))) {
    line(`  ${pad(lead.name, 18)}${pad(lead.persona, 16)}${pad(lead.state, 16)}${(lead.stateReason ?? '').slice(0, 70)}`)
  }
  const states = new Map<string, number>()
  for (const lead of summary.leads) states.set(lead.state, (states.get(lead.state) ?? 0) + 1)
  line(`  ${[...states].map(([state, count]) => `${state} ${count}`).join(' · ')}`)
  line()
  const { counts, rates } = summary.metrics.lifetime
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`
  line('Campaign metrics (lifetime)')
  line(`  sent ${counts.sent} · replies ${counts.replied} (${pct(rates.replyRate)}) · positive ${counts.positive} (${pct(rates.positiveRate)}) · bounced ${counts.bounced} (${pct(rates.bounceRate)}) · soft bounces ${counts.softBounced} · unsubscribed ${counts.unsubscribed} (${pct(rates.unsubscribeRate)}) · complaints ${counts.complained} · out of office ${counts.outOfOffice}`)
  line()
  line(`Alerts delivered: ${summary.alertsDelivered}`)
  line()
  line(`Outbox (every email sent, as .eml): ${summary.paths.outbox}`)
  line(`Maildir (every reply received):      ${summary.paths.maildir}`)
  line(`Database (embedded PostgreSQL):      ${summary.paths.database}`)
  line('Run `pnpm demo` again to continue, or `pnpm demo --reset` to start over.')
}
