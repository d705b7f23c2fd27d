import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { DeliveryEvent, DeliveryEventType } from '../../domain/delivery-event.js'
import type { OutboundEmail } from '../../domain/outbound-email.js'
import { CamError } from '../../errors/cam-error.js'
import type { EmailFinding, RecordDeliveryEventInput, StoreV1 } from '../../ports/store-v1.js'
import { capFor, sampleRawMessage, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi, WithStore } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)

/** Seeds `count` leads and sends their first email (provider ids `provider-<n>-<random>`). */
async function sentEmails(store: StoreV1, count: number, sentAt = minutes(1)) {
  const seeded = await seedCampaign(store, t0, { leads: count })
  const { claimed } = await store.claimDueEmails({ now: sentAt, workerId: 'w', limit: 100, claimTtlMs: 60_000, senderIdempotent: true, caps: [capFor(seeded.campaign.id, 1000, '2030-01-07')] })
  assert.equal(claimed.length, count)
  const emails: OutboundEmail[] = []
  for (const [index, item] of claimed.entries()) {
    emails.push(
      await store.recordEmailSent({
        emailId: item.email.id,
        workerId: 'w',
        sentAt,
        subject: 'Hello',
        providerId: `provider-${index}-${randomUUID()}`,
        providerMessageId: null,
        lead: { state: 'active', nextStepIndex: 1, lastSentAt: sentAt, replyDeadlineAt: null, threadSubject: 'Hello' },
        next: null,
      }),
    )
  }
  return { ...seeded, emails }
}

function eventInput(email: OutboundEmail, type: DeliveryEventType, finding: Omit<EmailFinding, 'emailId'>, overrides: Partial<RecordDeliveryEventInput> = {}, now = minutes(5)): RecordDeliveryEventInput {
  const event: Omit<DeliveryEvent, 'recordedAt'> = {
    id: `evt_${randomUUID()}`,
    provider: 'conformance',
    type,
    emailId: email.id,
    campaignId: email.campaignId,
    leadId: email.leadId,
    recipient: null,
    bounce: type === 'bounced' ? { type: 'hard', reason: 'mailbox does not exist', diagnosticCode: '550 5.1.1 user unknown' } : null,
    reason: null,
    occurredAt: now,
  }
  return { event, now, finding: { emailId: email.id, ...finding }, ...overrides }
}

const hardBounce = { kind: 'bounced', metrics: { bounced: 1, hardBounced: 1 }, amends: { kind: 'delivered', metrics: { delivered: -1 } } } as const
const delivered = { kind: 'delivered', metrics: { delivered: 1 }, unlessKinds: ['bounced', 'suppressed'] } as const

async function counters(store: StoreV1, campaignId: string) {
  const [row] = await store.getCampaignCounters({ campaignIds: [campaignId], sinceDay: '2030-01-01' })
  return row!.lifetime
}

