import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { NewCamEvent } from '../../domain/cam-event.js'
import { CamError } from '../../errors/cam-error.js'
import { capFor, sampleAlert, sampleCampaign, sampleRawMessage, seedCampaign } from './store-fixtures.js'
import { campaignEvent, deliveriesTo, leadEvent, registerEndpoints, retireEndpoints } from './store-webhook-fixtures.js'
import type { ConformanceTestApi, WithStore } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const isNotFound = (error: unknown) => CamError.isInstance(error, 'NOT_FOUND')
const isConflict = (error: unknown) => CamError.isInstance(error, 'CONFLICT')

/** Webhook endpoints and the event outbox: fan-out by filter, events atomic with their cause. */
export function describeStoreWebhookTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('webhook endpoints and events', () => {
    api.it(
      'registers endpoints without secrets, keeps a disabled one disabled, and enables it again when its url changes',
      withStore(async (store) => {
        const [all, some] = await registerEndpoints(store, t0, ['*', ['email.sent', 'reply.classified']])
        const mine = async () => (await store.listWebhookEndpoints()).filter((e) => e.name === all || e.name === some)
        const listed = await mine()
        assert.deepEqual(
          listed.map((e) => [e.name, e.events, e.status, e.statusReason]),
          [
            [all, '*', 'enabled', null],
            [some, ['email.sent', 'reply.classified'], 'enabled', null],
          ],
        )
        const disabled = await store.setWebhookEndpointStatus({ name: some!, status: 'disabled', reason: '410 Gone', now: minutes(1) })
        assert.deepEqual([disabled.status, disabled.statusReason], ['disabled', '410 Gone'])
        const url = listed[1]!.url
        await store.registerWebhookEndpoints({ endpoints: [{ name: some!, url, events: ['email.sent'] }], now: minutes(2) })
        assert.deepEqual((await mine()).map((e) => [e.status, e.events]), [['enabled', '*'], ['disabled', ['email.sent']]], 'same url: still disabled, filter updated')
        await store.registerWebhookEndpoints({ endpoints: [{ name: some!, url: `${url}/new`, events: ['email.sent'] }], now: minutes(3) })
        assert.deepEqual((await mine()).map((e) => [e.status, e.statusReason]), [['enabled', null], ['enabled', null]], 'a new url is a new subscription')
        await assert.rejects(store.setWebhookEndpointStatus({ name: `missing-${randomUUID()}`, status: 'disabled', reason: null, now: t0 }), isNotFound)
        await retireEndpoints(store, [all!, some!], minutes(4))
      }),
    )

    api.it(
      'records an event with its cause and fans it out to each enabled endpoint whose filter matches; an id per event, never reused',
      withStore(async (store) => {
        const [all, paused, sent, off] = await registerEndpoints(store, t0, ['*', ['campaign.paused'], ['email.sent'], '*'])
        await store.setWebhookEndpointStatus({ name: off!, status: 'disabled', reason: 'test', now: t0 })
        const endpoints = [all!, paused!, sent!, off!]
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now: t0 })
        const event = campaignEvent(campaign.id, minutes(1))
        await store.transitionCampaign({ campaignId: campaign.id, from: ['active'], to: 'paused', reason: 'rate', now: minutes(1), events: [event, campaignEvent(campaign.id, minutes(1))] })
        const deliveries = await deliveriesTo(store, endpoints)
        assert.deepEqual(deliveries.map((d) => d.delivery.endpoint).sort(), [all, all, paused, paused].sort(), 'two events × the two matching enabled endpoints')
        const ids = new Set(deliveries.map((d) => d.event.id))
        assert.equal(ids.size, 2, 'each event its own id')
        for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{8,}$/, 'an id usable as webhook-id (no dot)')
        const first = deliveries.find((d) => d.delivery.endpoint === all)!
        assert.deepEqual({ ...first.event, id: undefined }, { ...event, id: undefined }, 'the event as given, dates as dates')
        assert.deepEqual(
          [first.delivery.status, first.delivery.attempts, first.delivery.nextAttemptAt.getTime(), first.delivery.leadId, first.delivery.createdAt.getTime()],
          ['pending', 0, minutes(1).getTime(), null, minutes(1).getTime()],
        )
        // Nobody subscribes to email.bounced among the enabled ones but `all`.
        await store.transitionCampaign({ campaignId: campaign.id, from: ['paused'], to: 'active', reason: null, now: minutes(2), events: [campaignEvent(campaign.id, minutes(2), 'campaign.resumed')] })
        const after = await deliveriesTo(store, endpoints)
        assert.deepEqual(after.filter((d) => d.event.type === 'campaign.resumed').map((d) => d.delivery.endpoint), [all])
        await retireEndpoints(store, endpoints, minutes(3))
      }),
    )

    api.it(
      'records events only when their cause happens: a transition that does not apply, a repeated delivery event and a rejected outcome record none',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, ['*'])
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const lead = leads[0]!
        const events = (n: number): NewCamEvent[] => [leadEvent(campaign.id, lead.id, minutes(n))]
        assert.equal(await store.transitionCampaign({ campaignId: campaign.id, from: ['paused'], to: 'active', reason: null, now: minutes(1), events: events(1) }), null)
        assert.equal(await store.transitionLead({ leadId: lead.id, from: 'active', to: 'no_reply', reason: 'x', now: minutes(1), events: events(1) }), null)
        // An outcome that conflicts (the lead is queued, not active) is rolled back with its events.
        const saved = await store.saveInboundMessage({ inbox: `inbox-${randomUUID()}`, sourceKey: 'INBOX:1:1', messageId: `<${randomUUID()}@prospect.example>`, raw: sampleRawMessage(), truncated: false, receivedAt: t0, cursor: '1' })
        const claimed = (await store.claimPendingMessages({ now: minutes(1), workerId: 'w', limit: 10_000, claimTtlMs: 60_000 })).filter((m) => m.id === saved.id)
        assert.equal(claimed.length, 1)
        const outcome = {
          messageId: saved.id,
          workerId: 'w',
          now: minutes(2),
          leadId: lead.id,
          campaignId: campaign.id,
          outboundEmailId: null,
          classification: { category: 'positive' as const, confidence: 0.9, reason: 'yes' },
          note: null,
          leadTransition: { leadId: lead.id, from: 'active' as const, to: 'interested' as const, reason: 'positive reply' },
          events: events(2),
        }
        await assert.rejects(store.recordMessageOutcome(outcome), isConflict)
        assert.deepEqual(await deliveriesTo(store, endpoints), [], 'nothing recorded by changes that did not happen')
        await store.recordMessageOutcome({ ...outcome, leadTransition: { ...outcome.leadTransition, from: 'queued' } })
        assert.equal((await deliveriesTo(store, endpoints)).length, 1, 'the applied outcome recorded its event')
        // Other causes record theirs.
        const moved = await store.transitionLead({ leadId: lead.id, from: 'interested', to: 'replied', reason: 'x', now: minutes(3), events: events(3) })
        assert.equal(moved?.state, 'replied')
        await store.createAlert({ alert: sampleAlert({ id: randomUUID(), campaignId: campaign.id }), channels: [], now: minutes(4), events: events(4) })
        assert.equal((await deliveriesTo(store, endpoints)).length, 3)
        await retireEndpoints(store, endpoints, minutes(5))
      }),
    )

    api.it(
      'records email and delivery-event events with the send and the provider event, not with a repeat of the event',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, ['*'])
        const seeded = await seedCampaign(store, t0, { leads: 1 })
        const { claimed } = await store.claimDueEmails({ now: minutes(1), workerId: 'w', limit: 100, claimTtlMs: 60_000, senderIdempotent: true, caps: [capFor(seeded.campaign.id, 1000, '2030-01-07')] })
        const item = claimed.find((c) => c.lead.id === seeded.leads[0]!.id)!
        const sentEvent: NewCamEvent = {
          type: 'email.sent',
          version: 1,
          occurredAt: minutes(1),
          campaignId: seeded.campaign.id,
          leadId: item.lead.id,
          data: { emailId: item.email.id, stepIndex: 0, to: item.lead.email, messageId: item.email.messageId, providerId: 'p-1', mailbox: null },
        }
        const progress = { state: 'active' as const, nextStepIndex: 1, lastSentAt: minutes(1), replyDeadlineAt: null, threadSubject: 'Hello' }
        await store.recordEmailSent({ emailId: item.email.id, workerId: 'w', sentAt: minutes(1), subject: 'Hello', providerId: `p-${randomUUID()}`, providerMessageId: null, lead: progress, next: null, events: [sentEvent] })
        const bounced: NewCamEvent = {
          type: 'email.bounced',
          version: 1,
          occurredAt: minutes(2),
          campaignId: seeded.campaign.id,
          leadId: item.lead.id,
          data: { emailId: item.email.id, bounceType: 'hard', reason: 'user_unknown', status: '5.1.1', diagnostic: '550 5.1.1 no such user', source: 'provider', provider: 'conformance' },
        }
        const input = {
          event: { id: `evt-${randomUUID()}`, provider: 'conformance', type: 'bounced' as const, emailId: item.email.id, campaignId: seeded.campaign.id, leadId: item.lead.id, recipient: null, bounce: null, reason: null, occurredAt: minutes(2) },
          now: minutes(2),
          finding: { emailId: item.email.id, kind: 'bounced' as const, metrics: { bounced: 1 } },
          events: [bounced],
        }
        assert.equal((await store.recordDeliveryEvent(input)).recorded, true)
        assert.equal((await store.recordDeliveryEvent(input)).recorded, false)
        const deliveries = await deliveriesTo(store, endpoints)
        assert.deepEqual(deliveries.map((d) => d.event.type), ['email.sent', 'email.bounced'], 'in the order recorded; the repeat recorded nothing')
        assert.deepEqual(deliveries[1]!.event.data, bounced.data)
        assert.equal(deliveries[0]!.delivery.leadId, item.lead.id)
        await retireEndpoints(store, endpoints, minutes(3))
      }),
    )

    api.it(
      'records a paused mailbox alert event with the transition, and an in-doubt email confirmed sent with its resolution',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, [['alert.raised', 'email.sent']])
        const mailbox = `mailbox-${randomUUID()}`
        await store.registerMailboxes({ mailboxes: [{ name: mailbox, address: 'ana@pool.example', dailyLimit: 10, rampUp: null, minGapMs: 0 }], now: t0 })
        const alertId = randomUUID()
        const raised: NewCamEvent = { type: 'alert.raised', version: 1, occurredAt: minutes(1), campaignId: null, leadId: null, data: { alertId, kind: 'mailbox_paused', title: 'Mailbox paused', category: null } }
        await store.transitionMailbox({ name: mailbox, from: ['active'], to: 'paused', reason: 'bounces', now: minutes(1), alert: { alert: sampleAlert({ id: alertId, kind: 'mailbox_paused' }), channels: [] }, events: [raised] })
        assert.equal(await store.transitionMailbox({ name: mailbox, from: ['active'], to: 'paused', reason: 'again', now: minutes(2), events: [raised] }), null)
        const deliveries = await deliveriesTo(store, endpoints)
        assert.deepEqual(deliveries.map((d) => d.event.data), [raised.data], 'once, with the alert id core chose')
        assert.ok((await store.listAlerts({ limit: 100_000 })).some((alert) => alert.id === alertId), 'the alert is stored under that id')
        // An email held in doubt (a strict sender's worker died mid-send) that a person confirms as sent.
        const seeded = await seedCampaign(store, t0, { leads: 1 })
        const caps = [capFor(seeded.campaign.id, 1000, '2030-01-07')]
        const { claimed } = await store.claimDueEmails({ now: minutes(1), workerId: 'crashed', limit: 100, claimTtlMs: 60_000, senderIdempotent: false, caps })
        const item = claimed.find((c) => c.lead.id === seeded.leads[0]!.id)!
        await store.recordSendAttempt({ emailId: item.email.id, workerId: 'crashed', now: minutes(1) })
        const { inDoubt } = await store.claimDueEmails({ now: minutes(3), workerId: 'w', limit: 100, claimTtlMs: 60_000, senderIdempotent: false, caps })
        assert.ok(inDoubt.some((email) => email.id === item.email.id))
        const sent: NewCamEvent = {
          type: 'email.sent',
          version: 1,
          occurredAt: minutes(4),
          campaignId: seeded.campaign.id,
          leadId: item.lead.id,
          data: { emailId: item.email.id, stepIndex: 0, to: item.lead.email, messageId: item.email.messageId, providerId: null, mailbox: null },
        }
        const progress = { state: 'active' as const, nextStepIndex: 1, lastSentAt: minutes(4), replyDeadlineAt: null, threadSubject: 'Hello' }
        await store.resolveInDoubtEmail({ emailId: item.email.id, resolution: 'sent', now: minutes(4), lead: progress, next: null, events: [sent] })
        assert.deepEqual((await deliveriesTo(store, endpoints)).map((d) => d.event.type), ['alert.raised', 'email.sent'])
        await retireEndpoints(store, endpoints, minutes(5))
      }),
    )
  })
}
