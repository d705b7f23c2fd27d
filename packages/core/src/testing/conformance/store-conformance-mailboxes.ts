import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { MailboxSettings } from '../../domain/mailbox.js'
import { CamError } from '../../errors/cam-error.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import { capFor, sampleAlert, sampleCampaign, sampleEmail, sampleLead, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi, WithStore } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const day0 = '2030-01-07'
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const seconds = (n: number) => new Date(t0.getTime() + n * 1000)

/** Settings of a mailbox with a unique name (stores may be shared between tests). */
function sampleMailbox(overrides: Partial<MailboxSettings> = {}): MailboxSettings {
  const name = `mailbox-${randomUUID()}@pool.example`
  return { name, address: name, dailyLimit: 50, rampUp: null, minGapMs: 0, ...overrides }
}

/** Registers mailboxes and returns them. */
async function registered(store: StoreV1, ...mailboxes: MailboxSettings[]): Promise<MailboxSettings[]> {
  await store.registerMailboxes({ mailboxes, now: t0 })
  return mailboxes
}

async function mailboxState(store: StoreV1, name: string, day = day0) {
  const [state] = await store.listMailboxes({ day, names: [name] })
  assert.ok(state, `mailbox ${name} is listed`)
  return state
}

/** A lead of a fresh campaign whose first email is claimed by worker `w` at `at`. */
async function claimedFirstEmail(store: StoreV1, at = minutes(1)) {
  const seeded = await seedCampaign(store, t0, { leads: 1 })
  const { claimed } = await store.claimDueEmails({ now: at, workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: true, caps: [capFor(seeded.campaign.id, 1000, day0)] })
  assert.equal(claimed.length, 1)
  return { campaign: seeded.campaign, lead: seeded.leads[0]!, email: claimed[0]!.email }
}

const hardBounce = { kind: 'bounced', metrics: { bounced: 1, hardBounced: 1 }, amends: { kind: 'delivered', metrics: { delivered: -1 } } } as const
const delivered = { kind: 'delivered', metrics: { delivered: 1 }, unlessKinds: ['bounced', 'suppressed'] } as const

