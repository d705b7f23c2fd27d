import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { CamError } from '../../errors/cam-error.js'
import type { StoreV1 } from '../../ports/store-v1.js'
import { sampleAlert, sampleCampaign } from './store-fixtures.js'
import { campaignEvent, claimFor, deliveriesTo, leadEvent, registerEndpoints, retireEndpoints } from './store-webhook-fixtures.js'
import type { ConformanceTestApi, WithStore } from './test-api.js'

const t0 = new Date('2030-01-07T10:00:00.000Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const isConflict = (error: unknown) => CamError.isInstance(error, 'CONFLICT')
const isNotFound = (error: unknown) => CamError.isInstance(error, 'NOT_FOUND')

/** Records `perLead` events of each lead, in turns (lead 1, lead 2, lead 1, …), each with an alert. */
async function leadEvents(store: StoreV1, campaignId: string, leads: string[], perLead: number, at: Date): Promise<void> {
  for (let round = 0; round < perLead; round++) {
    for (const leadId of leads) {
      await store.createAlert({ alert: sampleAlert({ campaignId, leadId }), channels: [], now: at, events: [leadEvent(campaignId, leadId, at, round === 0 ? 'replied' : 'interested')] })
    }
  }
}

/** Webhook deliveries: exclusive claims with a TTL, per-lead order, retries, dead letters and replays. */
export function describeStoreWebhookDeliveryTests(api: ConformanceTestApi, withStore: WithStore): void {
  api.describe('webhook deliveries', () => {
    api.it(
      'claims each due delivery once, takes an expired claim over, and refuses records from a worker that lost the claim',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, ['*'])
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        for (let i = 0; i < 3; i++) await store.createAlert({ alert: sampleAlert(), channels: [], now: minutes(1), events: [campaignEvent(campaign.id, minutes(1))] })
        assert.deepEqual(await claimFor(store, endpoints, t0), [], 'not due before its time')
        const [a, b] = await Promise.all([claimFor(store, endpoints, minutes(1), 'worker-a', 2), claimFor(store, endpoints, minutes(1), 'worker-b', 2)])
        const ids = [...a!, ...b!].map((c) => c.delivery.id)
        assert.equal(ids.length, 3, 'every delivery claimed')
        assert.equal(new Set(ids).size, 3, 'by one worker each')
        const mine = a!.length > 0 ? a! : b!
        const holder = a!.length > 0 ? 'worker-a' : 'worker-b'
        const claimed = mine[0]!
        assert.deepEqual([claimed.delivery.status, claimed.delivery.attempts, claimed.delivery.claimedBy], ['delivering', 1, holder])
        assert.equal(claimed.event.type, 'campaign.paused')
        assert.deepEqual(await claimFor(store, endpoints, minutes(1), 'worker-c'), [], 'claimed ones are not claimed again')
        // The claim (60 s) expires: another worker takes it over; the first may no longer record.
        const taken = await claimFor(store, endpoints, minutes(3), 'worker-c')
        assert.equal(taken.length, 3)
        assert.ok(taken.every((c) => c.delivery.attempts === 2))
        await assert.rejects(store.recordWebhookDelivered({ deliveryId: claimed.delivery.id, workerId: holder, now: minutes(3) }), isConflict)
        await assert.rejects(store.recordWebhookFailed({ deliveryId: claimed.delivery.id, workerId: holder, now: minutes(3), error: 'x', retryAt: minutes(4) }), isConflict)
        await assert.rejects(store.recordWebhookDelivered({ deliveryId: randomUUID(), workerId: holder, now: minutes(3) }), isNotFound)
        await store.recordWebhookDelivered({ deliveryId: claimed.delivery.id, workerId: 'worker-c', now: minutes(3) })
        const [delivered] = await store.listWebhookDeliveries({ endpoint: endpoints[0]!, status: 'delivered' })
        assert.deepEqual([delivered?.delivery.id, delivered?.delivery.deliveredAt?.getTime(), delivered?.delivery.claimedBy], [claimed.delivery.id, minutes(3).getTime(), null])
        assert.deepEqual(await claimFor(store, endpoints, minutes(60), 'worker-d').then((c) => c.map((x) => x.delivery.id).includes(claimed.delivery.id)), false, 'a delivered one is never claimed again')
        await retireEndpoints(store, endpoints, minutes(61))
      }),
    )

    api.it(
      'retries a failed delivery at its time and gives it up as a dead letter; a replay queues it again with the same event',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, [['campaign.paused']])
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        await store.createAlert({ alert: sampleAlert(), channels: [], now: t0, events: [campaignEvent(campaign.id, t0)] })
        const [first] = await claimFor(store, endpoints, t0)
        await store.recordWebhookFailed({ deliveryId: first!.delivery.id, workerId: 'worker-a', now: t0, error: 'HTTP 503', retryAt: minutes(5) })
        let [listed] = await store.listWebhookDeliveries({ endpoint: endpoints[0]! })
        assert.deepEqual([listed!.delivery.status, listed!.delivery.lastError, listed!.delivery.nextAttemptAt.getTime(), listed!.delivery.claimedBy], ['pending', 'HTTP 503', minutes(5).getTime(), null])
        assert.deepEqual(await claimFor(store, endpoints, minutes(4)), [], 'not before retryAt')
        const [second] = await claimFor(store, endpoints, minutes(5))
        assert.equal(second!.delivery.attempts, 2)
        await assert.rejects(store.replayWebhookDelivery({ deliveryId: second!.delivery.id, now: minutes(5) }), isConflict, 'only a dead letter is replayed')
        await store.recordWebhookFailed({ deliveryId: second!.delivery.id, workerId: 'worker-a', now: minutes(6), error: 'timeout after 15000 ms', retryAt: null })
        ;[listed] = await store.listWebhookDeliveries({ endpoint: endpoints[0]!, status: 'dead' })
        assert.deepEqual([listed!.delivery.status, listed!.delivery.deadAt?.getTime(), listed!.delivery.lastError], ['dead', minutes(6).getTime(), 'timeout after 15000 ms'])
        assert.deepEqual(await claimFor(store, endpoints, minutes(600)), [], 'a dead letter is never claimed')
        const replayed = await store.replayWebhookDelivery({ deliveryId: second!.delivery.id, now: minutes(700) })
        assert.deepEqual(
          [replayed.delivery.status, replayed.delivery.attempts, replayed.delivery.replayedAt?.getTime(), replayed.delivery.deadAt, replayed.event.id],
          ['pending', 0, minutes(700).getTime(), null, first!.event.id],
        )
        const [third] = await claimFor(store, endpoints, minutes(700))
        assert.deepEqual([third!.event.id, third!.event.data], [first!.event.id, first!.event.data], 'the same event: same id, same data')
        await assert.rejects(store.replayWebhookDelivery({ deliveryId: randomUUID(), now: t0 }), isNotFound)
        await retireEndpoints(store, endpoints, minutes(701))
      }),
    )

    api.it(
      "keeps one lead's events in order per endpoint: a later one waits while an earlier one is pending, retrying or in flight",
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, ['*', ['lead.state_changed']])
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        const [lee, kim] = [randomUUID(), randomUUID()]
        await leadEvents(store, campaign.id, [lee!, kim!], 2, t0)
        await store.createAlert({ alert: sampleAlert(), channels: [], now: t0, events: [campaignEvent(campaign.id, t0)] })
        const [all, leadsOnly] = endpoints as [string, string]
        const firstRound = await claimFor(store, [all], t0)
        assert.deepEqual(
          firstRound.map((c) => [c.delivery.leadId, c.event.type]),
          [
            [lee, 'lead.state_changed'],
            [kim, 'lead.state_changed'],
            [null, 'campaign.paused'],
          ],
          "each lead's first event, and the event without a lead; the second events wait",
        )
        assert.deepEqual(await claimFor(store, [all], t0), [], 'still waiting while the first ones are in flight')
        // Lee's first is retried later; Kim's first is delivered.
        await store.recordWebhookFailed({ deliveryId: firstRound[0]!.delivery.id, workerId: 'worker-a', now: t0, error: 'HTTP 500', retryAt: minutes(10) })
        await store.recordWebhookDelivered({ deliveryId: firstRound[1]!.delivery.id, workerId: 'worker-a', now: t0 })
        await store.recordWebhookDelivered({ deliveryId: firstRound[2]!.delivery.id, workerId: 'worker-a', now: t0 })
        const secondRound = await claimFor(store, [all], minutes(1))
        assert.deepEqual(secondRound.map((c) => [c.delivery.leadId, c.event.data]), [[kim, { leadEmail: 'lee@prospect.example', from: 'active', to: 'interested', reason: 'a reply ✓ <b>"quoted"</b>' }]], "Kim's second goes; Lee's waits for his first")
        await store.recordWebhookDelivered({ deliveryId: secondRound[0]!.delivery.id, workerId: 'worker-a', now: minutes(1) })
        // The other endpoint has its own order: its deliveries do not wait for the first endpoint's.
        assert.deepEqual((await claimFor(store, [leadsOnly], minutes(1))).map((c) => c.delivery.leadId), [lee, kim])
        // Lee's first becomes a dead letter: it no longer holds his second back.
        const [retry] = await claimFor(store, [all], minutes(10))
        assert.equal(retry!.delivery.id, firstRound[0]!.delivery.id)
        await store.recordWebhookFailed({ deliveryId: retry!.delivery.id, workerId: 'worker-a', now: minutes(10), error: 'HTTP 500', retryAt: null })
        const after = await claimFor(store, [all], minutes(10))
        assert.deepEqual(after.map((c) => [c.delivery.leadId, c.event.type === 'lead.state_changed' ? c.event.data.to : null]), [[lee, 'interested']])
        await retireEndpoints(store, endpoints, minutes(11))
      }),
    )

    api.it(
      'claims nothing for a disabled endpoint and resumes its kept deliveries once it is enabled again',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, ['*', '*'])
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        await store.createAlert({ alert: sampleAlert(), channels: [], now: t0, events: [campaignEvent(campaign.id, t0)] })
        await store.setWebhookEndpointStatus({ name: endpoints[0]!, status: 'disabled', reason: '410 Gone', now: t0 })
        assert.deepEqual((await claimFor(store, endpoints, t0)).map((c) => c.delivery.endpoint), [endpoints[1]], 'the disabled endpoint gets nothing')
        await store.createAlert({ alert: sampleAlert(), channels: [], now: minutes(1), events: [campaignEvent(campaign.id, minutes(1))] })
        assert.deepEqual((await deliveriesTo(store, [endpoints[0]!])).length, 1, 'no new deliveries while disabled')
        await store.setWebhookEndpointStatus({ name: endpoints[0]!, status: 'enabled', reason: null, now: minutes(2) })
        assert.deepEqual((await claimFor(store, [endpoints[0]!], minutes(2))).map((c) => c.event.occurredAt.getTime()), [t0.getTime()], 'its kept delivery resumes')
        await retireEndpoints(store, endpoints, minutes(3))
      }),
    )

    api.it(
      'lists deliveries by status and endpoint, page by page (keyset)',
      withStore(async (store) => {
        const endpoints = await registerEndpoints(store, t0, ['*'])
        const campaign = await store.createCampaign(sampleCampaign(), t0)
        for (let i = 0; i < 5; i++) await store.createAlert({ alert: sampleAlert(), channels: [], now: minutes(i), events: [campaignEvent(campaign.id, minutes(i))] })
        const firstPage = await store.listWebhookDeliveries({ endpoint: endpoints[0]!, limit: 2 })
        const secondPage = await store.listWebhookDeliveries({ endpoint: endpoints[0]!, limit: 2, after: firstPage[1]!.delivery.id })
        const rest = await store.listWebhookDeliveries({ endpoint: endpoints[0]!, limit: 10, after: secondPage[1]!.delivery.id })
        assert.deepEqual([...firstPage, ...secondPage, ...rest].map((d) => d.event.occurredAt.getTime()), [0, 1, 2, 3, 4].map((i) => minutes(i).getTime()))
        const [one] = await claimFor(store, endpoints, minutes(10), 'worker-a', 1)
        await store.recordWebhookFailed({ deliveryId: one!.delivery.id, workerId: 'worker-a', now: minutes(10), error: 'HTTP 404', retryAt: null })
        assert.deepEqual((await store.listWebhookDeliveries({ endpoint: endpoints[0]!, status: 'dead' })).map((d) => d.delivery.id), [one!.delivery.id])
        const ofEvent = await store.listWebhookDeliveries({ eventId: one!.event.id })
        assert.ok(ofEvent.length >= 1 && ofEvent.every((d) => d.event.id === one!.event.id), 'by event id: only its deliveries')
        assert.ok(ofEvent.some((d) => d.delivery.id === one!.delivery.id))
        assert.deepEqual(await store.listWebhookDeliveries({ endpoint: endpoints[0]!, after: randomUUID() }), [], 'after an unknown id: nothing')
        await retireEndpoints(store, endpoints, minutes(11))
      }),
    )
  })
}
