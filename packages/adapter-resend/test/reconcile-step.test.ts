import assert from 'node:assert/strict'
import { AdapterError, ValidationError, createCamClient, createCamWorker, type StepReport } from '@cam/core'
import { createManualClock, createMemoryStore, createRecordingLogger } from '@cam/core/testing'
import { afterEach, describe, it } from 'vitest'
import { createResendReconcileStep, createResendSender, type ResendReconcileStepOptions } from '../src/index.js'
import { startResendApiServer, type ResendApiServer, type ResendApiServerOptions, type ResendLastEvent } from './resend-api-server.js'

const minute = 60_000
const hour = 60 * minute
const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }

const servers: ResendApiServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/**
 * A worker (memory store, Resend sender on the fake Resend, the reconcile step added through
 * the `steps` hook) and one started campaign of `leads` leads with a one-step sequence.
 */
async function setup(options: { leads: number; server?: ResendApiServerOptions; requestsPerSecond: number; reconcile?: ResendReconcileStepOptions }) {
  const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
  const store = createMemoryStore({ clock })
  const server = await startResendApiServer(options.server)
  servers.push(server)
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name: 'Reconcile test',
    sender: { email: 'ana@acme.example', name: 'Ana' },
    steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}, quick question.', delayDays: 0 }],
    schedule,
    rules: [],
  })
  const leads = Array.from({ length: options.leads }, (_, index) => ({ email: `lead${index}@prospect.example`, firstName: `Lead${index}` }))
  assert.equal((await client.addLeads(campaign.id, leads)).added, options.leads)
  await client.startCampaign(campaign.id)
  // Same key, base URL and pace: the sender and the reconcile step share one rate limiter.
  const connection = { apiKey: server.apiKey, baseUrl: server.url, rateLimit: { requestsPerSecond: options.requestsPerSecond } }
  const sender = createResendSender(connection)
  const reconcile = createResendReconcileStep({ ...connection, ...options.reconcile })
  const logger = createRecordingLogger()
  const logs = logger.entries
  const worker = createCamWorker({
    store,
    sender,
    clock,
    logger,
    config: { workerId: 'worker-1', stopOnSignals: false },
    hooks: { steps: (steps) => [...steps, reconcile] },
  })
  const reports: StepReport[] = []
  const stepErrors: unknown[] = []
  worker.on('step:end', (event) => {
    if (event.step === reconcile.name) reports.push(event.report)
  })
  worker.on('step:error', (event) => void stepErrors.push(event.error))
  /** Runs one cycle and returns the reconcile step's report. */
  const cycle = async (): Promise<StepReport> => {
    const before = reports.length
    await worker.runOnce()
    assert.equal(reports.length, before + 1, 'the reconcile step ran once')
    return reports[reports.length - 1]!
  }
  /** The lookups (`GET /emails/:id`) the fake Resend answered so far. */
  const lookups = () => server.requests.filter((request) => request.method === 'GET' && request.path.startsWith('/emails/'))
  const resendIdOf = (email: string) => {
    const found = server.emails.find((candidate) => candidate.recipients.includes(email))
    assert.ok(found, `Resend accepted the email to ${email}`)
    return found.id
  }
  const setLastEvent = (email: string, lastEvent: ResendLastEvent) => server.setLastEvent(resendIdOf(email), lastEvent)
  const leadsByEmail = async () => new Map((await client.listLeads({ campaignId: campaign.id })).map((lead) => [lead.email, lead]))
  return { clock, store, client, server, worker, reconcile, campaign, logs, stepErrors, cycle, lookups, resendIdOf, setLastEvent, leadsByEmail }
}