/** Delivery events: recorded once per provider and id, findings counted once per email, effects atomic. */
export function describeStoreDeliveryEventTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('delivery events', () => {
    api.it(
      'finds a sent email by the provider id the sender recorded',
      withStore(async (store) => {
        const { emails } = await sentEmails(store, 2)
        const found = await store.findEmailByProviderId(emails[1]!.providerId!)
        assert.equal(found?.id, emails[1]!.id)
        assert.equal(await store.findEmailByProviderId(`missing-${randomUUID()}`), null)
      }),
    )

    api.it(
      'records an event once per provider and id: a repeat applies nothing',
      withStore(async (store) => {
        const { campaign, emails } = await sentEmails(store, 1)
        const input = eventInput(emails[0]!, 'delivered', delivered)
        assert.deepEqual(await store.recordDeliveryEvent(input), { recorded: true, counted: true })
        assert.deepEqual(await store.recordDeliveryEvent(input), { recorded: false, counted: false })
        assert.equal((await counters(store, campaign.id)).delivered, 1)
        const events = await store.listDeliveryEvents({ emailId: emails[0]!.id })
        assert.equal(events.length, 1)
        assert.equal(events[0]!.id, input.event.id)
        assert.equal(events[0]!.type, 'delivered')
        assert.equal(events[0]!.recordedAt.getTime(), minutes(5).getTime())
        // The same id from another provider is another event.
        const other = { ...input, event: { ...input.event, provider: 'another-provider' } }
        assert.deepEqual(await store.recordDeliveryEvent(other), { recorded: true, counted: false })
      }),
    )

    api.it(
      'counts each finding once per email, and not a delivery after a bounce; a bounce after a delivery takes the delivery back',
      withStore(async (store) => {
        const { campaign, emails } = await sentEmails(store, 2)
        const [first, second] = emails as [OutboundEmail, OutboundEmail]
        // Email 1: bounced twice (two events), then a late "delivered".
        assert.equal((await store.recordDeliveryEvent(eventInput(first, 'bounced', hardBounce))).counted, true)
        assert.equal((await store.recordDeliveryEvent(eventInput(first, 'bounced', hardBounce))).counted, false)
        assert.equal((await store.recordDeliveryEvent(eventInput(first, 'delivered', delivered))).counted, false)
        // Email 2: delivered, then bounced.
        await store.recordDeliveryEvent(eventInput(second, 'delivered', delivered))
        assert.equal((await counters(store, campaign.id)).delivered, 1)
        await store.recordDeliveryEvent(eventInput(second, 'bounced', hardBounce))
        const counts = await counters(store, campaign.id)
        assert.equal(counts.bounced, 2)
        assert.equal(counts.hardBounced, 2)
        assert.equal(counts.delivered, 0)
      }),
    )

    api.it(
      'applies the lead transition, cancels queued emails and suppresses in the same call; a stale transition applies nothing',
      withStore(async (store) => {
        const { leads, emails } = await sentEmails(store, 1)
        const lead = leads[0]!
        const stale = eventInput(emails[0]!, 'bounced', hardBounce, {
          leadTransition: { leadId: lead.id, from: 'queued', to: 'bounced', reason: 'hard bounce' },
        })
        await assert.rejects(store.recordDeliveryEvent(stale), (error: unknown) => CamError.isInstance(error, 'CONFLICT'))
        assert.equal((await store.listDeliveryEvents({ emailId: emails[0]!.id })).length, 0, 'nothing recorded')
        assert.equal((await counters(store, emails[0]!.campaignId)).bounced, 0, 'nothing counted')
        const input = eventInput(emails[0]!, 'bounced', hardBounce, {
          leadTransition: { leadId: lead.id, from: 'active', to: 'bounced', reason: 'hard bounce' },
          cancelPendingEmails: true,
          suppression: { email: lead.emailNormalized, reason: 'hard_bounce', source: 'conformance event' },
        })
        assert.deepEqual(await store.recordDeliveryEvent(input), { recorded: true, counted: true })
        assert.equal((await store.getLead(lead.id))!.state, 'bounced')
        assert.equal((await store.getSuppression(lead.emailNormalized))?.reason, 'hard_bounce')
        assert.equal((await store.listEmails({ leadId: lead.id, statuses: ['queued'] })).length, 0)
      }),
    )

    api.it(
      'counts a bounce once whether it arrives as a DSN (message outcome) or as a provider event',
      withStore(async (store) => {
        const { campaign, emails } = await sentEmails(store, 1)
        const email = emails[0]!
        const saved = await store.saveInboundMessage({ inbox: `dsn-${randomUUID()}`, sourceKey: '1', messageId: null, raw: sampleRawMessage(), truncated: false, receivedAt: minutes(3), cursor: '1' })
        const claimed = await store.claimPendingMessages({ now: minutes(3), workerId: 'p', limit: 10_000, claimTtlMs: 60_000 })
        // Other tests may share the store: give back what is not ours.
        for (const other of claimed.filter((m) => m.id !== saved.id)) await store.releaseMessage({ messageId: other.id, workerId: 'p', retryAt: minutes(3) })
        const message = claimed.find((m) => m.id === saved.id)
        assert.ok(message)
        await store.recordMessageOutcome({
          messageId: message.id,
          workerId: 'p',
          now: minutes(3),
          leadId: email.leadId,
          campaignId: campaign.id,
          outboundEmailId: email.id,
          classification: null,
          note: null,
          metrics: {},
          finding: { emailId: email.id, ...hardBounce },
        })
        assert.equal((await counters(store, campaign.id)).bounced, 1)
        const result = await store.recordDeliveryEvent(eventInput(email, 'bounced', hardBounce))
        assert.deepEqual(result, { recorded: true, counted: false })
        assert.equal((await counters(store, campaign.id)).bounced, 1)
      }),
    )

    api.it(
      'lists sent emails still awaiting a final finding, oldest first, within the age range',
      withStore(async (store) => {
        const { emails } = await sentEmails(store, 3, minutes(1))
        const [a, b, c] = emails as [OutboundEmail, OutboundEmail, OutboundEmail]
        await store.recordDeliveryEvent(eventInput(a, 'delivered', delivered))
        await store.recordDeliveryEvent(eventInput(b, 'delayed', { kind: 'delayed', metrics: { delayed: 1 } }))
        const awaiting = await store.listEmailsAwaitingDelivery({ sentAfter: minutes(0), sentBefore: minutes(2), limit: 1000 })
        const ids = awaiting.map((email) => email.id)
        assert.ok(!ids.includes(a.id), 'a delivered email has its outcome')
        assert.ok(ids.includes(b.id) && ids.includes(c.id), 'a delayed one and one without events await theirs')
        const tooRecent = await store.listEmailsAwaitingDelivery({ sentAfter: minutes(0), sentBefore: minutes(1), limit: 1000 })
        assert.ok(!tooRecent.some((email) => email.id === c.id), 'sentBefore is exclusive')
      }),
    )
  })
}
