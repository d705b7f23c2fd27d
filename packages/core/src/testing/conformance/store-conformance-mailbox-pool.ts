import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mailboxLimitOn } from '../../domain/mailbox.js'
import type { OutboundEmail } from '../../domain/outbound-email.js'
import { createCamClient } from '../../client/create-cam-client.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import { utcDayKey } from '../../util/day-key.js'
import { createCamWorker } from '../../worker/create-cam-worker.js'
import type { MailboxConfig } from '../../worker/mailbox-pool.js'
import { createManualClock } from '../manual-clock.js'
import { createMemoryAlertChannel } from '../memory-alert-channel.js'
import { createMemorySender, type MemorySender } from '../memory-sender.js'
import { createMemoryStore } from '../memory-store.js'
import type { ConformanceTestApi } from './test-api.js'

const hour = 3_600_000
const day = 24 * hour

/** The size of the simulated pool of {@link describeMailboxPoolScenario}. */
export interface MailboxPoolScenarioSize {
  mailboxes: number
  leads: number
  dailyLimit: number
  days: number
}

/** Options of {@link describeMailboxPoolScenario}. */
export interface MailboxPoolScenarioOptions {
  /** Suite name, e.g. `postgres`. */
  name: string
  /** Returns the store to run on (it may be shared: the scenario uses names of its own). */
  create: () => Promise<StoreV1>
  destroy?: (store: StoreV1) => Promise<void>
  /** Default: 10 mailboxes of 30 a day (ramp 5 + 3/day), 1,000 leads, 21 days. */
  size?: MailboxPoolScenarioSize
}

/**
 * The sending pool under the real worker on this store, over simulated weeks: `size.leads`
 * leads of a three-step campaign rotated across `size.mailboxes` mailboxes with ramp-up —
 * no mailbox over its day's limit, every email of a thread from its mailbox, first touches
 * spread evenly, and a mailbox whose recipients bounce paused alone while the rest go on.
 */
export function describeMailboxPoolScenario(api: ConformanceTestApi, options: MailboxPoolScenarioOptions): void {
  const size = options.size ?? { mailboxes: 10, leads: 1000, dailyLimit: 30, days: 21 }
  api.describe(`Sending pool under the worker: ${options.name}`, () => {
    api.it(
      `rotates ${size.leads} leads over ${size.mailboxes} mailboxes within every day's limit, threads sticky, a bouncing mailbox paused alone`,
      async () => {
        const store = await options.create()
        try {
          await run(store, size)
        } finally {
          await options.destroy?.(store)
        }
      },
      600_000,
    )
  })
}