describe('createResendReconcileStep: missed webhooks', () => {
  it('records what Resend reports for emails whose webhooks never arrived: bounces suppress, deliveries count, nothing is asked or applied twice', async () => {
    const { clock, client, server, campaign, cycle, lookups, resendIdOf, setLastEvent, leadsByEmail } = await setup({ leads: 10, requestsPerSecond: 1.5 })

    const first = await cycle()
    assert.equal(server.emails.length, 10, 'the send step sent all ten emails')
    assert.equal(first.status, 'ok')
    assert.equal(first.counts['asked'], 0, 'emails younger than minAgeMs (1 hour) are not asked about')
    assert.equal(lookups().length, 0)

    // No webhook ever arrives. Resend knows better:
    const outcome: Record<string, ResendLastEvent> = {
      'lead0@prospect.example': 'bounced',
      'lead1@prospect.example': 'bounced',
      'lead2@prospect.example': 'bounced',
      'lead3@prospect.example': 'opened',
      'lead4@prospect.example': 'clicked',
      'lead5@prospect.example': 'delivered',
      'lead6@prospect.example': 'delivered',
      'lead7@prospect.example': 'delivered',
      'lead8@prospect.example': 'delivery_delayed',
      'lead9@prospect.example': 'sent',
    }
    for (const [email, lastEvent] of Object.entries(outcome)) setLastEvent(email, lastEvent)

    clock.advance(2 * hour)
    const second = await cycle()
    assert.equal(second.status, 'ok', second.error)
    assert.deepEqual(second.counts, { asked: 10, recorded: 9, duplicates: 0, pending: 1, unknown: 0, recentlyAsked: 0 })
    assert.equal(lookups().length, 10)

    const leads = await leadsByEmail()
    for (const email of ['lead0@prospect.example', 'lead1@prospect.example', 'lead2@prospect.example']) {
      assert.equal(leads.get(email)?.state, 'bounced', `${email} is bounced`)
      const suppression = await client.getSuppression(email)
      assert.equal(suppression?.reason, 'hard_bounce', `${email} is suppressed as a hard bounce`)
    }
    for (let index = 3; index < 10; index++) {
      const email = `lead${index}@prospect.example`
      assert.notEqual(leads.get(email)?.state, 'bounced', `${email} is not bounced`)
      assert.equal(await client.getSuppression(email), null, `${email} is not suppressed`)
    }
    const counts = async () => (await client.getCampaignMetrics(campaign.id)).lifetime.counts
    const afterFirst = await counts()
    assert.equal(afterFirst.sent, 10)
    assert.equal(afterFirst.bounced, 3)
    assert.equal(afterFirst.hardBounced, 3)
    assert.equal(afterFirst.delivered, 5, 'opened and clicked count as delivered')
    assert.equal(afterFirst.delayed, 1)

    const events = await client.listDeliveryEvents({ campaignId: campaign.id })
    assert.equal(events.length, 9)
    for (const event of events) {
      assert.equal(event.provider, 'resend')
      const lead = [...leads.values()].find((candidate) => candidate.id === event.leadId)!
      assert.equal(event.id, `reconcile:${resendIdOf(lead.email)}:${outcome[lead.email]}`)
    }
    assert.deepEqual(
      events.filter((event) => event.type === 'bounced').map((event) => event.bounce?.type),
      ['hard', 'hard', 'hard'],
      "Resend's bounced is a permanent rejection",
    )

    // A minute later: the two open outcomes were asked just now, the rest is final.
    clock.advance(minute)
    const third = await cycle()
    assert.deepEqual(third.counts, { asked: 0, recorded: 0, duplicates: 0, pending: 0, unknown: 0, recentlyAsked: 2 })
    assert.equal(lookups().length, 10, 'nothing asked again')

    // After recheckIntervalMs (6 hours) only the open ones are asked again; the delay is known already.
    clock.advance(6 * hour)
    const fourth = await cycle()
    assert.deepEqual(fourth.counts, { asked: 2, recorded: 0, duplicates: 1, pending: 1, unknown: 0, recentlyAsked: 0 })
    assert.deepEqual(await counts(), afterFirst, 'a repeated report changes no counter')

    // The last one gets delivered; once recorded, no email is asked about again.
    setLastEvent('lead9@prospect.example', 'delivered')
    setLastEvent('lead8@prospect.example', 'delivered')
    clock.advance(6 * hour)
    const fifth = await cycle()
    assert.deepEqual(fifth.counts, { asked: 2, recorded: 2, duplicates: 0, pending: 0, unknown: 0, recentlyAsked: 0 })
    assert.equal((await counts()).delivered, 7)
    clock.advance(7 * hour)
    const sixth = await cycle()
    assert.deepEqual(sixth.counts, { asked: 0, recorded: 0, duplicates: 0, pending: 0, unknown: 0, recentlyAsked: 0 })

    const perEmail = new Map<string, number>()
    for (const request of lookups()) perEmail.set(request.path, (perEmail.get(request.path) ?? 0) + 1)
    for (let index = 0; index < 8; index++) {
      assert.equal(perEmail.get(`/emails/${resendIdOf(`lead${index}@prospect.example`)}`), 1, `the finished email of lead${index} was asked about once`)
    }
    assert.equal(server.requests.filter((request) => request.status === 429).length, 0, 'Resend never had to refuse a request')
  })

  it('shares the rate limiter with the sender: sending and reconciling at once stay under the limit', async () => {
    const { clock, client, store, server, campaign, reconcile, lookups, setLastEvent } = await setup({ leads: 6, requestsPerSecond: 1.5 })
    // Two workers on one store: one only sends, the other only reconciles — they run at the same time.
    const sending = createCamWorker({
      store,
      sender: createResendSender({ apiKey: server.apiKey, baseUrl: server.url, rateLimit: { requestsPerSecond: 1.5 } }),
      clock,
      config: { workerId: 'sending', stopOnSignals: false },
      hooks: { steps: (steps) => steps.filter((step) => step.name === 'send') },
    })
    const reconciling = createCamWorker({
      store,
      sender: createResendSender({ apiKey: server.apiKey, baseUrl: server.url, rateLimit: { requestsPerSecond: 1.5 } }),
      clock,
      config: { workerId: 'reconciling', stopOnSignals: false },
      hooks: { steps: () => [reconcile] },
    })
    await sending.runOnce()
    assert.equal(server.emails.length, 6)
    for (let index = 0; index < 6; index++) setLastEvent(`lead${index}@prospect.example`, 'delivered')

    clock.advance(2 * hour)
    await client.addLeads(
      campaign.id,
      Array.from({ length: 6 }, (_, index) => ({ email: `late${index}@prospect.example`, firstName: `Late${index}` })),
    )
    const [, report] = await Promise.all([sending.runOnce(), reconciling.runOnce()])
    const step = report.steps.find((candidate) => candidate.name === reconcile.name)
    assert.equal(step?.status, 'ok', step?.error)
    assert.equal(step?.counts['recorded'], 6)
    assert.equal(server.emails.length, 12, 'the six new emails were sent meanwhile')
    assert.equal(lookups().length, 6)
    assert.equal(server.requests.filter((request) => request.status === 429).length, 0, 'together they stayed within 2 requests per second')
    await Promise.all([sending.stop(), reconciling.stop()])
  })

  it('rides out 429s on lookups by waiting as Retry-After says', async () => {
    const { clock, server, cycle, setLastEvent, leadsByEmail } = await setup({
      leads: 4,
      requestsPerSecond: 1.5,
      // Far faster than Resend allows, so Resend answers 429 with retry-after.
      reconcile: { rateLimit: { requestsPerSecond: 50, retries: 5 } },
    })
    await cycle()
    for (let index = 0; index < 4; index++) setLastEvent(`lead${index}@prospect.example`, 'bounced')
    clock.advance(2 * hour)
    const report = await cycle()
    assert.equal(report.status, 'ok', report.error)
    assert.equal(report.counts['recorded'], 4, 'every lookup succeeded in the end')
    const refused = server.requests.filter((request) => request.status === 429)
    assert.ok(refused.length > 0 && refused.every((request) => request.method === 'GET'), 'Resend refused some lookups with 429')
    for (const lead of (await leadsByEmail()).values()) assert.equal(lead.state, 'bounced')
  })
})

