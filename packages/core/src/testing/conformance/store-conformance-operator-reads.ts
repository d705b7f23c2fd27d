import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { ReplyCategory } from '../../domain/classification.js'
import { CamError } from '../../errors/cam-error.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import { sampleAlert, sampleRawMessage, seedCampaign } from './store-fixtures.js'
import type { ConformanceTestApi, WithStore } from './test-api.js'

const t0 = new Date('2030-02-04T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const ttl = 3_600_000

/** Stores and processes one reply of `leadId` with `category`; returns the message id. */
async function processedReply(store: StoreV1, input: { inbox: string; n: number; leadId: string | null; campaignId: string | null; category: ReplyCategory | null }) {
  const messageId = `<${randomUUID()}@prospect.example>`
  const saved = await store.saveInboundMessage({
    inbox: input.inbox,
    sourceKey: `INBOX:1:${input.n}`,
    messageId,
    raw: sampleRawMessage({ messageId }),
    truncated: false,
    receivedAt: minutes(input.n),
    cursor: String(input.n),
  })
  const workerId = `worker-${randomUUID()}`
  // Claim until ours is among the claimed (other tests may share the store), give back the rest.
  const claimed = await store.claimPendingMessages({ now: minutes(input.n), workerId, limit: 10_000, claimTtlMs: ttl })
  for (const other of claimed.filter((message) => message.id !== saved.id)) await store.releaseMessage({ messageId: other.id, workerId, retryAt: minutes(input.n) })
  await store.recordMessageOutcome({
    messageId: saved.id,
    workerId,
    now: minutes(input.n),
    leadId: input.leadId,
    campaignId: input.campaignId,
    outboundEmailId: null,
    classification: input.category ? { category: input.category, confidence: 0.9, reason: `rules said ${input.category}` } : null,
    note: null,
  })
  return saved.id
}

/** What an operator reads and corrects: replies by campaign and category, reclassification, the suppression list, daily counters. */
export function describeStoreOperatorTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('operator reads and corrections', () => {
    api.it(
      'lists processed replies of a campaign newest first, by category, with keyset pages',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 3 })
        const inbox = `inbox-${randomUUID()}`
        const categories: ReplyCategory[] = ['positive', 'negative', 'positive', 'question', 'positive']
        const ids: string[] = []
        for (const [index, category] of categories.entries()) {
          ids.push(await processedReply(store, { inbox, n: index + 1, leadId: leads[index % 3]!.id, campaignId: campaign.id, category }))
        }
        const newest = await store.listInboundMessages({ campaignId: campaign.id, status: 'processed', order: 'newest_first', limit: 2 })
        assert.deepEqual(newest.map((message) => message.id), [ids[4], ids[3]])
        const next = await store.listInboundMessages({ campaignId: campaign.id, status: 'processed', order: 'newest_first', limit: 2, after: ids[3] })
        assert.deepEqual(next.map((message) => message.id), [ids[2], ids[1]])
        const positives = await store.listInboundMessages({ campaignId: campaign.id, category: 'positive', order: 'newest_first' })
        assert.deepEqual(positives.map((message) => message.id), [ids[4], ids[2], ids[0]])
        const oldestPositives = await store.listInboundMessages({ campaignId: campaign.id, category: 'positive', after: ids[0] })
        assert.deepEqual(oldestPositives.map((message) => message.id), [ids[2], ids[4]], 'oldest first stays the default')
        assert.deepEqual(await store.listInboundMessages({ campaignId: campaign.id, order: 'newest_first', after: randomUUID() }), [], 'after an unknown id: nothing')
      }),
    )

    api.it(
      'reclassifies a processed reply with its effects in one step, and refuses when the category it saw changed',
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const lead = leads[0]!
        const id = await processedReply(store, { inbox: `inbox-${randomUUID()}`, n: 1, leadId: lead.id, campaignId: campaign.id, category: 'negative' })
        const channel = `ch-${randomUUID()}`
        const request = {
          messageId: id,
          now: minutes(10),
          expectedCategory: 'negative' as const,
          classification: { category: 'positive' as const, confidence: 1, reason: 'set by ops' },
          note: null,
          leadTransition: { leadId: lead.id, from: 'queued' as const, to: 'interested' as const, reason: 'positive: set by ops' },
          cancelPendingEmails: true,
          alert: { alert: sampleAlert({ campaignId: campaign.id }), channels: [channel] },
          metrics: { positive: 1 },
        }
        await assert.rejects(store.reclassifyMessage({ ...request, expectedCategory: 'question' }), (error) => CamError.isInstance(error, 'CONFLICT'), 'it is negative, not question')
        await assert.rejects(store.reclassifyMessage({ ...request, leadTransition: { ...request.leadTransition, from: 'active' } }), (error) => CamError.isInstance(error, 'CONFLICT'))
        assert.equal((await store.getInboundMessage(id))?.classification?.category, 'negative', 'a refused reclassification changes nothing')
        assert.equal((await store.listAlerts({ campaignId: campaign.id })).length, 0)
        const endpoint = `ops-${randomUUID().slice(0, 8)}`
        await store.registerWebhookEndpoints({ endpoints: [{ name: endpoint, url: 'https://receiver.example/ops', events: ['lead.state_changed'] }], now: minutes(9) })
        const event = { type: 'lead.state_changed' as const, version: 1 as const, occurredAt: minutes(10), campaignId: campaign.id, leadId: lead.id, data: { leadEmail: lead.email, from: 'queued' as const, to: 'interested' as const, reason: 'set by ops' } }
        await assert.rejects(store.reclassifyMessage({ ...request, expectedCategory: 'question', events: [event] }), (error) => CamError.isInstance(error, 'CONFLICT'))
        assert.equal((await store.listWebhookDeliveries({ endpoint })).length, 0, 'no event without its change')
        const updated = await store.reclassifyMessage({ ...request, events: [event] })
        assert.deepEqual((await store.listWebhookDeliveries({ endpoint })).map(({ event: recorded }) => [recorded.type, recorded.leadId]), [['lead.state_changed', lead.id]], 'the event is recorded with the change')
        assert.equal(updated.classification?.category, 'positive')
        assert.equal(updated.status, 'processed')
        assert.equal((await store.getLead(lead.id))?.state, 'interested')
        assert.ok((await store.listEmails({ leadId: lead.id })).every((email) => email.status === 'cancelled'), 'sequence stopped')
        assert.equal((await store.listAlertDeliveries({ alertId: (await store.listAlerts({ campaignId: campaign.id }))[0]!.id }))[0]?.channel, channel)
        const [counters] = await store.getCampaignCounters({ campaignIds: [campaign.id], sinceDay: '2030-01-01' })
        assert.equal(counters?.lifetime.positive, 1)
        await assert.rejects(store.reclassifyMessage({ ...request, messageId: randomUUID() }), (error) => CamError.isInstance(error, 'NOT_FOUND'))
      }),
    )

    api.it(
      'lists alerts newest first with keyset pages, oldest first by default',
      withStore(async (store) => {
        const { campaign } = await seedCampaign(store, t0, { leads: 1 })
        const ids: string[] = []
        for (let n = 0; n < 4; n++) ids.push((await store.createAlert({ alert: sampleAlert({ campaignId: campaign.id, title: `alert ${n}` }), channels: [], now: minutes(n) })).id)
        assert.deepEqual((await store.listAlerts({ campaignId: campaign.id })).map((alert) => alert.id), ids)
        assert.deepEqual((await store.listAlerts({ campaignId: campaign.id, order: 'newest_first', limit: 2 })).map((alert) => alert.id), [ids[3], ids[2]])
        assert.deepEqual((await store.listAlerts({ campaignId: campaign.id, order: 'newest_first', after: ids[2] })).map((alert) => alert.id), [ids[1], ids[0]])
        assert.deepEqual((await store.listAlerts({ campaignId: campaign.id, after: ids[1] })).map((alert) => alert.id), [ids[2], ids[3]])
        assert.deepEqual(await store.listAlerts({ campaignId: campaign.id, after: randomUUID() }), [], 'after an unknown id: nothing')
      }),
    )

    api.it(
      'searches the suppression list literally, pages it in order of addition, and removes entries',
      withStore(async (store) => {
        const tag = randomUUID().slice(0, 8)
        const emails = [`a_${tag}@one.example`, `b%${tag}@two.example`, `c${tag}@three.example`, `ax${tag}@four.example`]
        for (const [index, email] of emails.entries()) await store.suppress({ email, reason: 'manual', source: 'test', now: minutes(index) })
        assert.deepEqual((await store.listSuppressions({ search: tag })).map((entry) => entry.email), emails)
        assert.deepEqual((await store.listSuppressions({ search: `a_${tag}` })).map((entry) => entry.email), [emails[0]], '_ is not a wildcard')
        assert.deepEqual((await store.listSuppressions({ search: `%${tag}` })).map((entry) => entry.email), [emails[1]], '% is not a wildcard')
        assert.deepEqual((await store.listSuppressions({ search: tag.toUpperCase() })).length, 4, 'case-insensitive')
        assert.deepEqual((await store.listSuppressions({ search: tag, limit: 2, after: emails[0] })).map((entry) => entry.email), [emails[1], emails[2]])
        const removed = await store.removeSuppression({ email: emails[1]!, now: minutes(9) })
        assert.equal(removed?.email, emails[1])
        assert.equal(removed?.reason, 'manual')
        assert.equal(await store.getSuppression(emails[1]!), null)
        assert.equal(await store.removeSuppression({ email: emails[1]!, now: minutes(9) }), null, 'not there any more')
      }),
    )

    api.it(
      "returns a campaign's counters per day from a day on, oldest first",
      withStore(async (store) => {
        const { campaign, leads } = await seedCampaign(store, t0, { leads: 1 })
        const inbox = `inbox-${randomUUID()}`
        for (const [n, day] of [
          [1, '2030-02-01'],
          [2, '2030-02-03'],
          [3, '2030-02-03'],
        ] as const) {
          const saved = await store.saveInboundMessage({ inbox, sourceKey: `s${n}`, messageId: `<${randomUUID()}@x>`, raw: sampleRawMessage(), truncated: false, receivedAt: t0, cursor: String(n) })
          const workerId = `w-${randomUUID()}`
          const claimed = await store.claimPendingMessages({ now: t0, workerId, limit: 10_000, claimTtlMs: ttl })
          for (const other of claimed.filter((message) => message.id !== saved.id)) await store.releaseMessage({ messageId: other.id, workerId, retryAt: t0 })
          await store.recordMessageOutcome({ messageId: saved.id, workerId, now: new Date(`${day}T12:00:00Z`), leadId: leads[0]!.id, campaignId: campaign.id, outboundEmailId: null, classification: null, note: null, metrics: { replied: 1, autoReplies: n } })
        }
        const days = await store.getCampaignDailyCounters({ campaignId: campaign.id, sinceDay: '2030-02-02' })
        assert.deepEqual(days.map((entry) => [entry.day, entry.counts.replied, entry.counts.autoReplies, entry.counts.sent]), [['2030-02-03', 2, 5, 0]])
        const all = await store.getCampaignDailyCounters({ campaignId: campaign.id, sinceDay: '2030-01-01' })
        assert.deepEqual(all.map((entry) => entry.day), ['2030-02-01', '2030-02-03'])
      }),
    )
  })
}
