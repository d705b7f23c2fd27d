import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { CamError } from '../../errors/cam-error.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import type { WithStore } from './test-api.js'
import { capFor, sampleAlert, sampleRawMessage, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const ttl = 3_600_000

async function saveOne(store: StoreV1, inbox: string, n: number, messageId: string | null = `<${randomUUID()}@prospect.example>`) {
  return store.saveInboundMessage({
    inbox,
    sourceKey: `INBOX:1:${n}`,
    messageId,
    raw: sampleRawMessage(messageId ? { messageId } : {}),
    truncated: false,
    receivedAt: minutes(n),
    cursor: JSON.stringify({ last: n }),
  })
}

async function claimMine(store: StoreV1, ids: Set<string>, workerId: string, now: Date) {
  const claimed = await store.claimPendingMessages({ now, workerId, limit: 10_000, claimTtlMs: ttl })
  // Other tests may share the store: give back what is not ours.
  for (const message of claimed.filter((m) => !ids.has(m.id))) {
    await store.releaseMessage({ messageId: message.id, workerId, retryAt: now })
  }
  return claimed.filter((m) => ids.has(m.id))
}

/** Inbound messages and outcomes, counters, alerts. */
export function describeStoreMessageTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('inbound messages', () => {
    api.it(
      'stores a message with its cursor, byte for byte, and ignores repeats by source key or Message-ID while still advancing the cursor',
      withStore(async (store) => {
        const inbox = `inbox-${randomUUID()}`
        assert.equal(await store.getInboxCursor(inbox), null)
        const raw = sampleRawMessage()
        const first = await store.saveInboundMessage({ inbox, sourceKey: 'INBOX:1:1', messageId: '<m1-' + inbox + '@x>', raw, truncated: false, receivedAt: t0, cursor: '{"last":1}' })
        assert.equal(first.stored, true)
        assert.equal(await store.getInboxCursor(inbox), '{"last":1}')
        const bySource = await store.saveInboundMessage({ inbox, sourceKey: 'INBOX:1:1', messageId: null, raw, truncated: false, receivedAt: t0, cursor: '{"last":2}' })
        assert.equal(bySource.stored, false, 'same source key: not stored again')
        assert.equal(await store.getInboxCursor(inbox), '{"last":2}', 'the cursor still advances')
        const byMessageId = await store.saveInboundMessage({ inbox, sourceKey: 'INBOX:2:7', messageId: '<m1-' + inbox + '@x>', raw, truncated: false, receivedAt: t0, cursor: '{"last":3}' })
        assert.equal(byMessageId.stored, false, 'same Message-ID (e.g. after a UIDVALIDITY change): not stored again')
        assert.equal(byMessageId.id, first.id)
        assert.equal(await store.getInboxCursor(inbox), '{"last":3}')
        const stored = await store.getInboundMessage(first.id)
        assert.ok(stored)
        assert.deepEqual(Buffer.from(stored.raw), Buffer.from(raw), 'raw bytes preserved')
        assert.equal(stored.status, 'pending')
        assert.equal(stored.inbox, inbox)
        assert.equal(stored.sourceKey, 'INBOX:1:1')
        const noId = await saveOne(store, inbox, 4, null)
        const noId2 = await saveOne(store, inbox, 5, null)
        assert.ok(noId.stored && noId2.stored, 'messages without Message-ID are told apart by source key')
        await store.saveInboxCursor(inbox, '{"last":9}')
        assert.equal(await store.getInboxCursor(inbox), '{"last":9}')
      }),
    )

    api.it(
      'claims pending messages exclusively, recovers expired claims and honours releases',
      withStore(async (store) => {
        const inbox = `inbox-${randomUUID()}`
        const ids = new Set<string>()
        for (let n = 1; n <= 6; n++) ids.add((await saveOne(store, inbox, n)).id)
        const [a, b] = await Promise.all([claimMine(store, ids, 'worker-a', minutes(10)), claimMine(store, ids, 'worker-b', minutes(10))])
        assert.equal(a.length + b.length, 6)
        assert.equal(new Set([...a, ...b].map((m) => m.id)).size, 6, 'no message claimed twice')
        const [mine] = a.length > 0 ? a : b
        const holder = a.length > 0 ? 'worker-a' : 'worker-b'
        await store.releaseMessage({ messageId: mine!.id, workerId: holder, error: 'classifier down', retryAt: minutes(100) })
        assert.equal((await claimMine(store, ids, 'worker-c', minutes(10.5))).length, 0, 'released message waits until retryAt; the others are still claimed')
        const later = await claimMine(store, ids, 'worker-c', new Date(minutes(10).getTime() + ttl + 1))
        assert.equal(later.length, 5, 'expired claims are recovered')
        const released = await claimMine(store, ids, 'worker-d', minutes(100))
        assert.deepEqual(released.map((m) => m.id), [mine!.id])
        assert.ok(released[0]!.attempts >= 2)
      }),
    )

    api.it(
      'applies an outcome atomically: lead transition, cancelled sequence, suppression, alert deliveries and counters',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const lead = leads[0]!
        const inbox = `inbox-${randomUUID()}`
        const saved = await saveOne(store, inbox, 1)
        const [message] = await claimMine(store, new Set([saved.id]), 'worker-a', minutes(1))
        assert.ok(message)
        const channels = [`slack-${randomUUID()}`, `email-${randomUUID()}`]
        await store.recordMessageOutcome({
          messageId: message.id,
          workerId: 'worker-a',
          now: minutes(2),
          leadId: lead.id,
          campaignId: campaign.id,
          outboundEmailId: null,
          classification: { category: 'unsubscribe', confidence: 0.95, reason: "matched 'remove me'" },
          note: null,
          leadTransition: { leadId: lead.id, from: 'queued', to: 'unsubscribed', reason: 'asked to stop' },
          cancelPendingEmails: true,
          suppression: { email: lead.emailNormalized, reason: 'unsubscribe', source: `message ${message.id}` },
          alert: { alert: sampleAlert({ campaignId: campaign.id, leadId: lead.id, category: 'unsubscribe' }), channels },
          metrics: { replied: 1, unsubscribed: 1 },
        })
        const processed = await store.getInboundMessage(message.id)
        assert.equal(processed?.status, 'processed')
        assert.equal(processed?.leadId, lead.id)
        assert.equal(processed?.campaignId, campaign.id)
        assert.equal(processed?.classification?.category, 'unsubscribe')
        assert.equal(processed?.processedAt?.getTime(), minutes(2).getTime())
        assert.equal((await store.getLead(lead.id))?.state, 'unsubscribed')
        assert.ok((await store.listEmails({ leadId: lead.id })).every((e) => e.status === 'cancelled'))
        assert.equal((await store.getSuppression(lead.emailNormalized))?.reason, 'unsubscribe')
        const alerts = await store.listAlerts({ campaignId: campaign.id })
        assert.equal(alerts.length, 1)
        assert.equal(alerts[0]!.excerpt, sampleAlert().excerpt, 'alert text stored verbatim')
        const deliveries = await store.listAlertDeliveries({ alertId: alerts[0]!.id })
        assert.deepEqual(deliveries.map((d) => d.channel).sort(), [...channels].sort())
        assert.ok(deliveries.every((d) => d.status === 'pending'))
        const [counters] = await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-07' })
        assert.equal(counters?.window.unsubscribed, 1)
        assert.equal(counters?.window.replied, 1)
        assert.equal((await store.listInboundMessages({ leadId: lead.id })).length, 1)
        assert.equal((await claimMine(store, new Set([saved.id]), 'worker-b', minutes(500))).length, 0, 'a processed message is never claimed again')
      }),
    )

    api.it(
      'applies nothing when the lead changed meanwhile or the claim was lost',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const lead = leads[0]!
        const inbox = `inbox-${randomUUID()}`
        const saved = await saveOne(store, inbox, 1)
        const [message] = await claimMine(store, new Set([saved.id]), 'worker-a', minutes(1))
        const channel = `ch-${randomUUID()}`
        const outcome = {
          messageId: message!.id,
          workerId: 'worker-a',
          now: minutes(2),
          leadId: lead.id,
          campaignId: campaign.id,
          outboundEmailId: null,
          classification: { category: 'positive' as const, confidence: 0.9, reason: 'yes' },
          note: null,
          leadTransition: { leadId: lead.id, from: 'active' as const, to: 'interested' as const, reason: 'positive' },
          cancelPendingEmails: true,
          suppression: { email: lead.emailNormalized, reason: 'unsubscribe' as const, source: 'x' },
          alert: { alert: sampleAlert({ campaignId: campaign.id }), channels: [channel] },
          metrics: { replied: 1, positive: 1 },
        }
        await assert.rejects(store.recordMessageOutcome(outcome), (error) => CamError.isInstance(error, 'CONFLICT'), 'the lead is queued, not active')
        assert.equal((await store.getInboundMessage(message!.id))?.status, 'pending', 'message not marked processed')
        assert.equal((await store.getLead(lead.id))?.state, 'queued')
        assert.equal(await store.getSuppression(lead.emailNormalized), null, 'no suppression written')
        assert.equal((await store.listAlerts({ campaignId: campaign.id })).length, 0, 'no alert written')
        assert.ok((await store.listEmails({ leadId: lead.id })).every((e) => e.status === 'queued'), 'sequence untouched')
        assert.equal((await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' }))[0]?.lifetime.positive, 0)
        await assert.rejects(
          store.recordMessageOutcome({ ...outcome, workerId: 'intruder', leadTransition: { ...outcome.leadTransition, from: 'queued' } }),
          (error) => CamError.isInstance(error, 'CONFLICT'),
          'only the claim holder may record the outcome',
        )
        await store.recordMessageOutcome({ ...outcome, leadTransition: { ...outcome.leadTransition, from: 'queued' }, suppression: undefined })
        assert.equal((await store.getLead(lead.id))?.state, 'interested')
      }),
    )

    api.it(
      "reschedules the lead's queued email (out of office)",
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const lead = leads[0]!
        const saved = await saveOne(store, `inbox-${randomUUID()}`, 1)
        const [message] = await claimMine(store, new Set([saved.id]), 'worker-a', minutes(1))
        const back = minutes(60 * 24 * 5)
        await store.recordMessageOutcome({
          messageId: message!.id,
          workerId: 'worker-a',
          now: minutes(2),
          leadId: lead.id,
          campaignId: campaign.id,
          outboundEmailId: null,
          classification: { category: 'out_of_office', confidence: 0.9, reason: 'ooo', returnDate: back },
          note: null,
          leadTransition: { leadId: lead.id, from: 'queued', to: 'paused', reason: 'out of office', resumeAt: back },
          reschedulePendingEmailTo: back,
          metrics: { outOfOffice: 1 },
        })
        const stored = await store.getLead(lead.id)
        assert.equal(stored?.state, 'paused')
        assert.equal(stored?.resumeAt?.getTime(), back.getTime())
        assert.equal((await store.listEmails({ leadId: lead.id }))[0]?.scheduledAt.getTime(), back.getTime())
        assert.equal((await store.getInboundMessage(message!.id))?.classification?.returnDate?.getTime(), back.getTime(), 'dates survive the round trip')
        const claimEarly = await store.claimDueEmails({ now: minutes(60), workerId: 'w', limit: 10, claimTtlMs: ttl, senderIdempotent: true, caps: [capFor(campaign.id)] })
        assert.equal(claimEarly.claimed.length, 0, 'paused until the return date')
        const claimLater = await store.claimDueEmails({ now: back, workerId: 'w', limit: 10, claimTtlMs: ttl, senderIdempotent: true, caps: [capFor(campaign.id)] })
        assert.equal(claimLater.claimed.length, 1, 'resumes at the return date')
      }),
    )
  })

  api.describe('metrics counters', () => {
    api.it(
      'sums counters per campaign, lifetime and inside the window',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const other = await seedCampaign(store, t0, { leads: 0 })
        const inbox = `inbox-${randomUUID()}`
        const days = [new Date('2030-01-01T12:00:00Z'), new Date('2030-01-05T12:00:00Z'), new Date('2030-01-07T12:00:00Z')]
        for (const [n, day] of days.entries()) {
          const saved = await saveOne(store, inbox, n + 1)
          const [message] = await claimMine(store, new Set([saved.id]), 'worker-a', day)
          await store.recordMessageOutcome({ messageId: message!.id, workerId: 'worker-a', now: day, leadId: leads[0]!.id, campaignId: campaign.id, outboundEmailId: null, classification: null, note: 'test', metrics: { bounced: 1, hardBounced: 1 } })
        }
        const counters = await store.getCampaignCounters({ campaignIds: [campaign.id, other.campaign.id], sinceDay: '2030-01-05' })
        const mine = counters.find((c) => c.campaignId === campaign.id)
        assert.equal(mine?.lifetime.bounced, 3)
        assert.equal(mine?.window.bounced, 2, 'only days on or after sinceDay')
        assert.equal(mine?.window.hardBounced, 2)
        const empty = counters.find((c) => c.campaignId === other.campaign.id)
        assert.equal(empty?.lifetime.sent, 0, 'a campaign without events has zero counters')
      }),
    )
  })

  api.describe('alert deliveries', () => {
    api.it(
      'creates one delivery per channel and hands each out to one worker until delivered',
      withStore(async (store) => {
        const slack = `slack-${randomUUID()}`
        const email = `email-${randomUUID()}`
        const alert = await store.createAlert({ alert: sampleAlert(), channels: [slack, email], now: t0 })
        assert.equal(typeof alert.id, 'string')
        assert.equal(alert.createdAt.getTime(), t0.getTime())
        const onlySlack = await store.claimAlertDeliveries({ now: t0, workerId: 'w1', limit: 10, claimTtlMs: ttl, channels: [slack] })
        assert.equal(onlySlack.length, 1, 'only the requested channels')
        assert.equal(onlySlack[0]!.alert.id, alert.id)
        assert.equal(onlySlack[0]!.alert.excerpt, sampleAlert().excerpt)
        assert.equal(onlySlack[0]!.delivery.status, 'delivering')
        assert.equal(onlySlack[0]!.delivery.attempts, 1)
        assert.equal((await store.claimAlertDeliveries({ now: t0, workerId: 'w2', limit: 10, claimTtlMs: ttl, channels: [slack] })).length, 0, 'claimed once')
        await assert.rejects(
          store.recordAlertDelivered({ deliveryId: onlySlack[0]!.delivery.id, workerId: 'w2', now: t0 }),
          (error) => CamError.isInstance(error, 'CONFLICT'),
        )
        await store.recordAlertFailed({ deliveryId: onlySlack[0]!.delivery.id, workerId: 'w1', now: t0, error: 'HTTP 503', retryAt: minutes(5) })
        assert.equal((await store.claimAlertDeliveries({ now: minutes(4), workerId: 'w2', limit: 10, claimTtlMs: ttl, channels: [slack] })).length, 0, 'not before retryAt')
        const retry = await store.claimAlertDeliveries({ now: minutes(5), workerId: 'w2', limit: 10, claimTtlMs: ttl, channels: [slack] })
        assert.equal(retry.length, 1)
        assert.equal(retry[0]!.delivery.attempts, 2)
        assert.equal(retry[0]!.delivery.lastError, 'HTTP 503')
        await store.recordAlertDelivered({ deliveryId: retry[0]!.delivery.id, workerId: 'w2', now: minutes(5) })
        assert.equal((await store.claimAlertDeliveries({ now: minutes(500), workerId: 'w3', limit: 10, claimTtlMs: ttl, channels: [slack] })).length, 0, 'a delivered alert is never handed out again')
        const [crashed] = await store.claimAlertDeliveries({ now: t0, workerId: 'crashed', limit: 10, claimTtlMs: ttl, channels: [email] })
        assert.ok(crashed)
        const recovered = await store.claimAlertDeliveries({ now: new Date(t0.getTime() + ttl + 1), workerId: 'w4', limit: 10, claimTtlMs: ttl, channels: [email] })
        assert.deepEqual(recovered.map((r) => r.delivery.id), [crashed.delivery.id], 'an expired claim is recovered')
        await store.recordAlertDelivered({ deliveryId: crashed.delivery.id, workerId: 'w4', now: minutes(2) })
        const all = await store.listAlertDeliveries({ alertId: alert.id })
        assert.ok(all.every((d) => d.status === 'delivered'))
        assert.equal(all.find((d) => d.channel === slack)?.deliveredAt?.getTime(), minutes(5).getTime())
        assert.equal((await store.listAlertDeliveries({ alertId: alert.id, statuses: ['pending'] })).length, 0)
      }),
    )
  })
}
