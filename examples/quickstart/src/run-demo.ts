import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createFileSender, createMaildirInbox } from '@cam/adapter-filesystem'
import { createPostgresStore, openEmbeddedDatabase } from '@cam/adapter-postgres'
import { createCamClient, createCamWorker, createConsoleAlerts, type CampaignMetrics, type Lead, type LeadState, type ReplyCategory } from '@cam/core'
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
  /** Berlin calendar days simulated this run (one line each), first and last as `YYYY-MM-DD`; none when nothing was left to do. */
  simulatedDays: { first: string; last: string; count: number } | null
  /** Whether a later run would have anything to do (a lead still in its sequence or waiting for its no-reply timeout, a reply on its way, an alert not delivered). */
  workLeft: boolean
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

/** Lead states in which the demo still has something to do. */
const unfinishedStates: readonly LeadState[] = ['queued', 'active', 'paused', 'completed']

/** The calendar day in Berlin (the campaign's timezone), as `YYYY-MM-DD`. */
const berlinDay = (date: Date) => date.toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' })

/** At most `max` characters (code points), the last one an ellipsis when cut. */
function truncate(text: string, max: number): string {
  const characters = Array.from(text)
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : text
}

/** A column of `width`: cut with an ellipsis, always followed by at least one space. */
function pad(text: string, width: number): string {
  const cut = truncate(text, width - 1)
  return cut + ' '.repeat(width - Array.from(cut).length)
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
    }

    const simulator = new ProspectSimulator(paths.outbox, paths.maildir, join(dataDir, 'simulator.json'))
    await simulator.load()
    const hasWorkLeft = async (): Promise<boolean> => {
      if (simulator.pendingReplies > 0) return true
      if ((await store.listAlertDeliveries({ statuses: ['pending', 'delivering'] })).length > 0) return true
      const leads = await client.listLeads({ campaignId, limit: 1000 })
      return leads.some((lead) => unfinishedStates.includes(lead.state))
    }
    const workAtStart = previous === null || (await hasWorkLeft())
    if (previous && workAtStart) {
      out.write(`Continuing from ${berlinDay(clock.now())} with the stored state in ${dataDir} (use --reset to start over).\n`)
    } else if (!workAtStart) {
      out.write(`Nothing left to do in ${dataDir}: every lead has reached an end state and no reply or alert is on its way, so no day was simulated. Run \`pnpm demo --reset\` to start over.\n`)
    }
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
      dayClassified.push(classification.category === 'bounce' ? `bounce (${classification.bounce ? `${classification.bounce.type}, ${classification.bounce.reason.replace(/_/g, ' ')}` : '?'})` : classification.category)
    })
    worker.on('step:error', ({ step, error }) => void out.write(`  ! step ${step} failed: ${error instanceof Error ? error.message : String(error)}\n`))

    const simulatedDays: string[] = []
    for (let day = 0; workAtStart && day < days; day++) {
      const label = clock.now().toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'Europe/Berlin' })
      simulatedDays.push(berlinDay(clock.now()))
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
      simulatedDays: simulatedDays.length > 0 ? { first: simulatedDays[0]!, last: simulatedDays.at(-1)!, count: simulatedDays.length } : null,
      workLeft: workAtStart && (await hasWorkLeft()),
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
  const days = summary.simulatedDays
  if (days) {
    line(`Simulated ${days.first} → ${days.last} (${days.count} day${days.count === 1 ? '' : 's'}, Berlin time): sent ${summary.sentThisRun}, received ${summary.receivedThisRun} this run.`)
    line()
  }
  line('Leads')
  line(`  ${pad('name', 18)}${pad('persona', 16)}${pad('state', 16)}reason`)
  for (const lead of [...summary.leads].sort((a, b) => a.state.localeCompare(b.state) || a.name.localeCompare(b.name))) {
    line(`  ${pad(lead.name, 18)}${pad(lead.persona, 16)}${pad(lead.state, 16)}${truncate(lead.stateReason ?? '', 100)}`)
  }
  const states = new Map<string, number>()
  for (const lead of summary.leads) states.set(lead.state, (states.get(lead.state) ?? 0) + 1)
  // A spam complaint unsubscribes the lead too; the metrics count the two apart.
  const complained = summary.leads.filter((lead) => lead.state === 'unsubscribed' && lead.stateReason?.startsWith('complaint')).length
  const stateCount = (state: string, count: number) =>
    state === 'unsubscribed' && complained > 0 ? `unsubscribed ${count} (${count - complained} asked to unsubscribe, ${complained} complained)` : `${state} ${count}`
  line(`  ${[...states].map(([state, count]) => stateCount(state, count)).join(' · ')}`)
  line()
  const { counts, rates } = summary.metrics.lifetime
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`
  line('Campaign metrics (lifetime)')
  line(`  sent ${counts.sent} · replies ${counts.replied} (${pct(rates.replyRate)}) · positive ${counts.positive} (${pct(rates.positiveRate)}) · bounced ${counts.bounced} (${pct(rates.bounceRate)}) · soft bounces ${counts.softBounced} · asked to unsubscribe ${counts.unsubscribed} (${pct(rates.unsubscribeRate)}) · complaints ${counts.complained} · out of office ${counts.outOfOffice}`)
  line()
  line(`Alerts delivered: ${summary.alertsDelivered}`)
  line()
  line(`Outbox (every email sent, as .eml): ${summary.paths.outbox}`)
  line(`Maildir (every reply received):      ${summary.paths.maildir}`)
  line(`Database (embedded PostgreSQL):      ${summary.paths.database}`)
  line(
    summary.workLeft
      ? 'Run `pnpm demo` again to continue, or `pnpm demo --reset` to start over.'
      : 'Every lead has reached an end state: `pnpm demo --reset` starts over.',
  )
}