describe('createResendReconcileStep: failures and stops', () => {
  it('a Resend outage stops the run as a step error; nothing is lost, the next run records everything', async () => {
    const { clock, client, server, campaign, cycle, stepErrors, setLastEvent, leadsByEmail } = await setup({
      leads: 3,
      requestsPerSecond: 10,
      server: { rateLimit: { limit: 20, windowMs: 1000 } },
    })
    await cycle()
    for (let index = 0; index < 3; index++) setLastEvent(`lead${index}@prospect.example`, 'bounced')
    server.setDown(true)
    clock.advance(2 * hour)
    const failed = await cycle()
    assert.equal(failed.status, 'error')
    assert.match(failed.error ?? '', /resend\.emails\.get failed/)
    assert.ok(failed.notes?.some((note) => note.includes('Resend failed during the reconcile')), 'the report says what happened')
    const error = stepErrors.at(-1)
    assert.ok(AdapterError.isInstance(error) && error.transient, 'a transient adapter error')
    assert.equal((await client.listDeliveryEvents({ campaignId: campaign.id })).length, 0)
    for (const lead of (await leadsByEmail()).values()) assert.notEqual(lead.state, 'bounced')

    server.setDown(false)
    const recovered = await cycle() // same time: a failed lookup is not remembered as asked
    assert.equal(recovered.status, 'ok', recovered.error)
    assert.equal(recovered.counts['recorded'], 3)
    for (const lead of (await leadsByEmail()).values()) assert.equal(lead.state, 'bounced')
  })

  it('an email Resend does not know (404) is logged and skipped, the others recorded', async () => {
    const { clock, server, cycle, logs, setLastEvent, resendIdOf, leadsByEmail } = await setup({
      leads: 3,
      requestsPerSecond: 10,
      server: { rateLimit: { limit: 20, windowMs: 1000 } },
    })
    await cycle()
    setLastEvent('lead0@prospect.example', 'bounced')
    setLastEvent('lead2@prospect.example', 'bounced')
    const forgotten = resendIdOf('lead1@prospect.example')
    // Resend no longer has it (past its retention, or sent through another account).
    server.emails.splice(
      server.emails.findIndex((email) => email.id === forgotten),
      1,
    )
    clock.advance(2 * hour)
    const report = await cycle()
    assert.equal(report.status, 'ok', report.error)
    assert.deepEqual(report.counts, { asked: 3, recorded: 2, duplicates: 0, pending: 0, unknown: 1, recentlyAsked: 0 })
    assert.ok(
      logs.some((line) => line.level === 'warn' && line.message.includes('404') && line.fields?.['providerId'] === forgotten),
      'the unknown email is logged',
    )
    const leads = await leadsByEmail()
    assert.equal(leads.get('lead0@prospect.example')?.state, 'bounced')
    assert.notEqual(leads.get('lead1@prospect.example')?.state, 'bounced')
    assert.equal(leads.get('lead2@prospect.example')?.state, 'bounced')

    clock.advance(minute)
    const again = await cycle()
    assert.deepEqual(again.counts, { asked: 0, recorded: 0, duplicates: 0, pending: 0, unknown: 0, recentlyAsked: 1 }, 'not asked again before recheckIntervalMs')
  })

  it('stops between lookups when the worker stops, and the next run asks the rest', async () => {
    const { clock, client, campaign, worker, cycle, lookups, setLastEvent } = await setup({ leads: 5, requestsPerSecond: 1.5 })
    await cycle()
    for (let index = 0; index < 5; index++) setLastEvent(`lead${index}@prospect.example`, 'delivered')
    clock.advance(2 * hour)
    const running = worker.runOnce()
    // Stop once the first answer was recorded (the next lookups wait for the rate limiter).
    // Stopping when the request merely reached Resend could abort that lookup in flight and
    // leave nothing asked on a slow machine.
    for (;;) {
      if ((await client.listDeliveryEvents({ campaignId: campaign.id })).length > 0) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    assert.ok(lookups().length < 5, 'the rate limiter still holds the other lookups back')
    await worker.stop()
    const report = (await running).steps.find((step) => step.name === 'resend-reconcile')
    assert.equal(report?.status, 'ok', report?.error)
    const asked = report?.counts['asked'] ?? 0
    assert.ok(asked >= 1 && asked < 5, `stopped part way (asked ${asked})`)

    const rest = await cycle()
    assert.equal(rest.counts['asked'], 5 - asked, 'the next run asks only the ones not answered yet')
    assert.equal((await client.listDeliveryEvents({ campaignId: campaign.id })).length, 5)
  })
})

describe('createResendReconcileStep: options', () => {
  it('lists every invalid option without echoing the API key', () => {
    assert.throws(
      () =>
        createResendReconcileStep({
          apiKey: 're_secret_do_not_print',
          name: ' ',
          minAgeMs: 0,
          maxAgeMs: 1.5,
          maxEmailsPerRun: 5000,
          recheckIntervalMs: -1,
        }),
      (error: unknown) => {
        assert.ok(ValidationError.isInstance(error))
        assert.equal(error.code, 'CONFIG_INVALID')
        assert.deepEqual(error.issues.map((issue) => issue.path).sort(), ['maxAgeMs', 'maxEmailsPerRun', 'minAgeMs', 'name', 'recheckIntervalMs'])
        assert.doesNotMatch(error.message, /re_secret_do_not_print/)
        return true
      },
    )
  })

  it('requires maxAgeMs above minAgeMs and an API key', () => {
    const saved = process.env['RESEND_API_KEY']
    delete process.env['RESEND_API_KEY']
    try {
      assert.throws(
        () => createResendReconcileStep({ minAgeMs: 2 * hour, maxAgeMs: hour }),
        (error: unknown) => {
          assert.ok(ValidationError.isInstance(error))
          assert.deepEqual(error.issues.map((issue) => issue.path).sort(), ['apiKey', 'maxAgeMs'])
          return true
        },
      )
    } finally {
      if (saved !== undefined) process.env['RESEND_API_KEY'] = saved
    }
    const step = createResendReconcileStep({ apiKey: 're_test_123456789' })
    assert.equal(step.name, 'resend-reconcile')
    assert.equal(step.leader, true)
  })
})