/** The sending pool: mailbox settings and status, exact daily reservations, the mailbox of sent emails and leads, per-mailbox counters. */
export function describeStoreMailboxTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('mailboxes (sending pool)', () => {
    api.it(
      'registers mailboxes active and lists them; a new registration replaces the settings and keeps status, first send day and usage',
      withStore(async (store) => {
        const [first, second] = await registered(store, sampleMailbox({ dailyLimit: 40, rampUp: { start: 5, increment: 3 }, minGapMs: 90_000 }), sampleMailbox())
        const listed = await store.listMailboxes({ day: day0, names: [first!.name, second!.name, `missing-${randomUUID()}`] })
        assert.deepEqual(listed, [
          { ...first!, status: 'active', statusReason: null, firstSendDay: null, sentOnDay: 0, lastSentAt: null, updatedAt: t0 },
          { ...second!, status: 'active', statusReason: null, firstSendDay: null, sentOnDay: 0, lastSentAt: null, updatedAt: t0 },
        ])
        // Without names: every mailbox, by name.
        const all = (await store.listMailboxes({ day: day0 })).map((mailbox) => mailbox.name)
        const ours = all.filter((name) => name === first!.name || name === second!.name)
        assert.deepEqual(ours, [first!.name, second!.name].sort())

        await store.transitionMailbox({ name: first!.name, from: ['active'], to: 'paused', reason: 'bounce rate', now: minutes(1) })
        assert.deepEqual(await store.reserveMailboxSend({ mailbox: second!.name, day: day0, limit: 50, minGapMs: 0, now: minutes(2) }), { reserved: true })
        const changedFirst = { ...first!, address: `renamed-${first!.address}`, dailyLimit: 80, rampUp: null, minGapMs: 1000 }
        const changedSecond = { ...second!, rampUp: { start: 10, increment: 10 } }
        await store.registerMailboxes({ mailboxes: [changedFirst, changedSecond], now: minutes(5) })
        assert.deepEqual(await store.listMailboxes({ day: day0, names: [first!.name, second!.name] }), [
          { ...changedFirst, status: 'paused', statusReason: 'bounce rate', firstSendDay: null, sentOnDay: 0, lastSentAt: null, updatedAt: minutes(5) },
          { ...changedSecond, status: 'active', statusReason: null, firstSendDay: day0, sentOnDay: 1, lastSentAt: minutes(2), updatedAt: minutes(5) },
        ])
      }),
    )

    api.it(
      "reserves sends up to the day's limit, then refuses with `limit`; each day has its own count",
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox({ dailyLimit: 3 }))
        const reserve = (day: string, at: Date) => store.reserveMailboxSend({ mailbox: mailbox!.name, day, limit: 3, minGapMs: 0, now: at })
        for (let i = 0; i < 3; i++) assert.deepEqual(await reserve(day0, minutes(i)), { reserved: true }, `send ${i + 1} of 3`)
        assert.deepEqual(await reserve(day0, minutes(3)), { reserved: false, reason: 'limit', availableAt: null })
        assert.deepEqual(await reserve(day0, minutes(4)), { reserved: false, reason: 'limit', availableAt: null })
        assert.equal((await mailboxState(store, mailbox!.name)).sentOnDay, 3, 'refusals take nothing')
        // The limit given is the one applied (the caller computes the ramp-up).
        assert.deepEqual(await store.reserveMailboxSend({ mailbox: mailbox!.name, day: day0, limit: 4, minGapMs: 0, now: minutes(5) }), { reserved: true })
        assert.deepEqual(await reserve('2030-01-08', minutes(24 * 60)), { reserved: true })
        assert.equal((await mailboxState(store, mailbox!.name, '2030-01-08')).sentOnDay, 1)
        assert.equal((await mailboxState(store, mailbox!.name)).sentOnDay, 4)
      }),
    )

    api.it(
      'refuses a send within the minimum gap, saying when it may send again, and takes it after the gap',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox({ minGapMs: 60_000 }))
        const reserve = (at: Date) => store.reserveMailboxSend({ mailbox: mailbox!.name, day: day0, limit: 50, minGapMs: 60_000, now: at })
        assert.deepEqual(await reserve(seconds(0)), { reserved: true })
        assert.deepEqual(await reserve(seconds(30)), { reserved: false, reason: 'gap', availableAt: seconds(60) })
        assert.deepEqual(await reserve(seconds(59.999)), { reserved: false, reason: 'gap', availableAt: seconds(60) })
        assert.deepEqual(await reserve(seconds(60)), { reserved: true })
        assert.deepEqual(await reserve(seconds(90)), { reserved: false, reason: 'gap', availableAt: seconds(120) })
        const state = await mailboxState(store, mailbox!.name)
        assert.equal(state.sentOnDay, 2, 'refusals take nothing')
        assert.deepEqual(state.lastSentAt, seconds(60))
      }),
    )

    api.it(
      'refuses a mailbox both at its limit and within its gap with `limit` (checked first: it lasts the day)',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox({ dailyLimit: 1, minGapMs: 60_000 }))
        const reserve = (at: Date) => store.reserveMailboxSend({ mailbox: mailbox!.name, day: day0, limit: 1, minGapMs: 60_000, now: at })
        assert.deepEqual(await reserve(seconds(0)), { reserved: true })
        assert.deepEqual(await reserve(seconds(30)), { reserved: false, reason: 'limit', availableAt: null })
        // A limit of 0 (a ramp-up that has not begun) refuses a mailbox that never sent.
        const [fresh] = await registered(store, sampleMailbox())
        assert.deepEqual(await store.reserveMailboxSend({ mailbox: fresh!.name, day: day0, limit: 0, minGapMs: 0, now: seconds(0) }), {
          reserved: false,
          reason: 'limit',
          availableAt: null,
        })
        assert.equal((await mailboxState(store, fresh!.name)).sentOnDay, 0)
      }),
    )

    api.it(
      'refuses a paused mailbox and an unknown one; a resumed mailbox sends again',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox())
        const reserve = (name: string, at: Date) => store.reserveMailboxSend({ mailbox: name, day: day0, limit: 50, minGapMs: 0, now: at })
        await store.transitionMailbox({ name: mailbox!.name, from: ['active'], to: 'paused', reason: 'authentication failed', now: minutes(1) })
        assert.deepEqual(await reserve(mailbox!.name, minutes(2)), { reserved: false, reason: 'paused', availableAt: null })
        assert.deepEqual(await reserve(`unknown-${randomUUID()}`, minutes(2)), { reserved: false, reason: 'unknown', availableAt: null })
        assert.equal((await mailboxState(store, mailbox!.name)).sentOnDay, 0)
        await store.transitionMailbox({ name: mailbox!.name, from: ['paused'], to: 'active', reason: null, now: minutes(3) })
        assert.deepEqual(await reserve(mailbox!.name, minutes(4)), { reserved: true })
      }),
    )

    api.it(
      'gives a released send back to the day, never below zero',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox({ dailyLimit: 1 }))
        const reserve = (at: Date) => store.reserveMailboxSend({ mailbox: mailbox!.name, day: day0, limit: 1, minGapMs: 0, now: at })
        assert.deepEqual(await reserve(minutes(1)), { reserved: true })
        assert.equal((await reserve(minutes(2))).reserved, false)
        await store.releaseMailboxSend({ mailbox: mailbox!.name, day: day0 })
        assert.equal((await mailboxState(store, mailbox!.name)).sentOnDay, 0)
        assert.deepEqual(await reserve(minutes(3)), { reserved: true }, 'the slot is free again')
        await store.releaseMailboxSend({ mailbox: mailbox!.name, day: day0 })
        await store.releaseMailboxSend({ mailbox: mailbox!.name, day: day0 })
        await store.releaseMailboxSend({ mailbox: mailbox!.name, day: '2030-01-09' })
        assert.equal((await mailboxState(store, mailbox!.name)).sentOnDay, 0)
        assert.equal((await mailboxState(store, mailbox!.name, '2030-01-09')).sentOnDay, 0)
        await store.releaseMailboxSend({ mailbox: `unknown-${randomUUID()}`, day: day0 })
        // Released twice, yet only one slot comes back.
        assert.deepEqual(await reserve(minutes(4)), { reserved: true })
        assert.equal((await reserve(minutes(5))).reserved, false)
      }),
    )

    api.it(
      'sets the first send day on the first reservation and keeps it afterwards',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox({ rampUp: { start: 2, increment: 2 } }))
        assert.equal((await mailboxState(store, mailbox!.name)).firstSendDay, null)
        await store.transitionMailbox({ name: mailbox!.name, from: ['active'], to: 'paused', reason: 'warming', now: minutes(1) })
        await store.reserveMailboxSend({ mailbox: mailbox!.name, day: day0, limit: 2, minGapMs: 0, now: minutes(2) })
        assert.equal((await mailboxState(store, mailbox!.name)).firstSendDay, null, 'a refused reservation is no first send')
        await store.transitionMailbox({ name: mailbox!.name, from: ['paused'], to: 'active', reason: null, now: minutes(3) })
        assert.deepEqual(await store.reserveMailboxSend({ mailbox: mailbox!.name, day: '2030-01-08', limit: 2, minGapMs: 0, now: minutes(24 * 60) }), { reserved: true })
        assert.equal((await mailboxState(store, mailbox!.name)).firstSendDay, '2030-01-08')
        assert.deepEqual(await store.reserveMailboxSend({ mailbox: mailbox!.name, day: '2030-01-09', limit: 4, minGapMs: 0, now: minutes(48 * 60) }), { reserved: true })
        const state = await mailboxState(store, mailbox!.name, '2030-01-09')
        assert.equal(state.firstSendDay, '2030-01-08')
        assert.equal(state.sentOnDay, 1)
        assert.deepEqual(state.lastSentAt, minutes(48 * 60))
      }),
    )

    api.it(
      'transitions a mailbox only from the expected status, with its alert created once; an unknown mailbox is not found',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox())
        const channel = `ch-${randomUUID()}`
        const alert = { alert: sampleAlert({ kind: 'mailbox_paused', title: `Mailbox ${mailbox!.name} paused`, category: null, reason: 'block rate 12%' }), channels: [channel, channel] }
        await store.reserveMailboxSend({ mailbox: mailbox!.name, day: day0, limit: 50, minGapMs: 0, now: minutes(1) })
        const paused = await store.transitionMailbox({ name: mailbox!.name, from: ['active'], to: 'paused', reason: 'block rate 12%', now: minutes(2), alert })
        assert.deepEqual(paused, { ...mailbox!, status: 'paused', statusReason: 'block rate 12%', firstSendDay: day0, sentOnDay: 1, lastSentAt: minutes(1), updatedAt: minutes(2) })
        const again = await store.transitionMailbox({ name: mailbox!.name, from: ['active'], to: 'paused', reason: 'again', now: minutes(3), alert })
        assert.equal(again, null, 'not in `from`: nothing changes')
        assert.equal((await mailboxState(store, mailbox!.name)).statusReason, 'block rate 12%')
        const alerts = (await store.listAlerts()).filter((a) => a.title === alert.alert.title)
        assert.equal(alerts.length, 1, 'exactly one alert for one transition')
        assert.equal(alerts[0]!.kind, 'mailbox_paused')
        assert.equal(alerts[0]!.reason, 'block rate 12%')
        const deliveries = await store.claimAlertDeliveries({ now: minutes(4), workerId: 'a', limit: 100, claimTtlMs: 60_000, channels: [channel] })
        assert.equal(deliveries.length, 1, 'one delivery for the one channel')
        assert.equal(deliveries[0]!.alert.id, alerts[0]!.id)

        const resumed = await store.transitionMailbox({ name: mailbox!.name, from: ['paused'], to: 'active', reason: 'resumed by a human', now: minutes(5) })
        assert.equal(resumed?.status, 'active')
        assert.equal(resumed?.statusReason, null, 'an active mailbox has no reason')
        await assert.rejects(
          store.transitionMailbox({ name: `unknown-${randomUUID()}`, from: ['active'], to: 'paused', reason: 'x', now: minutes(6) }),
          (error: unknown) => CamError.isInstance(error, 'NOT_FOUND'),
        )
      }),
    )

    api.it(
      "records a sent email's mailbox on the email and on the lead that has none, and counts it as sent for the mailbox",
      withStore(async (store) => {
        const [first, second] = await registered(store, sampleMailbox(), sampleMailbox())
        const { campaign, lead, email } = await claimedFirstEmail(store)
        const sent = await store.recordEmailSent({
          emailId: email.id,
          workerId: 'w',
          sentAt: minutes(1),
          subject: 'Hello',
          providerId: null,
          providerMessageId: null,
          mailbox: first!.name,
          lead: { state: 'active', nextStepIndex: 1, lastSentAt: minutes(1), replyDeadlineAt: null, threadSubject: 'Hello' },
          next: sampleEmail(1, minutes(2)),
        })
        assert.equal(sent.mailbox, first!.name)
        assert.equal((await store.getEmail(email.id))?.mailbox, first!.name)
        assert.equal((await store.getLead(lead.id))?.mailbox, first!.name)

        // The follow-up is claimed with the lead's mailbox (its thread stays on it).
        const { claimed } = await store.claimDueEmails({ now: minutes(3), workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: true, caps: [capFor(campaign.id, 1000, day0)] })
        assert.equal(claimed.length, 1)
        assert.equal(claimed[0]!.lead.mailbox, first!.name)
        assert.equal(claimed[0]!.email.mailbox, null, 'not attempted yet')
        // Sent from another mailbox after all: recorded on the email; the lead keeps its first mailbox.
        const followUp = await store.recordEmailSent({
          emailId: claimed[0]!.email.id,
          workerId: 'w',
          sentAt: minutes(3),
          subject: 'Re: Hello',
          providerId: null,
          providerMessageId: null,
          mailbox: second!.name,
          lead: { state: 'active', nextStepIndex: 2, lastSentAt: minutes(3), replyDeadlineAt: null, threadSubject: 'Hello' },
          next: null,
        })
        assert.equal(followUp.mailbox, second!.name)
        assert.equal((await store.getLead(lead.id))?.mailbox, first!.name, 'the lead keeps the mailbox of its first email')

        const counters = await store.getMailboxCounters({ names: [first!.name, second!.name], sinceDay: day0 })
        assert.deepEqual(
          counters.map((c) => [c.mailbox, c.lifetime.sent, c.window.sent]),
          [
            [first!.name, 1, 1],
            [second!.name, 1, 1],
          ],
        )

        // Without a mailbox (a worker without a pool): nothing recorded, nothing counted.
        const single = await claimedFirstEmail(store)
        const plain = await store.recordEmailSent({
          emailId: single.email.id,
          workerId: 'w',
          sentAt: minutes(1),
          subject: 'Hello',
          providerId: null,
          providerMessageId: null,
          lead: { state: 'active', nextStepIndex: 1, lastSentAt: minutes(1), replyDeadlineAt: null, threadSubject: 'Hello' },
          next: null,
        })
        assert.equal(plain.mailbox, null)
        assert.equal((await store.getLead(single.lead.id))?.mailbox, null)
        assert.equal((await store.getMailboxCounters({ names: [first!.name], sinceDay: day0 }))[0]!.lifetime.sent, 1)
      }),
    )

    api.it(
      'records the mailbox that attempted a failed email; a failure that names none keeps it',
      withStore(async (store) => {
        const [mailbox] = await registered(store, sampleMailbox())
        const { campaign, lead, email } = await claimedFirstEmail(store)
        const failed = await store.recordEmailFailed({ emailId: email.id, workerId: 'w', now: minutes(1), error: '421 try later', retryAt: minutes(2), mailbox: mailbox!.name })
        assert.equal(failed.mailbox, mailbox!.name)
        const claimAgain = async (at: Date) => {
          const { claimed } = await store.claimDueEmails({ now: at, workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: true, caps: [capFor(campaign.id, 1000, day0)] })
          assert.equal(claimed.length, 1)
          return claimed[0]!.email
        }
        assert.equal((await claimAgain(minutes(2))).mailbox, mailbox!.name)
        const kept = await store.recordEmailFailed({ emailId: email.id, workerId: 'w', now: minutes(3), error: '421 try later', retryAt: minutes(4) })
        assert.equal(kept.mailbox, mailbox!.name)
        await claimAgain(minutes(4))
        const cleared = await store.recordEmailFailed({ emailId: email.id, workerId: 'w', now: minutes(5), error: '550 no', retryAt: null, mailbox: null })
        assert.equal(cleared.mailbox, null)
        assert.equal((await store.getLead(lead.id))?.mailbox, null, 'a failure gives the lead no mailbox')
        const [counters] = await store.getMailboxCounters({ names: [mailbox!.name], sinceDay: day0 })
        assert.equal(counters!.lifetime.sent, 0)
      }),
    )

    api.it(
      "counts the findings about a mailbox's emails in its counters, lifetime and since a day; other mailboxes are untouched",
      withStore(async (store) => {
        const [mailbox, other] = await registered(store, sampleMailbox(), sampleMailbox())
        const send = async () => {
          const { email } = await claimedFirstEmail(store)
          return store.recordEmailSent({
            emailId: email.id,
            workerId: 'w',
            sentAt: minutes(1),
            subject: 'Hello',
            providerId: `provider-${randomUUID()}`,
            providerMessageId: null,
            mailbox: mailbox!.name,
            lead: { state: 'active', nextStepIndex: 1, lastSentAt: minutes(1), replyDeadlineAt: null, threadSubject: 'Hello' },
            next: null,
          })
        }
        const first = await send()
        const second = await send()
        const event = (emailId: string, type: 'bounced' | 'delivered', now: Date, finding: typeof hardBounce | typeof delivered) => {
          const email = emailId === first.id ? first : second
          return store.recordDeliveryEvent({
            event: {
              id: `evt_${randomUUID()}`,
              provider: 'conformance',
              type,
              emailId,
              campaignId: email.campaignId,
              leadId: email.leadId,
              recipient: null,
              bounce: type === 'bounced' ? { type: 'hard', reason: 'mailbox does not exist', diagnosticCode: '550 5.1.1 user unknown' } : null,
              reason: null,
              occurredAt: now,
            },
            now,
            finding: { emailId, ...finding },
          })
        }
        // Two days later: the first email bounces (twice reported, counted once).
        const later = new Date('2030-01-09T08:00:00.000Z')
        assert.equal((await event(first.id, 'bounced', later, hardBounce)).counted, true)
        assert.equal((await event(first.id, 'bounced', later, hardBounce)).counted, false)
        // The second is delivered on the send day, then bounces later: the delivery is taken back.
        await event(second.id, 'delivered', minutes(10), delivered)
        await event(second.id, 'bounced', later, hardBounce)

        const [counters, untouched] = await store.getMailboxCounters({ names: [mailbox!.name, other!.name], sinceDay: '2030-01-08' })
        assert.equal(counters!.mailbox, mailbox!.name)
        assert.deepEqual(
          { sent: counters!.lifetime.sent, bounced: counters!.lifetime.bounced, hardBounced: counters!.lifetime.hardBounced, delivered: counters!.lifetime.delivered },
          { sent: 2, bounced: 2, hardBounced: 2, delivered: 0 },
        )
        assert.deepEqual(
          { sent: counters!.window.sent, bounced: counters!.window.bounced, hardBounced: counters!.window.hardBounced, delivered: counters!.window.delivered },
          { sent: 0, bounced: 2, hardBounced: 2, delivered: -1 },
          'the window holds the days since 2030-01-08 only: the sends and the delivery were before',
        )
        assert.equal(untouched!.mailbox, other!.name)
        assert.ok(Object.values(untouched!.lifetime).every((value) => value === 0), 'another mailbox counts nothing')
        assert.deepEqual(await store.getMailboxCounters({ names: [], sinceDay: day0 }), [])
      }),
    )

    api.it(
      "stores a campaign's mailboxes (none by default) and replaces them on update",
      withStore(async (store) => {
        const names = [`a-${randomUUID()}@pool.example`, `b-${randomUUID()}@pool.example`]
        const created = await store.createCampaign(sampleCampaign({ mailboxes: names }), t0)
        assert.deepEqual(created.mailboxes, names)
        assert.deepEqual((await store.getCampaign(created.id))?.mailboxes, names)
        const updated = await store.updateCampaign(created.id, { mailboxes: [names[1]!] }, minutes(1))
        assert.deepEqual(updated.mailboxes, [names[1]])
        assert.deepEqual((await store.listCampaigns()).find((c) => c.id === created.id)?.mailboxes, [names[1]])
        const plain = await store.createCampaign(sampleCampaign(), t0)
        assert.deepEqual((await store.getCampaign(plain.id))?.mailboxes, [])
        // The claim hands the campaign out with its mailboxes.
        await store.transitionCampaign({ campaignId: created.id, from: ['draft'], to: 'active', reason: null, now: t0 })
        await store.addLeads({ campaignId: created.id, now: t0, leads: [{ lead: sampleLead(), firstEmail: sampleEmail(0, t0) }] })
        const { claimed } = await store.claimDueEmails({ now: minutes(2), workerId: 'w', limit: 10, claimTtlMs: 60_000, senderIdempotent: true, caps: [capFor(created.id, 1000, day0)] })
        assert.equal(claimed.length, 1)
        assert.deepEqual(claimed[0]!.campaign.mailboxes, [names[1]])
        assert.equal(claimed[0]!.lead.mailbox, null)
      }),
    )
  })
}