async function run(store: StoreV1, size: MailboxPoolScenarioSize): Promise<void> {
  const clock = createManualClock(new Date('2030-03-04T00:30:00Z'))
  const prefix = `pool-${randomUUID().slice(0, 8)}`
  const senders = new Map<string, MemorySender>()
  const mailboxes: MailboxConfig[] = Array.from({ length: size.mailboxes }, (_, index) => {
    const name = `${prefix}-${index}@sender.example`
    const sender = createMemorySender()
    senders.set(name, sender)
    return { name, from: { email: name, name: `Sender ${index}` }, sender, dailyLimit: size.dailyLimit, rampUp: { start: 5, increment: 3 }, minGapMs: 0, gapJitterMs: 0 }
  })
  const bouncing = mailboxes[0]!.name
  const alerts = createMemoryAlertChannel({ name: `${prefix}-alerts` })
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name: `${prefix} campaign`,
    sender: { email: 'team@sender.example' },
    steps: [
      { subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}', delayDays: 0 },
      { text: 'Following up', delayDays: 2 },
      { text: 'Last note', delayDays: 3 },
    ],
    schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    dailyCap: 100_000,
    rules: [],
    mailboxes: mailboxes.map((mailbox) => mailbox.name),
  })
  const added = await client.addLeads(
    campaign.id,
    Array.from({ length: size.leads }, (_, index) => ({ email: `${prefix}-lead${index}@prospect.example`, firstName: `Lead${index}` })),
  )
  assert.equal(added.added, size.leads)
  await client.startCampaign(campaign.id)
  // Leases live in a lock of their own (on the simulated clock), so any Store can run this.
  const worker = createCamWorker({
    store,
    lock: createMemoryStore({ clock }),
    mailboxes,
    alerts: [alerts],
    clock,
    config: { workerId: `${prefix}-worker`, stopOnSignals: false, maxSendsPerCycle: 1000 },
  })
  // One recipient in three of the first mailbox bounces (reported by the provider).
  let bouncedReports = 0
  const reportBounces = async () => {
    const sent = senders.get(bouncing)!.sent
    for (; bouncedReports < sent.length; bouncedReports++) {
      if (bouncedReports % 3 !== 0) continue
      const record = sent[bouncedReports]!
      await client.recordDeliveryEvent({
        id: `${prefix}-bounce-${bouncedReports}`,
        provider: 'memory',
        type: 'bounced',
        email: { messageId: record.email.messageId },
        bounce: { type: 'hard', diagnosticCode: '550 5.1.1 user unknown' },
        occurredAt: clock.now(),
      })
    }
  }
  let pausedAt: Date | null = null
  // A cycle every 3 simulated hours: 8 a day, each sending what came due.
  const cycleMs = 3 * hour
  for (let elapsed = 0; elapsed < size.days * day; elapsed += cycleMs) {
    await worker.runOnce()
    await reportBounces()
    if (pausedAt === null) {
      const [state] = await store.listMailboxes({ day: utcDayKey(clock.now()), names: [bouncing] })
      if (state?.status === 'paused') pausedAt = clock.now()
    }
    clock.advance(cycleMs)
  }
  await worker.stop()

  const states = new Map((await store.listMailboxes({ day: utcDayKey(clock.now()), names: mailboxes.map((mailbox) => mailbox.name) })).map((state) => [state.name, state]))
  const emails: OutboundEmail[] = (await store.listEmails({ campaignId: campaign.id, statuses: ['sent', 'failed', 'cancelled', 'queued'], limit: 100_000 })).filter((email) => email.status === 'sent')

  // No mailbox ever over its day's limit (ramp-up applied).
  const perMailboxDay = new Map<string, number>()
  for (const email of emails) {
    assert.ok(email.mailbox, 'every sent email records its mailbox')
    const key = `${email.mailbox}\u0000${utcDayKey(email.sentAt!)}`
    perMailboxDay.set(key, (perMailboxDay.get(key) ?? 0) + 1)
  }
  for (const [key, count] of perMailboxDay) {
    const [name, sentDay] = key.split('\u0000') as [string, string]
    const state = states.get(name)!
    const limit = mailboxLimitOn(state, state.firstSendDay, sentDay)
    assert.ok(count <= limit, `${name} sent ${count} on ${sentDay}, over its limit ${limit}`)
  }
  // Every email of a thread from its mailbox, sent as that mailbox.
  const threadMailbox = new Map<string, string>()
  for (const email of emails) {
    const first = threadMailbox.get(email.leadId)
    if (first === undefined) threadMailbox.set(email.leadId, email.mailbox!)
    else assert.equal(email.mailbox, first, `lead ${email.leadId}: step ${email.stepIndex + 1} left its thread's mailbox`)
  }
  for (const [name, sender] of senders) for (const record of sender.sent) assert.equal(record.email.from.email, name)
  const steps = new Set(emails.map((email) => `${email.leadId}:${email.stepIndex}`))
  assert.equal(steps.size, emails.length, 'no step sent twice to a lead')
  assert.ok(emails.length > size.leads, 'follow-ups went out too')

  // The bouncing mailbox was paused alone (one alert); the others and the campaign go on.
  assert.ok(pausedAt, 'the bouncing mailbox was paused')
  assert.equal(states.get(bouncing)!.status, 'paused')
  for (const mailbox of mailboxes.slice(1)) assert.equal(states.get(mailbox.name)!.status, 'active', `${mailbox.name} stays active`)
  assert.equal((await client.getCampaign(campaign.id))!.status, 'active')
  const pauseAlerts = alerts.delivered.filter((delivery) => delivery.alert.kind === 'mailbox_paused')
  assert.equal(pauseAlerts.length, 1, 'one alert for the paused mailbox')
  assert.ok(
    emails.every((email) => email.mailbox !== bouncing || email.sentAt! <= pausedAt!),
    'nothing went out from the paused mailbox after its pause',
  )

  // First touches spread evenly over the healthy mailboxes, day by day.
  const firstTouches = new Map<string, Map<string, number>>()
  for (const email of emails) {
    if (email.stepIndex !== 0 || email.mailbox === bouncing) continue
    const sentDay = utcDayKey(email.sentAt!)
    const byMailbox = firstTouches.get(sentDay) ?? new Map<string, number>()
    byMailbox.set(email.mailbox!, (byMailbox.get(email.mailbox!) ?? 0) + 1)
    firstTouches.set(sentDay, byMailbox)
  }
  const healthy = mailboxes.slice(1).map((mailbox) => mailbox.name)
  let busyDays = 0
  for (const [sentDay, byMailbox] of firstTouches) {
    const counts = healthy.map((name) => byMailbox.get(name) ?? 0)
    if (counts.reduce((sum, count) => sum + count, 0) < 10 * healthy.length) continue
    busyDays++
    const max = Math.max(...counts)
    const min = Math.min(...counts)
    assert.ok(min > 0 && max / min <= 1.2, `first touches on ${sentDay} spread ${min}…${max} across the healthy mailboxes`)
  }
  assert.ok(busyDays >= 2, 'several days had enough first touches to compare the spread')
}
